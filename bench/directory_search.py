"""Directory search benchmark (a script, not a test).

Measures the public search over HTTP against a real daphne process on PostgreSQL with N
generated providers: p50/p95 latency per query kind (the full mix — text + discipline +
near ZIP 25 mi + language + ordering=distance — and each filter alone) and the ratio to
``GET /api/v1/providers/{id}/`` measured in the same run, requests interleaved so every
kind sees the same conditions. Throttling is switched off (``API_THROTTLE_ANON=off``).

    .venv/bin/python bench/directory_search.py --providers 100000
    .venv/bin/python bench/directory_search.py --providers 100000 --markdown /tmp/result.md

The database (default ``postgres://postgres@127.0.0.1:5432/rh_bench_dir``) is created,
migrated and filled with ``generate_directory`` unless it already holds N providers.
Targets: search p50 <= 3 x detail p50; search p95 <= 50 ms up to 100,000 providers and
<= 100 ms at 1,000,000. Run it at 10k, 100k and 1M (separate databases) to see how cost
grows; ``--markdown`` keeps each table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

# ``--code-root`` runs another checkout's code (the "before" of a comparison) with this script.
ROOT = Path(__file__).resolve().parents[1]
DAPHNE_LOG = Path("/tmp/bench_directory_daphne.log")
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rh_bench_dir"
# Populated areas across the country (the generator spreads listings over real ZIPs).
ZIPS = [
    "10001",
    "60614",
    "94110",
    "48104",
    "77002",
    "30303",
    "98101",
    "02139",
    "85004",
    "19104",
    "55401",
    "80202",
]
WORDS = ["therapy", "feeding", "attachment", "screening", "home visiting", "autism", "speech", "trauma"]
DISCIPLINES = [
    "pediatrician",
    "early_childhood_educator",
    "social_worker",
    "speech_language_pathologist",
    "mental_health_clinician",
    "occupational_therapist",
    "psychologist",
    "home_visitor",
    "early_intervention_coordinator",
]


def kinds(rng: random.Random) -> dict[str, object]:
    """query kind -> a function giving the next query string."""
    return {
        "mix: q+discipline+near 25mi+language+ordering=distance": lambda: {
            "q": rng.choice(WORDS),
            "discipline": rng.choice(DISCIPLINES),
            "near": rng.choice(ZIPS),
            "radius_miles": 25,
            "language": "es",
            "ordering": "distance",
        },
        "q (full text)": lambda: {"q": rng.choice(WORDS)},
        "discipline": lambda: {"discipline": rng.choice(DISCIPLINES)},
        "near ZIP 25mi": lambda: {"near": rng.choice(ZIPS)},
        "language=es": lambda: {"language": "es"},
        "endorsement": lambda: {"endorsement": "infant_mental_health_specialist"},
        "age_months": lambda: {"age_months": rng.randint(0, 72)},
        "accepting=true": lambda: {"accepting": "true"},
        "telehealth=true": lambda: {"telehealth": "true"},
        "payment=medicaid": lambda: {"payment": "medicaid"},
        "ordering=-endorsed_since": lambda: {"ordering": "-endorsed_since"},
        # The word whose matches sort late by name (pediatricians, "Dr. ..."), alone.
        "q=screening (matches sort late)": lambda: {"q": "screening"},
        HSDS_KIND: lambda: {"search": rng.choice(WORDS)},
    }


# Not /api/v1/providers/: the HSDS services list (``total_items`` instead of ``count``).
HSDS_KIND = "HSDS /hsds/services?search=word"


def path_for(name: str, params: dict[str, object]) -> str:
    return ("/hsds/services?" if name == HSDS_KIND else "/api/v1/providers/?") + urlencode(params)


def matches_of(answer: dict[str, object]) -> tuple[int, bool]:
    if "total_items" in answer:
        return int(answer["total_items"]), bool(answer.get("total_items_is_estimate"))  # type: ignore[call-overload]
    return int(answer["count"]), bool(answer.get("count_is_estimate"))  # type: ignore[call-overload]


def admin_url(db_url: str) -> str:
    return urlunparse(urlparse(db_url)._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)


def ensure_database(db_url: str, providers: int, seed: int) -> None:
    import psycopg

    name = urlparse(db_url).path.lstrip("/")
    with psycopg.connect(admin_url(db_url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": db_url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0", "--skip-checks"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with psycopg.connect(db_url.replace("postgres://", "postgresql://", 1)) as conn:
        have = conn.execute("SELECT count(*) FROM directory_provider").fetchone()[0]
    if have >= providers:
        print(f"database {name} already holds {have} providers")
        return
    print(f"generating {providers - have} providers into {name} ...")
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "generate_directory",
            "--providers",
            str(providers - have),
            "--seed",
            str(seed + have),
            "--skip-checks",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(f"generated in {time.monotonic() - started:.1f}s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(db_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "AUDIT_SEAL_KEY": "bench-only-audit-seal-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_USER": "off",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "referral_hub.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=DAPHNE_LOG.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("daphne did not start")


def timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "application/json", "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    return (time.perf_counter() - started) * 1000, response.status, body


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(
            next(
                x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")
            ).split()[1]
        )
        mem = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        mem = "RAM unknown"
    try:
        load = "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "load unknown"
    return (
        f"{cpu}, {os.cpu_count()} logical CPUs, {mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {load} at the end of the run"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--providers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per kind")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests per kind first")
    parser.add_argument("--markdown", type=Path, help="also write the result table here")
    parser.add_argument(
        "--code-root", type=Path, help="serve another checkout's code (e.g. main, for a before/after)"
    )
    args = parser.parse_args()
    if args.code_root:
        global ROOT
        ROOT = args.code_root.resolve()

    ensure_database(args.database_url, args.providers, args.seed)
    import psycopg

    with psycopg.connect(args.database_url.replace("postgres://", "postgresql://", 1)) as conn:
        total = conn.execute("SELECT count(*) FROM directory_provider").fetchone()[0]
        ids = [r[0] for r in conn.execute("SELECT id FROM directory_provider ORDER BY random() LIMIT 2000")]
        pg_version = conn.execute("SHOW server_version").fetchone()[0]

    port = free_port()
    proc = start_daphne(args.database_url, port)
    rng = random.Random(args.seed)
    query_kinds = kinds(rng)
    samples: dict[str, list[float]] = {
        name: [] for name in ["detail GET /api/v1/providers/{id}/", *query_kinds]
    }
    counts: dict[str, list[int]] = {name: [] for name in query_kinds}
    estimated: dict[str, str] = {}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for round_number in range(args.warmup + args.requests):
            measured = round_number >= args.warmup
            # Interleaved: every kind, then a detail read, each round.
            for name, make in query_kinds.items():
                path = path_for(name, make())
                ms, status, body = timed_get(conn, path)
                if status != 200:
                    raise SystemExit(f"{path} -> {status}: {body[:300]!r}; see {DAPHNE_LOG}")
                if measured:
                    samples[name].append(ms)
                    count, is_estimate = matches_of(json.loads(body))
                    counts[name].append(count)
                    if is_estimate:
                        estimated[name] = " (est.)"
                ms, status, body = timed_get(conn, f"/api/v1/providers/{rng.choice(ids)}/")
                if status != 200:
                    raise SystemExit(f"detail -> {status}: {body[:300]!r}")
                if measured:
                    samples["detail GET /api/v1/providers/{id}/"].append(ms)
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    detail_p50 = statistics.median(samples["detail GET /api/v1/providers/{id}/"])
    p95_target = 100 if total >= 1_000_000 else 50
    lines = [
        f"Providers: {total:,} · PostgreSQL {pg_version} · one daphne process, sequential keep-alive requests, "
        f"{args.requests} measured per kind after {args.warmup} warm-up; code: {ROOT}.",
        f"Machine: {machine()}",
        "",
        f"| query kind | median matches | p50 ms | p95 ms | p50 / detail p50 | p95 <= {p95_target} ms | p50 <= 3x detail |",
        "|---|---:|---:|---:|---:|:-:|:-:|",
    ]
    for name, values in samples.items():
        p50, p95 = statistics.median(values), percentile(values, 95)
        ratio = p50 / detail_p50
        matches = (
            f"{int(statistics.median(counts[name])):,}{estimated.get(name, '')}" if name in counts else "1"
        )
        is_search = name in counts
        lines.append(
            f"| {name} | {matches} | {p50:.1f} | {p95:.1f} | {ratio:.2f} | "
            f"{('yes' if p95 <= p95_target else 'NO') if is_search else '–'} | "
            f"{('yes' if ratio <= 3 else 'NO') if is_search else '–'} |"
        )
    report = "\n".join(lines)
    print(report)
    if args.markdown:
        args.markdown.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
