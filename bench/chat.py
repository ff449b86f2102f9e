#!/usr/bin/env python
"""Case chat delivery benchmark (a script, not a test). Results: docs/benchmarks/chat.md.

    .venv/bin/python bench/chat.py [--duration 5] [--quick] [--systems B1,B3,B6,B6x2]

Systems, each one server process on this machine, clients in this process:
- B1: a bare `websockets` broadcast server (receive a frame, broadcast it to the room).
- B3: a Channels consumer over channels-redis: group_add on connect, group_send per
  frame, forward the event; no auth, no policy, no database.
- B6: our full path: referral_hub.asgi with token auth, CaseChatConsumer, the policy on
  every frame, message_send (PostgreSQL commit with audit row) -> on-commit group_send ->
  seq check -> clients.
- B6x2: B6 on TWO daphne processes behind the same Redis; clients alternate between
  them (the two members of a small case sit on different processes).

Scenarios: 20 and 100 clients in one case, and 100 cases active at once (2 clients
each), at 10 and 50 messages/s in total (``--rates``); the 100 cases also at 100, 200
and 400 messages/s (``--spread-rates``; one socket then sends 0.5-2/s, under the 10/s
limit). Each message carries its send time; latency is measured at every receiving
client (sender included). Uses PostgreSQL database rh_bench_chat (dropped and
recreated) and Redis database 13.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the project root is importable
    sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rh_bench_chat")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
N_PROVIDERS = 100
N_SMALL_CASES = 100


# --- settings shim: DJANGO_SETTINGS_MODULE=bench.chat with BENCH_LAYER=pubsub runs the
# servers on channels-redis' RedisPubSubChannelLayer instead of the project's
# RedisChannelLayer (everything else is referral_hub.settings).
if os.environ.get("BENCH_LAYER") == "pubsub" and os.environ.get("DJANGO_SETTINGS_MODULE") == "bench.chat":
    from referral_hub.settings import *  # noqa: F403

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]]},
        }
    }


# --- B3 server application (imported by daphne with BENCH_ROLE=b3) -------------------
if os.environ.get("BENCH_ROLE") == "b3":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_hub.settings")
    django.setup()
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from channels.routing import URLRouter
    from django.urls import path

    class BareCaseConsumer(AsyncJsonWebsocketConsumer):
        async def connect(self) -> None:
            self.group = f"bench.case.{self.scope['url_route']['kwargs']['case_id']}"
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.accept()

        async def disconnect(self, code: int) -> None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

        async def receive_json(self, content, **kwargs):  # type: ignore[no-untyped-def]
            await self.channel_layer.group_send(
                self.group, {"type": "chat.message", "message": {"body": content["body"]}}
            )

        async def chat_message(self, event):  # type: ignore[no-untyped-def]
            await self.send_json({"type": "message.new", "message": event["message"]})

    b3_application = URLRouter([path("ws/cases/<int:case_id>/", BareCaseConsumer.as_asgi())])


# --- B1 server --------------------------------------------------------------------------
async def serve_b1(port: int) -> None:
    import websockets

    rooms: dict[str, set] = defaultdict(set)

    async def handler(ws):  # type: ignore[no-untyped-def]
        room = ws.request.path
        rooms[room].add(ws)
        try:
            async for raw in ws:
                frame = json.loads(raw)
                websockets.broadcast(
                    rooms[room], json.dumps({"type": "message.new", "message": {"body": frame["body"]}})
                )
        finally:
            rooms[room].discard(ws)

    async with websockets.serve(handler, "127.0.0.1", port, max_queue=None):
        await asyncio.Future()


# --- B6 data ----------------------------------------------------------------------------
def setup_b6() -> None:
    """Runs in a subprocess with DATABASE_URL set: providers with tokens, one big case
    with every provider, and small cases with two members each; prints the layout."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_hub.settings")
    django.setup()
    from datetime import date, timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from cases.models import CareTeamMember, Case
    from consent.models import Consent
    from directory.models import Provider
    from families.models import Child, Family, Guardian

    family = Family.objects.create(name="Bench family")
    guardian_user = User.objects.create_user("bench_guardian")
    guardian = Guardian.objects.create(user=guardian_user, family=family, relationship="parent")
    users, providers, tokens = [], [], []
    for i in range(N_PROVIDERS):
        user = User.objects.create_user(f"bench_p{i}")
        users.append(user)
        providers.append(
            Provider.objects.create(user=user, name=f"Bench Provider {i}", discipline="social_worker")
        )
        tokens.append(Token.objects.create(user=user).key)
    expires = (timezone.now() + timedelta(days=30)).date()

    def make_case(name: str, members: list[int]) -> int:
        child = Child.objects.create(
            family=family, first_name=name, last_name="Bench", date_of_birth=date(2025, 1, 1)
        )
        case = Case.objects.create(child=child)
        for i in members:
            CareTeamMember.objects.create(case=case, provider=providers[i], user=users[i], role="recipient")
            Consent.objects.create(
                child=child,
                granted_by=guardian,
                recipient_provider=providers[i],
                purpose_messaging=True,
                purpose_care_coordination=True,
                category_case_notes=True,
                expires_on=expires,
                text_version="bench",
                signed_text="bench",
                signature_method="portal_esignature",
            )
        return case.pk

    big = make_case("Big", list(range(N_PROVIDERS)))
    small = [make_case(f"Small{i}", [i, (i + 1) % N_PROVIDERS]) for i in range(N_SMALL_CASES)]
    print(json.dumps({"tokens": tokens, "big": big, "small": small}))


