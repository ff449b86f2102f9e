"""Ids cross the service and policy boundary as ``int``: a view or API parses the URL or
body (``<int:...>`` converters, serializers, forms), and a service never has to guess
whether it was handed a string, a model or an id. mypy --strict then checks every
caller; an ``Any`` or ``object`` id would switch that check off again."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The service and policy layer: every app's services/policies/selectors, and the
# modules that play those parts under another name.
BOUNDARY_NAMES = {"services.py", "policies.py", "selectors.py"}
BOUNDARY_EXTRA = {"consent/decision.py", "consent/rule.py", "consent/requests.py"}

# Refusal loggers are handed the raw, unvalidated body of a refused request on purpose
# (the audit row links the child when the value happens to name one).
RAW_INPUT = {
    ("consent/services.py", "consent_input_refuse"),
    ("consent/requests.py", "consent_request_refuse"),
}
# Query helpers that are also given ``OuterRef`` expressions, never an outside value.
EXPRESSIONS = {("consent/rule.py", "_recipient_q")}
LOOSE = {"Any", "object"}


def _boundary_modules() -> list[Path]:
    found = []
    for path in sorted(ROOT.glob("*/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(("tests/", "bench/", "scripts/", ".venv/")):
            continue
        if path.name in BOUNDARY_NAMES or relative in BOUNDARY_EXTRA:
            found.append(path)
    return found


def _is_id(name: str) -> bool:
    return name in {"id", "pk"} or name.endswith(("_id", "_ids", "_pk"))


def _loose_annotation(annotation: ast.expr | None) -> bool:
    """``Any``, ``object`` or either of them in a union (``Any | None``)."""
    if annotation is None:
        return True
    return any(isinstance(node, ast.Name) and node.id in LOOSE for node in ast.walk(annotation))


def _loose_ids(path: Path) -> list[str]:
    relative = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(), filename=relative)
    loose = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if (relative, node.name) in RAW_INPUT | EXPRESSIONS:
            continue
        arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        for argument in arguments:
            if _is_id(argument.arg) and _loose_annotation(argument.annotation):
                loose.append(f"{relative}:{node.lineno} {node.name}({argument.arg})")
    return loose


def test_the_boundary_modules_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _boundary_modules()}
    assert {
        "referrals/services.py",
        "consent/policies.py",
        "cases/services.py",
        "consent/requests.py",
    } <= names


def test_service_and_policy_ids_are_typed():
    loose = [entry for path in _boundary_modules() for entry in _loose_ids(path)]
    assert loose == [], "ids typed Any/object (or not at all) at the service boundary:\n" + "\n".join(loose)
