"""Case chat across real daphne processes sharing PostgreSQL and Redis, with faults:
a process killed with -9, Redis restarted, consent revoked mid-conversation.

Clients are the `websockets` library speaking the documented protocol. They keep what a
real client keeps: the last message id received (for `after=`), and sends not yet
acknowledged (re-sent with the same client_msg_id after a reconnect).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import pytest
import websockets

# Serial: it kills processes, restarts Redis and times delivery across processes.
pytestmark = [pytest.mark.services, pytest.mark.e2e, pytest.mark.serial]

TEAM_LOGINS = ["pediatrician", "educator", "social_worker", "slp"]


def _post_json(url: str, payload: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(  # noqa: S310 - local test server
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def _get_json(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def token_for(base_url: str, username: str) -> str:
    return _post_json(f"{base_url}/api/v1/auth/token/", {"username": username, "password": "demo-pass-2026"})[
        "token"
    ]


def stored_ids(base_url: str, token: str, case_id: int) -> list[int]:
    ids, after = [], 0
    while True:
        page = _get_json(f"{base_url}/api/v1/cases/{case_id}/messages/?after={after}&limit=200", token)
        ids += [m["id"] for m in page["results"]]
        if not page["next"]:
            return ids
        after = ids[-1]


@dataclass
class ChatClient:
    """One member's socket, reconnecting with `after=` to whichever server is up."""

    name: str
    token: str
    case_id: int
    urls: list[str]
    received: list[int] = field(default_factory=list)
    created: dict[int, str] = field(default_factory=dict)
    acked: dict[str, int] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    close_codes: list[int | None] = field(default_factory=list)
    ws: object | None = None
    preferred: int = 0
    closed_4403_at: float | None = None

    @property
    def last_id(self) -> int:
        return self.received[-1] if self.received else 0

    async def open(self, index: int | None = None) -> None:
        if index is not None:
            self.preferred = index
        base = self.urls[self.preferred % len(self.urls)]
        uri = base.replace("http://", "ws://") + f"/ws/cases/{self.case_id}/?after={self.last_id}"
        self.ws = await websockets.connect(
            uri,
            additional_headers={"Authorization": f"Token {self.token}", "Origin": base},
            open_timeout=5,
            close_timeout=1,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Read frames until ``stop``; on a dropped socket, reconnect (trying the other
        servers) and re-send what was never acknowledged."""
        delay = 0.1
        while not stop.is_set():
            if self.ws is None:
                try:
                    await self.open()
                    delay = 0.1
                    for client_msg_id, body in list(self.pending.items()):
                        await self.ws.send(
                            json.dumps({"type": "message.send", "body": body, "client_msg_id": client_msg_id})
                        )
                except Exception:
                    self.ws = None
                    self.preferred += 1
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
            try:
                raw = await asyncio.wait_for(self.ws.recv(), timeout=0.2)
            except TimeoutError:
                continue
            except websockets.ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd else None
                self.close_codes.append(code)
                if code == 4403:
                    self.closed_4403_at = time.time()
                    return
                self.ws = None
                continue
            frame = json.loads(raw)
            if frame["type"] == "message.new":
                self.received.append(frame["message"]["id"])
                self.created[frame["message"]["id"]] = frame["message"]["created_at"]
            elif frame["type"] == "message.ack":
                self.acked[frame["client_msg_id"]] = frame["id"]
                self.pending.pop(frame["client_msg_id"], None)
            elif frame["type"] == "error":
                self.errors.append(frame)
                if frame.get("client_msg_id") in self.pending:
                    asyncio.get_running_loop().call_later(0.5, self._resend, frame["client_msg_id"])

    def _resend(self, client_msg_id: str) -> None:
        """A refused send (rate limit, storage failure) is tried again later."""
        if client_msg_id in self.pending and self.ws is not None:
            body = self.pending[client_msg_id]
            frame = json.dumps({"type": "message.send", "body": body, "client_msg_id": client_msg_id})
            asyncio.ensure_future(self._quiet_send(frame))

    async def _quiet_send(self, frame: str) -> None:
        # A send that fails here is re-sent after the reconnect (it stays in ``pending``).
        with contextlib.suppress(Exception):
            await self.ws.send(frame)

    async def send(self, body: str) -> None:
        client_msg_id = str(uuid.uuid4())
        self.pending[client_msg_id] = body
        if self.ws is not None:
            try:
                await self.ws.send(
                    json.dumps({"type": "message.send", "body": body, "client_msg_id": client_msg_id})
                )
            except websockets.ConnectionClosed:
                pass  # re-sent after the reconnect

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def run_async(scenario) -> None:
    """Run an async scenario on its own event loop in a worker thread: the browser tests'
    sync Playwright keeps an event loop running on the main thread for the session."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def demo_ids(group) -> dict:
    from cases.models import Case
    from consent.models import Consent

    def ids(db: str) -> dict:
        case = Case.objects.using(db).get(child__first_name="Mateo")
        active = (
            Consent.objects.using(db)
            .active()
            # Providers with an account (the demo's partner without one answers by link).
            .filter(child_id=case.child_id, recipient_provider__user__isnull=False)
            .select_related("recipient_provider__user")
        )
        return {"case": case.pk, "consents": {c.recipient_provider.user.username: c.pk for c in active}}

    return group.read(ids)


@pytest.fixture
def chat_servers(live_server_factory, postgres_url, redis_url, monkeypatch):
    """Two daphne processes on a fresh PostgreSQL database and Redis, demo data loaded."""
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    group = live_server_factory(processes=2, redis=True)
    ids = demo_ids(group)
    tokens = {name: token_for(group.url, name) for name in TEAM_LOGINS}
    return group, ids, tokens


async def converse(clients, senders, *, seconds: float, during=None, at: float = 0.0):
    """Senders send every 200 ms for ``seconds`` (``during()`` runs at ``at``), then
    everyone waits until all sends are acknowledged and everything acknowledged has
    arrived everywhere."""
    stop = asyncio.Event()
    readers = [asyncio.create_task(c.run(stop)) for c in clients]
    start = time.monotonic()
    fault = None
    n = 0
    fault_done_at: float | None = None

    def still_sending() -> bool:
        if time.monotonic() - start < seconds:
            return True
        # On a slow machine the fault may outlast `seconds`: keep talking through it and
        # for a while after, so there is always traffic after the fault.
        return fault is not None and (fault_done_at is None or time.monotonic() - fault_done_at < 1.5)

    while still_sending():
        if fault is None and during is not None and time.monotonic() - start >= at:
            fault = asyncio.create_task(asyncio.to_thread(during))
        if fault is not None and fault_done_at is None and fault.done():
            fault_done_at = time.monotonic()
        for sender in senders:
            n += 1
            await sender.send(f"{sender.name} {n}")
        await asyncio.sleep(0.2)
    if fault is not None:
        await fault
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        acked = {i for s in senders for i in s.acked.values()}
        open_clients = [c for c in clients if c.closed_4403_at is None]
        if not any(s.pending for s in senders) and all(acked <= set(c.received) for c in open_clients):
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*readers)
    for c in clients:
        await c.close()


