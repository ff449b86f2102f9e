"""The access log is called by all and calls none: no module of the ``audit`` app
imports a domain app (the guardian's access-log views live in ``consent``)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from referral_hub.apps_list import PROJECT_APPS, may_name

ROOT = Path(__file__).resolve().parents[2]


def _domain_apps() -> set[str]:
    """Every installed project app audit may not use: those not below it (its own layer
    included), read from the installed apps and the one list."""
    installed = {config.name for config in apps.get_app_configs()}
    return {app for app in PROJECT_APPS if app in installed and not may_name("audit", app)}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_audit_imports_no_domain_app():
    domain_apps = _domain_apps()
    assert {"directory", "consent", "intake", "notices", "indicators"} <= domain_apps
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & domain_apps)
        for path in (ROOT / "audit").rglob("*.py")
        if "migrations" not in path.parts and _imported_roots(path) & domain_apps
    }
    assert offenders == {}
