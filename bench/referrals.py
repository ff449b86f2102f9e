"""Referral throughput on PostgreSQL, over HTTP to a real daphne (a script, not a test).

    .venv/bin/python bench/referrals.py [--db postgres://postgres@127.0.0.1:5432/rh_bench_ref]
                                        [--referrals 100000] [--requests 300] [--concurrency 8]
                                        [--keep] [--out docs/benchmarks/referrals.md]

1. Recreates the database, migrates, loads ``seed_demo``.
2. Bulk setup (timed, not the measurement): synthetic providers with accounts, families,
   children, consents, cases and ``--referrals`` referrals with their timeline row and
   guardian object-permission rows, spread so the demo ``imh_clinician`` has a large inbox.
3. Starts daphne on a free port (production settings, throttling off) and measures:
   - creates: ``POST /api/v1/referrals/`` with an ASQ:SE-2 screening (consent gate, audit,
     permissions, timeline, notifications all included) — sequential latency and
     throughput with ``--concurrency`` client threads;
   - lists: ``GET /api/v1/referrals/?box=inbox`` (first page, 20 rows) — same;
   - ``GET /api/v1/providers/{id}/`` in the same run, as the yardstick for the inbox p50.
4. Writes the numbers to ``--out`` (markdown).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_hub.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()


def bulk_world(n_referrals: int, *, providers: int = 200, children: int = 5000) -> dict:
    """Insert the synthetic world with bulk_create (setup, not measured)."""
    from django.contrib.auth.models import Permission, User
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case
    from consent.models import CATEGORY_FIELDS, PURPOSE_FIELDS, Consent, SignatureMethod
    from directory.models import Discipline, Organization, Provider
    from families.integrity import guardian_mac
    from families.models import Child, Family, Guardian, Relationship
    from referrals.models import Referral, ReferralEvent, ReferralUserObjectPermission

    now = timezone.now()
    imh = Provider.objects.get(user__username="imh_clinician")
    perm = Permission.objects.get(content_type__app_label="referrals", codename="view_referral")
    flags = {f: True for f in PURPOSE_FIELDS.values()} | {f: True for f in CATEGORY_FIELDS.values()}
    with transaction.atomic():
        org = Organization.objects.create(name="Bench Health Network")
        users = User.objects.bulk_create(
            [
                User(username=f"bench_p{i}", first_name="Bench", last_name=f"Provider {i}")
                for i in range(providers)
            ]
        )
        pool = Provider.objects.bulk_create(
            [
                Provider(
                    user=u, organization=org, name=f"Bench Provider {i}", discipline=Discipline.PEDIATRICIAN
                )
                for i, u in enumerate(users)
            ]
        )
        families = Family.objects.bulk_create([Family(name=f"Bench family {i}") for i in range(children)])
        g_users = User.objects.bulk_create([User(username=f"bench_g{i}") for i in range(children)])
        guardians = [
            Guardian(user=u, family=f, relationship=Relationship.PARENT)
            for u, f in zip(g_users, families, strict=True)
        ]
        for guardian in guardians:  # bulk_create skips Guardian.save, which signs the row
            guardian.mac = guardian_mac(guardian)
        guardians = Guardian.objects.bulk_create(guardians)
        kids = Child.objects.bulk_create(
            [
                Child(family=f, first_name="Kid", last_name=f"{i}", date_of_birth=datetime.date(2025, 1, 1))
                for i, f in enumerate(families)
            ]
        )
        cases = Case.objects.bulk_create([Case(child=k) for k in kids])
        consents, plan = [], []
        for i, kid in enumerate(kids):
            referrer = pool[i % providers]
            recipients = [pool[(i + 1) % providers], imh if i % 10 == 0 else pool[(i + 2) % providers]]
            for p in [referrer, *recipients]:
                consents.append(
                    Consent(
                        child=kid,
                        granted_by=guardians[i],
                        recipient_provider=p,
                        expires_on=(now + datetime.timedelta(days=365)).date(),
                        text_version="bench",
                        signed_text="bench",
                        signature_method=SignatureMethod.PORTAL_ESIGNATURE,
                        **flags,
                    )
                )
            plan.append((kid, cases[i], referrer, recipients, guardians[i]))
        Consent.objects.bulk_create(consents, batch_size=5000)

        per_child = max(1, n_referrals // children)
        statuses = ["sent", "received", "accepted", "scheduled", "completed", "declined", "cancelled"]
        batch: list[Referral] = []
        meta: list[tuple[int, int, int]] = []
        made = 0

        def flush() -> None:
            created = Referral.objects.bulk_create(batch)
            ReferralEvent.objects.bulk_create(
                [
                    ReferralEvent(referral=r, actor_id=m[0], to_status="sent", at=r.sent_at)
                    for r, m in zip(created, meta, strict=True)
                ]
            )
            ReferralUserObjectPermission.objects.bulk_create(
                [
                    ReferralUserObjectPermission(content_object=r, permission=perm, user_id=uid)
                    for r, m in zip(created, meta, strict=True)
                    for uid in m
                ]
            )
            batch.clear()
            meta.clear()

        for kid, case, referrer, recipients, guardian in plan:
            for j in range(per_child):
                if made >= n_referrals:
                    break
                to = recipients[j % 2]
                sent = now - datetime.timedelta(days=(made % 120), minutes=made % 1440)
                batch.append(
                    Referral(
                        case=case,
                        child=kid,
                        from_provider=referrer,
                        to_provider=to,
                        created_by_id=referrer.user_id,
                        reason="Bench referral",
                        data_categories=["demographics"],
                        status=statuses[made % len(statuses)],
                        sent_at=sent,
                        contact_due_at=sent + datetime.timedelta(days=7),
                        appointment_due_at=sent + datetime.timedelta(days=45),
                    )
                )
                meta.append((referrer.user_id, to.user_id, guardian.user_id))
                made += 1
                if len(batch) >= 5000:
                    flush()
        if batch:
            flush()
    inbox = Referral.objects.filter(to_provider=imh).count()
    return {"pool": pool, "kids": kids, "imh": imh, "inbox_size": inbox, "made": made}


def token_for(username: str) -> str:
    """An API token for ``username``. The server runs with production settings, which
    refuse demo accounts: in this throwaway database a demo account is first renamed
    (``bench_<name>``, no demo e-mail) so it signs in like any real one."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from referral_hub.auth_backends import is_demo_account

    user = User.objects.filter(username__in=[username, f"bench_{username}"]).get()
    if is_demo_account(user):
        user.username, user.email = f"bench_{username}", ""
        user.save(update_fields=["username", "email"])
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def start_daphne(url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_SEAL_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_USER": "off",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "AXES_ENABLED": "0",
    }
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "referral_hub.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=open(log, "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("daphne did not start")