def assert_exactly_once_in_order(clients, senders, stored: list[int]) -> None:
    acked = sorted({i for s in senders for i in s.acked.values()})
    assert acked, "nothing was acknowledged"
    assert not any(s.pending for s in senders), "sends never acknowledged"
    assert set(acked) <= set(stored), "an acknowledged message is not stored"
    for c in clients:
        assert c.received == sorted(set(c.received)), f"{c.name}: duplicates or out of order"
        assert set(acked) <= set(c.received), f"{c.name}: missing {sorted(set(acked) - set(c.received))[:5]}"


def test_kill_9_one_process_mid_conversation_loses_and_duplicates_nothing(chat_servers):
    run_async(lambda: _kill_9_scenario(chat_servers))


async def _kill_9_scenario(chat_servers) -> None:
    group, ids, tokens = chat_servers
    clients = [
        ChatClient(name, tokens[name], ids["case"], group.urls)
        for name in ("pediatrician", "educator", "slp")
    ]
    for index, client in enumerate(clients):
        await client.open(index % 2)
    await converse(clients, clients[:2], seconds=3.0, during=lambda: group.kill(0), at=1.0)
    stored = stored_ids(group.urls[1], tokens["slp"], ids["case"])
    assert_exactly_once_in_order(clients, clients[:2], stored)
    # The clients on the killed process really did reconnect.
    assert any(code != 4403 for code in clients[0].close_codes)


