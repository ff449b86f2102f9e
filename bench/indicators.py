"""Network indicators at scale on PostgreSQL, over HTTP to a real daphne (a script, not
a test).

    .venv/bin/python bench/indicators.py [--db postgres://postgres@127.0.0.1:5432/rh_bench_ind]
                                         [--referrals 100000] [--requests 20] [--keep]
                                         [--out docs/benchmarks/indicators.md]

1. Recreates the database, migrates, loads ``seed_demo`` and the bulk world of
   ``bench/referrals.py`` (``--referrals`` referrals), then spreads them over two years
   with answers, appointments, outcomes, decline reasons and concern types (one UPDATE).
2. Runs the hourly job (``refresh_rollups``: the monthly tallies of the running year,
   then every closed period of every year with data), timed, and again (idempotent).
3. Times the publication of a whole year (every period and population of it, suppressed
   together) from the referrals (the old path) and from the monthly tallies, in process,
   and a first read over HTTP of a year not published yet (it answers ``pending``; before
   issue 29's second part it published the year).
4. Starts daphne (production settings, throttling off) and times, sequentially and in
   the same run, ``GET /api/v1/providers/{id}/`` (the yardstick) and then a grid of
   filter combinations of ``GET /api/v1/indicators/`` as ``network_lead`` (months,
   quarters with each discipline and each state, years), then the yardstick again.
5. Writes p50/p90 and each ratio to the yardstick's p50 to ``--out`` (markdown), with
   ``uptime`` before and after.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import statistics
import subprocess
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
    parser.add_argument("--requests", type=int, default=20)
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

    from directory.models import Discipline, Location
    from indicators import publication, rollups, selectors
    from indicators.models import IndicatorRollup
    from indicators.params import last_closed

    # seed_demo published the demo's closed periods (indicators.demo): the bench's own
    # world is published from scratch by the job below.
    IndicatorRollup.objects.all().delete()
    load_before = uptime()
    today = datetime.datetime.now(datetime.UTC).date()
    t1 = time.perf_counter()
    job = rollups.refresh_rollups()
    job_s = time.perf_counter() - t1
    t1 = time.perf_counter()
    job_again = rollups.refresh_rollups()
    job_again_s = time.perf_counter() - t1
    print(f"job: {job} in {job_s:.1f}s; again {job_again} in {job_again_s:.1f}s")

    year = last_closed("year", today).start.year
    publish = {"referrals": [], "tallies": []}
    for _ in range(2):
        for how in ("referrals", "tallies"):
            IndicatorRollup.objects.filter(key__contains=f":{year}-").delete()
            now = datetime.datetime.now(datetime.UTC)
            t1 = time.perf_counter()
            source = selectors.RowSource(selectors.load_year(year), now) if how == "referrals" else None
            made = publication.publish_year(year, now, source=source)
            publish[how].append(time.perf_counter() - t1)
    print(f"publish {year} ({made} periods): {publish}")

    lead = requests.Session()
    lead.headers["Authorization"] = f"Token {base.token_for('network_lead')}"
    log = Path(tempfile.gettempdir()) / "rh-bench-indicators-daphne.log"
    proc, url = base.start_daphne(args.db, log)
    detail = f"{url}/api/v1/providers/{world['imh'].pk}/"
    try:
        for _ in range(3):  # warm-up
            lead.get(f"{url}/api/v1/indicators/", timeout=120)
            lead.get(detail, timeout=30)
        cold: list[float] = []
        cold_states: set[str] = set()
        for _ in range(3):
            IndicatorRollup.objects.filter(key__contains=f":{year}-").delete()
            t1 = time.perf_counter()
            answer = lead.get(
                f"{url}/api/v1/indicators/", params={"period": "year", "start": f"{year}-01-01"}
            )
            cold.append((time.perf_counter() - t1) * 1000)
            assert answer.status_code == 200, answer.text[:300]
            cold_states.add(answer.json().get("state") or answer.json()["source"])
        rollups.refresh_rollups()  # a read no longer publishes: the job does (state "pending" until then)
        results = {"provider detail": timed(lambda: lead.get(detail, timeout=30), args.requests)}
        states = sorted({s.strip().upper() for s in Location.objects.values_list("state", flat=True)})
        for name, query in filter_grid(today, list(Discipline.values), [s for s in states if len(s) == 2]):
            answer = lead.get(f"{url}/api/v1/indicators/", params=query, timeout=120)
            assert answer.json()["source"] == "rollup", (name, answer.text[:300])
            results[name] = timed(
                lambda q=query: lead.get(f"{url}/api/v1/indicators/", params=q, timeout=120), args.requests
            )
        results["provider detail (again, after the grid)"] = timed(
            lambda: lead.get(detail, timeout=30), args.requests
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    load_after = uptime()
    yard = results["provider detail"]["p50"]
    grid_ratios = [m["p50"] / yard for name, m in results.items() if not name.startswith("provider")]
    lines = [
        "# Network indicators benchmark",
        "",
        f"- {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {platform.platform()}, "
        f"{os.cpu_count()} CPUs, shared with other sessions",
        f"- `uptime` before: {load_before}",
        f"- `uptime` after: {load_after}",
        f"- {world['made']:,} referrals over two years on PostgreSQL; {args.requests} sequential requests "
        "per row, each filter read once before it is timed",
        f"- the job (`refresh_rollups`), first run: {job['published']} periods of {job['years']} years "
        f"published, tallies of {job['tallied']} year(s) recomputed, in {job_s:.1f} s; second run "
        f"(tallies only, nothing left to publish): {job_again_s:.1f} s",
        f"- publishing every period of {year} (in process): from the referrals "
        f"{' / '.join(f'{t:.1f}' for t in publish['referrals'])} s, from the monthly tallies "
        f"{' / '.join(f'{t:.1f}' for t in publish['tallies'])} s",
        f"- a first read of {year} before the job has published it, over HTTP (answered "
        f"{', '.join(sorted(cold_states))}): "
        f"{' / '.join(f'{t:.0f}' for t in cold)} ms ({statistics.median(cold) / yard:.1f}x detail)",
        f"- grid: {len(grid_ratios)} filter combinations, p50 / detail p50 from "
        f"{min(grid_ratios):.2f}x to {max(grid_ratios):.2f}x",
        "",
        "| request | p50 ms | p90 ms | p50 / provider detail p50 |",
        "|---|---|---|---|",
    ]
    for name, m in results.items():
        lines.append(f"| {name} | {m['p50']:.1f} | {m['p90']:.1f} | {m['p50'] / yard:.2f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).write_text(text)
    if not args.keep:
        base.recreate_database(args.db)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def filter_grid(
    today: datetime.date, disciplines: list[str], states: list[str]
) -> list[tuple[str, dict[str, str]]]:
    """Every kind of question: the default, months, quarters (the network, each
    discipline, each state, a year back), years."""
    from indicators.params import Period, last_closed

    quarter, month, year = (last_closed(kind, today) for kind in ("quarter", "month", "year"))
    q = {"period": "quarter", "start": quarter.start.isoformat()}
    back = {
        "period": "quarter",
        "start": quarter.previous().previous().previous().previous().start.isoformat(),
    }
    grid: list[tuple[str, dict[str, str]]] = [("default (the last closed quarter)", {})]
    grid.append((f"quarter {q['start']}", q))
    grid += [(f"quarter {q['start']}, discipline {d}", {**q, "discipline": d}) for d in disciplines]
    grid += [(f"quarter {q['start']}, area {s}", {**q, "area": s}) for s in states]
    grid.append((f"quarter {back['start']}", back))
    grid += [
        (f"quarter {back['start']}, discipline {disciplines[0]}", {**back, "discipline": disciplines[0]})
    ]
    grid += [(f"quarter {back['start']}, area {s}", {**back, "area": s}) for s in states[:1]]
    for m in (month, month.previous(), Period("month", month.start.replace(year=month.start.year - 1))):
        grid.append((f"month {m.start}", {"period": "month", "start": m.start.isoformat()}))
    for y in (year, year.previous()):
        grid.append((f"year {y.start}", {"period": "year", "start": y.start.isoformat()}))
    return grid


if __name__ == "__main__":
    main()
