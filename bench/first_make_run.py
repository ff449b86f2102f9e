"""How long a newcomer waits: a plain clone's first ``make run``, to the ready line.

Usage: ``python bench/first_make_run.py SOURCE [--branch B] [--port 8791]``. Clones
SOURCE (a path or URL) into a new temporary folder, runs ``make run`` there with
``RUN_PORT``, and prints each output line with the seconds since the start; at the
line "Referral Hub is ready" it prints the figure, watches 8 s more (anything printed
after the ready line is shown, marked ``AFTER``), then stops ``make run`` with Ctrl-C
(SIGINT to its process group) and removes the clone. The machine's pip cache is used
as it is (never cleared). Results: docs/BENCHMARKS.md ("A newcomer's first make run").
"""

from __future__ import annotations

import argparse
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time


def _watch(proc: subprocess.Popen[str], start: float) -> float | None:
    """Print ``make run``'s lines until the ready line (its time, returned), then 8 s more."""
    assert proc.stdout is not None
    ready = None
    for line in proc.stdout:
        print(f"{time.monotonic() - start:7.1f} {line}", end="", flush=True)
        if "is ready" in line:
            ready = time.monotonic() - start
            break
    if ready is None:
        return None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    until = time.monotonic() + 8
    while (left := until - time.monotonic()) > 0 and selector.select(timeout=left):
        line = proc.stdout.readline()
        if not line:
            break
        print(f"{time.monotonic() - start:7.1f} AFTER {line}", end="", flush=True)
    return ready


def _stop(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as loadavg:
        return loadavg.read().strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("--branch", default="")
    parser.add_argument("--port", default="8791")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="first-make-run-")
    clone = os.path.join(folder, "referral-hub")
    branch = ["-b", args.branch] if args.branch else []
    subprocess.run(["git", "clone", "-q", *branch, args.source, clone], check=True)
    print("load average at start:", _load())
    start = time.monotonic()
    proc = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env={**os.environ, "RUN_PORT": args.port},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        ready = _watch(proc, start)
    finally:
        _stop(proc)
        print("load average at end:", _load())
        shutil.rmtree(folder, ignore_errors=True)
    print(f"ready after {ready:.1f} s" if ready is not None else "never ready")
    return 0 if ready is not None else 1


if __name__ == "__main__":
    raise SystemExit(main())