# --- client side ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


async def run_scenario(
    ports: list[int],
    layout: list[tuple[int, list[str | None]]],
    rate: float,
    duration: float,
    full_protocol: bool,
) -> dict:
    """``layout``: (case_id, [token per client]). Sends ``rate`` msgs/s in total, rotating
    over cases and, within a case, over its clients (so no socket exceeds the 10/s
    limit). Client ``i`` of a case connects to ``ports[i % len(ports)]``. Returns latency
    percentiles and delivered/expected."""
    import websockets

    latencies: list[float] = []
    delivered = 0
    seen: set[int] = set()  # distinct messages that reached at least one client
    last_delivery = 0.0
    clients: list[tuple[int, object]] = []
    for case_id, tokens in layout:
        for index, token in enumerate(tokens):
            port = ports[index % len(ports)]
            headers = {"Origin": f"http://127.0.0.1:{port}"}
            if token:
                headers["Authorization"] = f"Token {token}"
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/cases/{case_id}/", additional_headers=headers, max_queue=None
            )
            clients.append((case_id, ws))
    run_id = uuid.uuid4().hex[:8]

    async def reader(ws) -> None:  # type: ignore[no-untyped-def]
        nonlocal delivered, last_delivery
        try:
            async for raw in ws:
                now = time.time()
                frame = json.loads(raw)
                if frame.get("type") != "message.new":
                    continue
                try:
                    stamp = json.loads(frame["message"]["body"])
                except (ValueError, TypeError):
                    continue
                if isinstance(stamp, dict) and stamp.get("r") == run_id:
                    delivered += 1
                    latencies.append((now - stamp["t"]) * 1000)
                    seen.add(stamp["n"])
                    last_delivery = now
        except websockets.ConnectionClosed:
            pass

    readers = [asyncio.create_task(reader(ws)) for _, ws in clients]
    await asyncio.sleep(1.0 + len(clients) / 50)  # connects and presence broadcasts settle
    by_case: dict[int, list] = defaultdict(list)
    for case_id, ws in clients:
        by_case[case_id].append(ws)
    cases = list(by_case)
    turn: dict[int, int] = defaultdict(int)
    expected = 0
    send_failures = 0
    total = int(rate * duration)
    start = time.monotonic()
    start_wall = time.time()
    for n in range(total):
        target = start + n / rate
        delay = target - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        case_id = cases[n % len(cases)]
        members = by_case[case_id]
        sender = members[turn[case_id] % len(members)]
        turn[case_id] += 1
        body = json.dumps({"r": run_id, "t": time.time(), "n": n})
        frame = {"type": "message.send", "body": body}
        if full_protocol:
            frame["client_msg_id"] = str(uuid.uuid4())
        try:
            await sender.send(json.dumps(frame))
        except websockets.ConnectionClosed:
            send_failures += 1  # the server closed this socket (e.g. 1011): not expected
            continue
        expected += len(members)
    # Generous drain: a saturated run shows up as latency, only real loss as < expected.
    deadline = time.monotonic() + 30
    while delivered < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for _, ws in clients:
        await ws.close()
    await asyncio.gather(*readers)
    lat = sorted(latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")

    return {
        "p50": pct(0.50),
        "p99": pct(0.99),
        "delivered": delivered,
        "expected": expected,
        "per_second": delivered / duration,
        "send_failures": send_failures,
        "sent": total - send_failures,
        "messages": len(seen),
        # Distinct messages delivered per second, from the first send to the last delivery.
        "messages_per_s": len(seen) / max(last_delivery - start_wall, duration),
        "mean": statistics.fmean(lat) if lat else float("nan"),
    }


def _db_admin(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)


def prepare_b6(env: dict[str, str]) -> dict:
    import psycopg

    name = urlparse(DB_URL).path.lstrip("/")
    with psycopg.connect(_db_admin(DB_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    out = subprocess.run(
        [sys.executable, "bench/chat.py", "--setup-b6"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_server(system: str, env: dict[str, str]) -> tuple[list[subprocess.Popen], list[int]]:
    """The server(s) of ``system``: B6x2 is two daphne processes of the same app."""
    if system == "B6x2":
        first, second = start_server("B6", env), start_server("B6", env)
        return first[0] + second[0], first[1] + second[1]
    port = free_port()
    log = open(Path("/tmp") / f"bench-chat-{system}.log", "ab")  # noqa: SIM115
    if system == "B1":
        cmd = [sys.executable, "bench/chat.py", "--serve-b1", str(port)]
    elif system == "B3":
        cmd = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "bench.chat:b3_application",
        ]
        env = {**env, "BENCH_ROLE": "b3"}
    else:
        cmd = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "referral_hub.asgi:application",
        ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_port(port, proc)
    print(f"{system}: pid {proc.pid} on port {port}", file=sys.stderr, flush=True)
    return [proc], [port]


def stop_servers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _rates(text: str) -> list[int]:
    return [int(r) for r in text.split(",") if r.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="only 20 clients in one case")
    parser.add_argument(
        "--layer",
        choices=["redis", "pubsub"],
        default="redis",
        help="channel layer for B3/B6: the project's settings (REDIS_CHANNEL_LAYER, pub/sub by default) "
        "or RedisPubSubChannelLayer",
    )
    parser.add_argument("--systems", default="B1,B3,B6,B6x2")
    parser.add_argument("--rates", default="10,50", help="messages/s in every scenario")
    parser.add_argument(
        "--spread-rates", default="100,200,400", help="more messages/s, in the 100-cases scenario only"
    )
    parser.add_argument(
        "--scenarios", default="", help="only scenarios starting with these (comma-separated)"
    )
    parser.add_argument("--serve-b1", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--setup-b6", action="store_true", help=argparse.SUPPRESS)
    return parser


def _scenarios(args: argparse.Namespace, data: dict) -> dict[str, list[tuple[int, list[str | None]]]]:
    tokens = data["tokens"]
    scenarios: dict[str, list[tuple[int, list[str | None]]]] = {
        "20 clients, 1 case": [(data["big"], tokens[:20])],
        "100 clients, 1 case": [(data["big"], tokens[:100])],
        "100 cases x 2 clients": [
            (c, [tokens[i], tokens[(i + 1) % N_PROVIDERS]]) for i, c in enumerate(data["small"])
        ],
    }
    if args.quick:
        scenarios = {k: v for k, v in scenarios.items() if k.startswith("20")}
    if args.scenarios:
        wanted = tuple(args.scenarios.split(","))
        scenarios = {k: v for k, v in scenarios.items() if k.startswith(wanted)}
    return scenarios


def _run_system(
    system: str,
    env: dict[str, str],
    scenarios: dict[str, list[tuple[int, list[str | None]]]],
    args: argparse.Namespace,
) -> list[dict]:
    results = []
    procs, ports = start_server(system, env)
    try:
        for scenario, layout in scenarios.items():
            if not system.startswith("B6"):
                layout = [(case_id, [None] * len(toks)) for case_id, toks in layout]
            rates = _rates(args.rates)
            if scenario.startswith("100 cases"):
                rates += _rates(args.spread_rates)
            for rate in rates:
                r = asyncio.run(
                    run_scenario(ports, layout, rate, args.duration, full_protocol=system.startswith("B6"))
                )
                r.update(system=system, scenario=scenario, rate=rate)
                results.append(r)
                print(
                    f"{system} {scenario:<22} {rate:>3} msg/s  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms  "
                    f"delivered {r['delivered']}/{r['expected']}  ({r['per_second']:.0f}/s, "
                    f"{r['messages']}/{r['sent']} messages, {r['messages_per_s']:.0f}/s kept)"
                    + (f"  send failures {r['send_failures']}" if r["send_failures"] else ""),
                    flush=True,
                )
    finally:
        stop_servers(procs)
    return results


def _print_table(results: list[dict]) -> None:
    print(
        "\n| scenario | msg/s | system | p50 ms | p99 ms | delivered/expected | messages/s kept | "
        "deliveries/s | p99 - B1 p99 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    b1 = {(r["scenario"], r["rate"]): r for r in results if r["system"] == "B1"}
    for r in sorted(results, key=lambda r: (r["scenario"], r["rate"], r["system"])):
        over = ""
        if r["system"] != "B1" and (r["scenario"], r["rate"]) in b1:
            over = f"{r['p99'] - b1[(r['scenario'], r['rate'])]['p99']:+.1f} ms"
        print(
            f"| {r['scenario']} | {r['rate']} | {r['system']} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['delivered']}/{r['expected']} | {r['messages_per_s']:.0f} | {r['per_second']:.0f} | {over} |"
        )


def main() -> None:
    args = _parser().parse_args()
    if args.serve_b1:
        asyncio.run(serve_b1(args.serve_b1))
        return
    if args.setup_b6:
        setup_b6()
        return

    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_DEBUG": "1",
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_USER": "off",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "referral_hub.settings",
    }
    if args.layer == "pubsub":
        env.update(BENCH_LAYER="pubsub", DJANGO_SETTINGS_MODULE="bench.chat")
    print("preparing B6 data...", file=sys.stderr)
    scenarios = _scenarios(args, prepare_b6(env))
    results = []
    for system in args.systems.split(","):
        results += _run_system(system, env, scenarios, args)
    _print_table(results)


if __name__ == "__main__":
    main()
