"""`make run`: start the app's processes, say when it is ready, stop them all on Ctrl-C.

Each entry of PROCESSES is one long-running command (the ASGI server and the Celery
worker with beat). The script waits until the web server answers and the worker has
started (it creates the file named by ``RUN_WORKER_READY_FILE``: referral_hub/celery.py),
then prints one line saying where to go: the last line of start-up (the worker's banner
and start-up log are off; it still prints warnings and errors). Then it waits: the first
process to exit, or Ctrl-C, stops the others. ``RUN_PORT`` (default 8000) and
``RUN_HOST`` (default 127.0.0.1) choose where the app listens.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = int(os.environ.get("RUN_PORT", "8000"))

PROCESSES: list[list[str]] = [
    [str(VENV_BIN / "daphne"), "-b", HOST, "-p", str(PORT), "referral_hub.asgi:application"],
    # Background jobs with an embedded beat (one process on the embedded default; in
    # production worker and beat are separate services, see docs/operations.md).
    [
        str(VENV_BIN / "celery"),
        "-A",
        "referral_hub",
        "--quiet",
        "worker",
        "--beat",
        "--loglevel=WARNING",
        "--concurrency=1",
    ],
]


def _port_open() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until_ready(
    procs: list[subprocess.Popen[bytes]], worker_ready: Path, timeout: float = 120.0
) -> bool:
    """True once the web server answers and the worker has started; False if a process
    exits first or the timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        if worker_ready.exists() and _port_open():
            return True
        time.sleep(0.2)
    return False


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def main() -> int:
    # `docker stop`, `timeout` and process managers send SIGTERM: stop the children too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with tempfile.TemporaryDirectory(prefix="referral-hub-run-") as folder:
        return run(Path(folder) / "worker-ready")


def run(worker_ready: Path) -> int:
    # The jobs' own lines ("Task ... received", "succeeded") are INFO in the settings'
    # logging; on a newcomer's console only warnings and errors follow the ready line
    # (beat sends a job every 15 s and every minute). LOG_LEVEL=INFO shows them again.
    env = {**os.environ, "RUN_WORKER_READY_FILE": str(worker_ready)}
    env.setdefault("LOG_LEVEL", "WARNING")
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env) for cmd in PROCESSES]
    try:
        if not wait_until_ready(procs, worker_ready):
            print("Referral Hub did not start; see the messages above.", file=sys.stderr)
            stop(procs)
            return 1
        print(
            f"Referral Hub is ready: open http://{HOST}:{PORT}/ "
            "(demo logins are listed above and in README.md; Ctrl-C stops it)",
            flush=True,
        )
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        return next(p.returncode for p in procs if p.poll() is not None) or 0
    except KeyboardInterrupt:
        return 0
    finally:
        stop(procs)


if __name__ == "__main__":
    sys.exit(main())
