"""Outbox throughput: notifications delivered per second to a real SMTP server (a script,
not a test).

    .venv/bin/python bench/outbox.py [--db postgres://postgres@127.0.0.1:5432/rh_bench_outbox]
                                     [--messages 2000] [--workers 1 2]

1. Recreates the database and migrates it.
2. For each worker count: queues ``--messages`` e-mail rows (bulk insert, not timed),
   starts an aiosmtpd server on localhost, and runs that many drainer processes, each
   calling the delivery service (the deliver_outbox task's body) until nothing is due;
   times from start to the last row marked sent, and checks every row arrived once.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db: str, smtp_port: int) -> None:
    os.environ.update(
        DATABASE_URL=db,
        DJANGO_SETTINGS_MODULE="referral_hub.settings",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        DB_CONN_MAX_AGE="0",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def drain(db: str, smtp_port: int) -> None:
    setup_django(db, smtp_port)
    from outbox.services import outbox_deliver_due

    while outbox_deliver_due(limit=200).sent:
        pass


def recreate(db: str) -> None:
    import psycopg

    name = urlparse(db).path.lstrip("/")
    admin = urlunparse(urlparse(db)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": db}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def run(db: str, messages: int, workers: int) -> float:
    from aiosmtpd.controller import Controller

    from outbox.models import OutboxMessage

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope.content)
            return "250 OK"

    OutboxMessage.objects.all().delete()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            key=f"bench:{workers}:{i}",
            channel="email",
            to_address=f"user{i}@example.test",
            subject="New referral on Referral Hub",
            body=f"Sign in to see it: http://127.0.0.1:8000/referrals/{i}/",
            kind="bench",
        )
        for i in range(messages)
    )
    controller = Controller(Handler(), hostname="127.0.0.1", port=int(os.environ["EMAIL_PORT"]))
    controller.start()
    try:
        start = time.perf_counter()
        procs = [
            subprocess.Popen([sys.executable, __file__, "--drain", "--db", db], cwd=ROOT)
            for _ in range(workers)
        ]
        for proc in procs:
            proc.wait()
        elapsed = time.perf_counter() - start
    finally:
        controller.stop()
    sent = OutboxMessage.objects.filter(status="sent").count()
    to = Counter(line for m in received for line in m.decode().splitlines() if line.startswith("To:"))
    assert sent == messages == len(received), (sent, messages, len(received))
    assert set(to.values()) == {1}, "an e-mail arrived twice"
    return messages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/rh_bench_outbox")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--smtp-port", type=int, default=int(os.environ.get("BENCH_SMTP_PORT", "8725")))
    parser.add_argument("--drain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drain:
        drain(args.db, int(os.environ["EMAIL_PORT"]))
        return
    recreate(args.db)
    setup_django(args.db, args.smtp_port)
    for workers in args.workers:
        rate = run(args.db, args.messages, workers)
        print(f"{args.messages} e-mails, {workers} worker process(es): {rate:.0f} delivered/s")


if __name__ == "__main__":
    main()
