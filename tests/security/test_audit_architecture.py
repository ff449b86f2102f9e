"""The access log is called by all and calls none: no module of the ``audit`` app
imports a domain app (the guardian's access-log views live in ``consent``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = {
    "directory",
    "endorsement",
    "families",
    "consent",
    "cases",
    "referrals",
    "messaging",
    "indicators",
}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_audit_imports_no_domain_app():
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & DOMAIN_APPS)
        for path in (ROOT / "audit").rglob("*.py")
        if "migrations" not in path.parts and _imported_roots(path) & DOMAIN_APPS
    }
    assert offenders == {}
