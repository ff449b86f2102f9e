"""Where a test run spends its time, by module: with ``RH_TIMES_FILE`` set, the process
that runs the session (pytest-xdist's controller, which receives every worker's reports)
adds up each module's set-up, call and tear-down seconds and, when the session ends,
appends them, largest first, with the session's arguments and wall time, to the file's
JSON list (``make pytest`` runs two sessions: the parallel step and the serial one). ``.ci/run`` sets it for both passes, so each CI run leaves
the figures that say where to cut next (``docs/BENCHMARKS.md``, "CI time")."""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path

import pytest


class ModuleTimes:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.tests: dict[str, int] = defaultdict(int)
        self.started = time.monotonic()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        module = report.nodeid.split("::", 1)[0]
        self.seconds[module][report.when] += report.duration
        if report.when == "call":
            self.tests[module] += 1

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        rows = [
            {"module": module, "tests": self.tests[module], "seconds": round(sum(parts.values()), 1)}
            | {when: round(value, 1) for when, value in parts.items()}
            for module, parts in self.seconds.items()
        ]
        rows.sort(key=lambda row: -row["seconds"])
        sessions = json.loads(self.path.read_text()) if self.path.exists() else []
        sessions.append(
            {
                "args": session.config.invocation_params.args,
                "wall_seconds": round(time.monotonic() - self.started, 1),
                "worker_seconds": round(sum(row["seconds"] for row in rows), 1),
                "modules": rows,
            }
        )
        self.path.write_text(json.dumps(sessions, indent=1))


def register(config: pytest.Config) -> None:
    target = os.environ.get("RH_TIMES_FILE")
    if target and not hasattr(config, "workerinput"):
        config.pluginmanager.register(ModuleTimes(Path(target)), "rh-module-times")