def test_messages_cross_processes_and_revoking_consent_closes_the_member_within_a_second(chat_servers):
    run_async(lambda: _revocation_scenario(chat_servers))


async def _revocation_scenario(chat_servers) -> None:
    group, ids, tokens = chat_servers
    alice = ChatClient("alice", tokens["pediatrician"], ids["case"], group.urls)
    bob = ChatClient("bob", tokens["educator"], ids["case"], group.urls)
    await alice.open(0)
    await bob.open(1)
    # A message sent on process 0 reaches the member on process 1.
    await converse([alice, bob], [alice], seconds=0.5)
    assert alice.acked and set(alice.acked.values()) <= set(bob.received)
    await alice.open(0)
    await bob.open(1)
    revoked_at: list[float] = []

    def revoke() -> None:
        out = group.manage(
            "shell",
            "-c",
            "import time; from django.contrib.auth.models import User; "
            "from consent.services import consent_revoke; "
            f"consent_revoke(actor=User.objects.get(username='guardian'), consent_id={ids['consents']['educator']}); "
            "print(time.time())",
        )
        revoked_at.append(float(out.strip().splitlines()[-1]))

    await converse([alice, bob], [alice], seconds=6.0, during=revoke, at=0.3)
    assert bob.close_codes == [4403]
    assert bob.closed_4403_at - revoked_at[0] <= 1.0
    # Alice kept talking after the revocation; none of it reached Bob.
    after_revocation = [
        i
        for i, created in alice.created.items()
        if datetime.fromisoformat(created).timestamp() > revoked_at[0]
    ]
    assert after_revocation, "no message was sent after the revocation"
    assert not set(after_revocation) & set(bob.received)
    # Reconnecting is refused the way CONTRACT.md says: accepted, then closed with 4403;
    # a former member first reads why (one access.ended frame), never a message.
    await bob.open(0)
    first = json.loads(await asyncio.wait_for(bob.ws.recv(), timeout=5))
    assert first["type"] == "access.ended", first
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(bob.ws.recv(), timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


@pytest.fixture
def own_redis(redis_url):
    """A throwaway redis-server on a free port (the shared one must not be restarted)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    class Redis:
        proc: subprocess.Popen | None = None
        url = f"redis://127.0.0.1:{port}/0"

        def start(self) -> None:
            self.proc = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        return
                except OSError:
                    time.sleep(0.05)
            raise RuntimeError("redis-server did not start")

        def stop(self) -> None:
            if self.proc and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)

    redis = Redis()
    redis.start()
    yield redis
    redis.stop()


def test_restarting_redis_mid_conversation_never_acks_and_loses(
    live_server_factory, postgres_url, own_redis, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setenv("REDIS_URL", own_redis.url)
    monkeypatch.setenv("E2E_REDIS_DB", "0")
    group = live_server_factory(processes=2, redis=True)
    ids = demo_ids(group)
    tokens = {name: token_for(group.url, name) for name in ("pediatrician", "educator", "slp")}
    run_async(lambda: _redis_restart_scenario(group, ids, tokens, own_redis))


async def _redis_restart_scenario(group, ids, tokens, own_redis) -> None:
    clients = [ChatClient(name, tokens[name], ids["case"], group.urls) for name in tokens]
    for index, client in enumerate(clients):
        await client.open(index % 2)

    def restart_redis() -> None:
        own_redis.stop()
        time.sleep(1.0)
        own_redis.start()

    await converse(clients, clients[:2], seconds=4.0, during=restart_redis, at=1.0)
    stored = stored_ids(group.url, tokens["slp"], ids["case"])
    assert_exactly_once_in_order(clients, clients[:2], stored)
