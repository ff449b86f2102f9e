#!/usr/bin/env python
"""The chat send path alone (a script, not a test): SQL round trips per
``message_send`` and a cProfile of N sends, against PostgreSQL. Results:
docs/benchmarks/chat.md ("Where the time goes").

    .venv/bin/python bench/chat_send.py [--sends 300] [--profile /tmp/chat_send.prof]

Uses the same data as bench/chat.py (database rh_bench_chat, dropped and recreated
unless --reuse): one small case with two members; sends alternate between them,
as the socket does (each actor object kept across sends, as a socket keeps its user).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _kind(sql: str) -> str:
    head = sql.lstrip().split(None, 1)[0].upper()
    if "pg_advisory_xact_lock" in sql:
        return "advisory lock"
    return head


def run(sends: int, profile_path: str | None) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection

    from cases.models import CareTeamMember
    from messaging.services import message_send

    member = CareTeamMember.objects.filter(case__child__first_name="Small0").select_related("user").first()
    assert member is not None
    case_id = member.case_id
    users = [
        User.objects.get(pk=m.user_id) for m in CareTeamMember.objects.filter(case_id=case_id).order_by("id")
    ]

    statements: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    # Warm-up: the first send per actor object fills the per-socket memos (roles).
    for user in users:
        message_send(actor=user, case_id=case_id, body="warm-up", client_msg_id=uuid.uuid4())
    with connection.execute_wrapper(count):
        message_send(actor=users[0], case_id=case_id, body="counted", client_msg_id=uuid.uuid4())
    kinds = Counter(_kind(s) for s in statements)
    print(f"statements per send: {len(statements)} (+ BEGIN and COMMIT round trips)")
    for sql in statements:
        print("   ", sql[:160].replace("\n", " "))
    print("    by kind:", dict(kinds))

    # As the socket calls it: ``db()`` runs the send in a worker thread, and the
    # after-commit publish hops back to this event loop (Redis db 13, the project's layer).
    from messaging.consumers import db

    profiler = cProfile.Profile()

    def profiled(**kwargs):  # type: ignore[no-untyped-def]
        profiler.enable()
        try:
            return message_send(**kwargs)
        finally:
            profiler.disable()

    async def serial() -> tuple[list[float], float]:
        timings: list[float] = []
        cpu0 = time.process_time()
        for n in range(sends):
            t0 = time.perf_counter()
            await db(message_send)(
                actor=users[n % 2], case_id=case_id, body=f"timed {n}", client_msg_id=uuid.uuid4()
            )
            timings.append((time.perf_counter() - t0) * 1000)
        cpu = (time.process_time() - cpu0) * 1000 / sends
        for n in range(sends):
            await db(profiled)(
                actor=users[n % 2], case_id=case_id, body=f"profiled {n}", client_msg_id=uuid.uuid4()
            )
        return timings, cpu

    timings, cpu = asyncio.run(serial())
    timings.sort()
    print(
        f"{sends} serial sends through db(): p50 {statistics.median(timings):.2f} ms  "
        f"p99 {timings[int(0.99 * len(timings)) - 1]:.2f} ms  {sends / (sum(timings) / 1000):.0f} sends/s  "
        f"process CPU {cpu:.2f} ms/send"
    )
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    if profile_path:
        stats.dump_stats(profile_path)
    stats.print_stats(25)
    stats.sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument("--profile", help="write the cProfile stats here")
    parser.add_argument("--reuse", action="store_true", help="keep rh_bench_chat as it is")
    args = parser.parse_args()
    from bench.chat import DB_URL, REDIS_URL, prepare_b6

    env = {
        **os.environ,
        "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_DEBUG": "1",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "referral_hub.settings",
    }
    if not args.reuse:
        prepare_b6(env)
    os.environ.update(env)
    run(args.sends, args.profile)


if __name__ == "__main__":
    main()
