"""A read in the hour after a month closes, before the job has run, at 100,000 referrals
(a script, not a test): before/after in one session, over HTTP to a real daphne.

    .venv/bin/python bench/indicators_just_closed.py --before /tmp/rh-main
        [--db postgres://postgres@127.0.0.1:5432/rh_bench_ind] [--referrals 100000]
        [--requests 5] [--reuse] [--out docs/benchmarks/indicators-just-closed.md]

1. Unless ``--reuse``: recreates the database, migrates, loads ``seed_demo``, the bulk
   world of ``bench/referrals.py`` and the two-year spread of ``bench/indicators.py``,
   then runs the job once (everything closed is published).
2. For each code root (``--before``, e.g. a ``git archive`` of main, then this checkout;
   twice, alternated) it starts daphne from that root and times ``GET
   /api/v1/providers/{id}/`` (the yardstick), then ``--requests`` times: puts the database
   in the state of "the last month has just closed and the job has not run" (the month's
   published block removed, the year's tallies dated before the month's end) and times
   ``GET /api/v1/indicators/?period=month&start=<last month>``.
   Then (the job run in process when the read did not publish) the same read, published,
   20 times.
3. With this checkout's code, in process: the job's run at the boundary (tallies, then
   publication), timed, and the published month compared with the one ``--before``
   published on its first read (as_of aside).
4. Appends a dated markdown section to ``--out`` with ``uptime`` before and after.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


base = _load("bench_referrals", ROOT / "bench" / "referrals.py")
ind = _load("bench_indicators", ROOT / "bench" / "indicators.py")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def just_closed(month: Any) -> None:
    """The state of the hour after ``month`` closed, before the job: the month is not
    published and the year's tallies were computed before it ended."""
    from indicators.models import IndicatorRollup, TallyYear

    IndicatorRollup.objects.filter(key=f"month:{month.start.isoformat()}:all").delete()
    ended = month.bounds()[1]
    TallyYear.objects.filter(year=month.start.year).update(computed_at=ended - datetime.timedelta(minutes=30))


def stored(month: Any) -> dict[str, Any] | None:
    from indicators.models import IndicatorRollup

    row = IndicatorRollup.objects.filter(key=f"month:{month.start.isoformat()}:all").first()
    return row.report if row else None


def measure(root: Path, args: argparse.Namespace, month: Any, world_imh: int) -> dict[str, Any]:
    import requests

    base.ROOT = root
    lead = requests.Session()
    lead.headers["Authorization"] = f"Token {base.token_for('network_lead')}"
    log = Path(tempfile.gettempdir()) / "rh-bench-indicators-just-closed.log"
    proc, url = base.start_daphne(args.db, log)
    detail = f"{url}/api/v1/providers/{world_imh}/"
    query = {"period": "month", "start": month.start.isoformat()}
    try:
        for _ in range(3):
            lead.get(detail, timeout=30)
            lead.get(f"{url}/api/v1/indicators/", timeout=120)
        yard = ind.timed(lambda: lead.get(detail, timeout=30), 20)
        reads, answers, published = [], [], None
        for _ in range(args.requests):
            just_closed(month)
            t = time.perf_counter()
            answer = lead.get(f"{url}/api/v1/indicators/", params=query, timeout=300)
            reads.append((time.perf_counter() - t) * 1000)
            assert answer.status_code == 200, answer.text[:300]
            body = answer.json()
            answers.append(body.get("state", body.get("source")))
            published = published or stored(month)
        if stored(month) is None:  # the job publishes it (not timed: the read is)
            from indicators import rollups

            rollups.refresh_rollups()
        warm = lead.get(f"{url}/api/v1/indicators/", params=query, timeout=120).json()
        assert warm.get("state", "published") == "published" and warm["source"] == "rollup", warm
        after_job = ind.timed(lambda: lead.get(f"{url}/api/v1/indicators/", params=query, timeout=120), 20)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"yard": yard, "reads": reads, "answers": answers, "published": published, "after_job": after_job}


def setup(args: argparse.Namespace) -> None:
    print(f"recreating {args.db}")
    base.recreate_database(args.db)
    base.setup_django(args.db)
    from django.core.management import call_command

    from indicators import rollups

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)
    world = base.bulk_world(args.referrals)
    ind.spread_history()
    from indicators.models import IndicatorRollup

    IndicatorRollup.objects.all().delete()  # seed_demo published the demo's periods alone
    print(f"setup: {world['made']:,} referrals; job: {rollups.refresh_rollups()}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/rh_bench_ind")
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--before", type=Path, help="the checkout to compare with (main)")
    parser.add_argument("--setup-only", action="store_true", help="build the database, measure nothing")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a previous run")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "indicators-just-closed.md"))
    args = parser.parse_args()
    if args.reuse:
        base.setup_django(args.db)
    else:
        setup(args)
    if args.setup_only:
        return
    assert args.before, "--before is required to measure"
    from directory.models import Provider
    from indicators import rollups
    from indicators.params import last_closed
    from referrals.models import Referral

    imh = Provider.objects.filter(discipline="mental_health_clinician").order_by("id").first()
    assert imh is not None
    total = Referral.objects.count()
    now = datetime.datetime.now(datetime.UTC)
    month = last_closed("month", now.date())
    load_before = uptime()
    runs: list[tuple[str, dict[str, Any]]] = []
    for label, root in [("before", args.before.resolve()), ("after", ROOT)] * 2:
        runs.append((label, measure(root, args, month, imh.pk)))
        print(label, json.dumps({k: v for k, v in runs[-1][1].items() if k != "published"}, default=str))
    just_closed(month)
    t = time.perf_counter()
    job = rollups.refresh_rollups()
    job_s = time.perf_counter() - t
    mine = stored(month)
    theirs = next(r["published"] for label, r in runs if label == "before")
    same = mine is not None and theirs is not None and mine == theirs
    load_after = uptime()
    lines = [
        "",
        f"## {now:%Y-%m-%d %H:%M} UTC: a read in the hour after a month closes, before the job",
        "",
        f"- `bench/indicators_just_closed.py`, {total:,} referrals over two years on PostgreSQL, one "
        f"database for both; before = `{args.before}`, after = this checkout; alternated twice, "
        f"{args.requests} reads each (each after resetting the state: month {month.start:%Y-%m} not "
        "published, the year's tallies dated 30 minutes before its end)",
        f"- `uptime` before: {load_before}",
        f"- `uptime` after: {load_after}",
        f"- the job at the boundary (this checkout, in process: tallies, then publication): {job_s:.1f} s, {job}",
        f"- month {month.start:%Y-%m} as the job then published it, compared with the block `before` "
        f"published on its first read: {'identical' if same else 'DIFFERENT'}",
        "",
        "| code | run | answer | read p50 ms | reads ms | provider detail p50 ms | read p50 / detail p50 "
        "| the same read once published: p50 ms (/ detail) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, (label, r) in enumerate(runs):
        p50 = statistics.median(r["reads"])
        lines.append(
            f"| {label} | {i // 2 + 1} | {', '.join(sorted(set(map(str, r['answers']))))} | {p50:.0f} | "
            f"{' / '.join(f'{x:.0f}' for x in r['reads'])} | {r['yard']['p50']:.1f} | {p50 / r['yard']['p50']:.2f}x "
            f"| {r['after_job']['p50']:.0f} ({r['after_job']['p50'] / r['yard']['p50']:.2f}x) |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    with open(args.out, "a") as out:
        out.write(text)


if __name__ == "__main__":
    main()
