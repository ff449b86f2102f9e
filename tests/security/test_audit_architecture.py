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


# Pages and APIs are thin: an access-log row is written by a service (docs/architecture.md,
# "Layers inside an app"), so a view can neither forget one nor write one a service did not
# mean. The audit app's own pages call its own services.
WRITERS = {"audit_record", "audit_record_many", "audit_record_held", "audit_denied", "audit_list_read"}


def _http_modules() -> list[Path]:
    return sorted(
        path
        for pattern in ("*views.py", "*apis.py")
        for path in ROOT.rglob(pattern)
        if not {".venv", "tests", "audit"} & set(path.relative_to(ROOT).parts)
    )


def _audit_writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "audit.services":
            found += [f"imports {alias.name}" for alias in node.names]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "audit"
            and any(alias.name == "services" for alias in node.names)
        ):
            found.append("imports audit.services")
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in WRITERS:
                found.append(f"line {node.lineno}: {name}")
    return found


def test_no_page_or_api_writes_the_access_log():
    modules = _http_modules()
    assert ROOT / "consent" / "views.py" in modules and ROOT / "consent" / "child_apis.py" in modules
    offenders = {str(path.relative_to(ROOT)): _audit_writes(path) for path in modules if _audit_writes(path)}
    assert offenders == {}


def test_the_check_sees_a_view_that_writes_the_log(tmp_path):
    view = tmp_path / "views.py"
    view.write_text(
        "from audit.services import audit_record\n\ndef page(r):\n    audit_record(actor=r.user)\n"
    )
    assert _audit_writes(view) == ["imports audit_record", "line 4: audit_record"]


def test_one_refusal_decorator():
    """Refused service calls are logged by ``audit.services.audit_refusals`` only."""
    wrappers = {
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if not {".venv", "tests", "migrations"} & set(path.relative_to(ROOT).parts)
        and "def _log_refusals" in path.read_text()
    }
    assert wrappers == set()
