"""Network indicators at scale on PostgreSQL, over HTTP to a real daphne (a script, not
a test).

    .venv/bin/python bench/indicators.py [--db postgres://postgres@127.0.0.1:5432/rh_bench_ind]
                                         [--referrals 100000] [--requests 40] [--keep]
                                         [--out docs/benchmarks/indicators.md]

1. Recreates the database, migrates, loads ``seed_demo`` and the bulk world of
   ``bench/referrals.py`` (``--referrals`` referrals), then spreads them over two years
   with answers, appointments, outcomes, decline reasons and concern types (one UPDATE).
2. Starts daphne (production settings, throttling off) and times, sequentially and in
   the same run: ``GET /api/v1/indicators/`` (default period: 365 days, plus the
   previous 365 for comparison) as ``network_lead``, a one-month period, and
   ``GET /api/v1/providers/{id}/`` as the yardstick.
3. Writes p50/p90 and the ratio to ``--out`` (markdown).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_referrals", ROOT / "bench" / "referrals.py")
assert _spec and _spec.loader
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

SPREAD_SQL = """
UPDATE referrals_referral SET
  sent_at = now() - (id % 730) * interval '1 day' - (id % 1440) * interval '1 minute',
  concern_type = (ARRAY['social_emotional','developmental','speech_language','behavioral',
                        'autism_screening','caregiver_wellbeing','family_support','other'])[1 + id % 8]
"""
ANSWER_SQL = """
UPDATE referrals_referral SET
  responded_at = CASE WHEN status IN ('accepted','scheduled','completed','declined')
                      THEN sent_at + (id % 15) * interval '1 day' END,
  appointment_at = CASE WHEN status IN ('scheduled','completed')
                        THEN sent_at + (10 + id % 50) * interval '1 day' END,
  outcome = CASE WHEN status = 'completed' THEN
                 (CASE WHEN id % 4 = 0 THEN 'unreachable' ELSE 'connected' END) ELSE '' END,
  decline_reason = CASE WHEN status = 'declined' THEN
                 (ARRAY['no_capacity','not_eligible','out_of_area','family_unreachable',
                        'family_declined','other'])[1 + id % 6] ELSE '' END
"""


def spread_history() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SPREAD_SQL)
        cursor.execute(ANSWER_SQL)
        cursor.execute("ANALYZE")


def timed(get, n: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    latencies = []
    for _ in range(n):
        t = time.perf_counter()
        response = get()
        latencies.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.text[:300]
    latencies.sort()
    return {"p50": statistics.median(latencies), "p90": latencies[int(0.9 * (len(latencies) - 1))], "n": n}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/rh_bench_ind")
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "indicators.md"))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    print(f"recreating {args.db}")
    base.recreate_database(args.db)
    base.setup_django(args.db)
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    world = base.bulk_world(args.referrals)
    spread_history()
    setup_s = time.perf_counter() - t0
    print(f"setup: {world['made']:,} referrals in {setup_s:.1f}s")

    import requests

    lead = requests.Session()
    lead.headers["Authorization"] = f"Token {base.token_for('network_lead')}"
    log = Path(tempfile.gettempdir()) / "rh-bench-indicators-daphne.log"
    proc, url = base.start_daphne(args.db, log)
    try:
        for _ in range(3):  # warm-up
            lead.get(f"{url}/api/v1/indicators/", timeout=120)
            lead.get(f"{url}/api/v1/providers/{world['imh'].pk}/", timeout=30)
        results = {
            "indicators, the last closed quarter (published at the first warm-up read)": timed(
                lambda: lead.get(f"{url}/api/v1/indicators/", timeout=120), args.requests
            ),
            "indicators, the last closed month (published with its year)": timed(
                lambda: lead.get(f"{url}/api/v1/indicators/", params={"period": "month"}, timeout=120),
                args.requests,
            ),
            "provider detail": timed(
                lambda: lead.get(f"{url}/api/v1/providers/{world['imh'].pk}/", timeout=30), args.requests
            ),
        }
        # The hourly job (publishes what has closed; here: nothing new), then the default
        # request again.
        from indicators.rollups import refresh_rollups

        t1 = time.perf_counter()
        refreshed = refresh_rollups()
        refresh_s = time.perf_counter() - t1
        print(f"rollup refresh: {refreshed} in {refresh_s:.1f}s")
        source = lead.get(f"{url}/api/v1/indicators/", timeout=120).json()["source"]
        assert source == "rollup", source
        results["indicators, the last closed quarter after the job"] = timed(
            lambda: lead.get(f"{url}/api/v1/indicators/", timeout=120), args.requests
        )
        results["provider detail (again, after the refresh)"] = timed(
            lambda: lead.get(f"{url}/api/v1/providers/{world['imh'].pk}/", timeout=30), args.requests
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    yard = results["provider detail"]["p50"]
    lines = [
        "# Network indicators benchmark",
        "",
        f"- {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
        f"{os.cpu_count()} CPUs, load average at the end {os.getloadavg()[0]:.1f}",
        f"- {world['made']:,} referrals over two years on PostgreSQL; {args.requests} sequential requests each",
        f"- publication job (`refresh_rollups`: the latest closed month, quarter and year with "
        f"their years): {refreshed['published']} periods published in {refresh_s:.1f} s",
        "",
        "| request | p50 ms | p90 ms | p50 / provider detail p50 |",
        "|---|---|---|---|",
    ]
    for name, m in results.items():
        lines.append(f"| {name} | {m['p50']:.1f} | {m['p90']:.1f} | {m['p50'] / yard:.1f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)
    if not args.keep:
        base.recreate_database(args.db)


if __name__ == "__main__":
    main()