def measure(make_request, n: int, concurrency: int) -> dict:
    """``make_request(i) -> status``. Sequential pass for latency, threaded for throughput."""
    import requests  # noqa: F401  (imported for a clear error if missing)

    latencies = []
    statuses: dict[int, int] = {}
    for i in range(n):
        t = time.perf_counter()
        status = make_request(i)
        latencies.append((time.perf_counter() - t) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    lock = threading.Lock()
    conc_statuses: dict[int, int] = {}

    def one(i: int) -> None:
        status = make_request(n + i)
        with lock:
            conc_statuses[status] = conc_statuses.get(status, 0) + 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "n": n,
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "seq_rps": n / (sum(latencies) / 1000),
        "conc_rps": n / wall,
        "statuses": statuses | {f"{k} (concurrent)": v for k, v in conc_statuses.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/rh_bench_ref")
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "referrals.md"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    print(f"recreating {args.db}")
    recreate_database(args.db)
    setup_django(args.db)
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    world = bulk_world(args.referrals)
    from django.db import connection as setup_connection

    with setup_connection.cursor() as cursor:
        # Planner statistics, as autovacuum would gather them on a live database.
        cursor.execute("ANALYZE")
    setup_s = time.perf_counter() - t0
    print(f"setup: {world['made']:,} referrals in {setup_s:.1f}s; imh inbox {world['inbox_size']:,}")

    import requests

    sender = world["pool"][0]
    sender_token = token_for(sender.user.username)
    imh_token = token_for("imh_clinician")
    kid = world["kids"][0]
    to = world["pool"][1]
    log = Path(tempfile.gettempdir()) / "rh-bench-referrals-daphne.log"
    proc, base = start_daphne(args.db, log)
    local = threading.local()

    def session(token: str) -> requests.Session:
        key = f"s_{token}"
        s = getattr(local, key, None)
        if s is None:
            s = requests.Session()
            s.headers["Authorization"] = f"Token {token}"
            setattr(local, key, s)
        return s

    today = datetime.date.today().isoformat()

    def create(i: int) -> int:
        body = {
            "child": kid.pk,
            "to_provider": to.pk,
            "reason": f"Bench create {i}",
            "urgency": "routine",
            "screenings": [
                {"instrument": "asq_se_2", "administered_on": today, "interval_months": 18, "total": 70}
            ],
        }
        return session(sender_token).post(f"{base}/api/v1/referrals/", json=body, timeout=30).status_code

    def inbox(i: int) -> int:
        return session(imh_token).get(f"{base}/api/v1/referrals/?box=inbox", timeout=30).status_code

    typical_token = token_for(world["pool"][1].user.username)

    def typical_inbox(i: int) -> int:
        return session(typical_token).get(f"{base}/api/v1/referrals/?box=inbox", timeout=30).status_code

    def provider(i: int) -> int:
        return session(imh_token).get(f"{base}/api/v1/providers/{world['imh'].pk}/", timeout=30).status_code

    load_before = os.getloadavg()
    try:
        for warm in (create, inbox, provider):
            for i in range(5):
                warm(10_000_000 + i)
        print("measuring creates...")
        creates = measure(create, args.requests, args.concurrency)
        print("measuring inbox lists...")
        lists = measure(inbox, args.requests, args.concurrency)
        print("measuring a smaller inbox...")
        typical = measure(typical_inbox, args.requests, args.concurrency)
        print("measuring provider detail...")
        detail = measure(provider, args.requests, args.concurrency)
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    load_after = os.getloadavg()
    ratio = lists["p50"] / detail["p50"] if detail["p50"] else float("nan")
    provider_ok = detail["statuses"].get(200, 0) == detail["n"]
    from django.db import connection

    from referrals.models import Referral

    typical_size = Referral.objects.filter(to_provider=world["pool"][1]).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(",")[0]
        cursor.execute("SELECT count(*) FROM referrals_referral")
        total = cursor.fetchone()[0]

    def row(name: str, m: dict) -> str:
        return (
            f"| {name} | {m['n']} | {m['p50']:.1f} | {m['p95']:.1f} | {m['seq_rps']:.0f} | "
            f"{m['conc_rps']:.0f} | {m['statuses']} |"
        )

    report = f"""# Referrals benchmark

Generated by `bench/referrals.py` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC.

- Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {pg_version}
- Load average (1/5/15 min) before: {"/".join(f"{x:.1f}" for x in load_before)}, after:
  {"/".join(f"{x:.1f}" for x in load_after)} (other work on the machine skews the numbers;
  compare ratios measured in the same run rather than absolute times across runs).
- Server: one daphne process, `DJANGO_DEBUG=0`, throttling off, in-memory channel layer,
  PostgreSQL on localhost; client: Python `requests` on the same machine.
- Data: {total:,} referrals in the database at the end ({world["made"]:,} bulk-loaded: timeline
  row and 3 object-permission rows each, {len(world["kids"]):,} children with 3 consents
  each); the measured inbox (`imh_clinician`) holds {world["inbox_size"]:,} referrals.
  Bulk setup took {setup_s:.0f} s (not part of the measurement).
- Each operation: {args.requests} sequential requests (latency, sequential req/s), then
  {args.requests} more from {args.concurrency} client threads (concurrent req/s).

| Operation | n | p50 ms | p95 ms | req/s sequential | req/s x{args.concurrency} | statuses |
|---|---|---|---|---|---|---|
{row("POST /api/v1/referrals/ (create, with ASQ:SE-2)", creates)}
{row("GET /api/v1/referrals/?box=inbox (page of 20)", lists)}
{row(f"GET /api/v1/referrals/?box=inbox, smaller inbox ({typical_size:,} referrals)", typical)}
{row("GET /api/v1/providers/{id}/ (yardstick)", detail)}

**Inbox p50 / provider-detail p50 = {ratio:.2f}** (the {world["inbox_size"]:,}-referral inbox;
smaller {typical_size:,}-referral inbox: {typical["p50"] / detail["p50"]:.2f}){"" if provider_ok else " (the provider endpoint did not answer 200 every time: see statuses; ratio not meaningful)"}

Why an inbox page costs more than a provider page: the page of 20 needs the inbox's
`count`, and each of its rows must still be permitted (guardian object permission, which
a decline or a revocation removes) and covered by an active consent right now (expiry has
no event). The selector writes both as `IN (subquery)` filters so PostgreSQL hashes the
consent set once, sorts ids only, and then loads the 20 rows with their parties in one
query (`referrals.selectors.referral_ids` / `hydrate`); the cost grows linearly with the
inbox size (see the two inbox rows), not with the table's 100,000 referrals.

Creates include the whole write path: consent gate for sender and recipient, screening
scoring, the referral, its screening and timeline rows, three object-permission rows, two
hash-chained audit rows (serialized by a PostgreSQL advisory lock, which bounds
concurrent create throughput), and the notification queued on commit.
"""
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(report)
    print(report)
    if not args.keep:
        import psycopg

        connection.close()
        parsed = urlparse(args.db)
        admin = urlunparse(parsed._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


if __name__ == "__main__":
    main()
