"""`make run`: start the app's processes, say when it is ready, stop them all on Ctrl-C.

Each entry of PROCESSES is one long-running command (the ASGI server and the Celery
worker with beat). The script waits until the web server answers,
prints one line saying where to go, then waits: the first process to exit, or Ctrl-C,
stops the others.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
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
        "worker",
        "--beat",
        "--loglevel=INFO",
        "--concurrency=1",
    ],
]


def wait_for_port(procs: list[subprocess.Popen[bytes]], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            with socket.create_connection((HOST, PORT), timeout=0.5):
                return True
        except OSError:
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
    procs = [subprocess.Popen(cmd, cwd=ROOT) for cmd in PROCESSES]
    try:
        if not wait_for_port(procs):
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
