"""Write the one list of apps (``referral_hub/apps_list.py``) into ``pyproject.toml``,
where import-linter and mypy read it: ``root_packages``, the ``layers`` contract, every
``forbidden`` contract's apps above its source, and mypy's ``packages``.

``manage.py sync_layers`` rewrites the file; ``--check`` exits 1 when it is out of date
(a test runs the same comparison). A forbidden contract keeps the apps at or below its
source that it names on purpose (endorsement's "not families"); every app above the
source is added, so a new app is forbidden to the lower ones without editing them.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from referral_hub.apps_list import LAYERS

Layers = tuple[tuple[str, ...], ...]

PYPROJECT = Path(settings.BASE_DIR) / "pyproject.toml"
LIST = re.compile(r"\[[^\[\]]*\]", re.DOTALL)


def _quoted(names: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{name}"' for name in names) + "]"


def _layers_block(layers: Layers) -> str:
    lines = "".join(f'  "{" | ".join(layer)}",\n' for layer in reversed(layers))
    return "[\n" + lines + "]"


def _forbidden(contract: dict[str, Any], layers: Layers) -> list[str]:
    (source,) = contract["source_modules"]
    number = {app: n for n, layer in enumerate(layers) for app in layer}
    above = {app for app in number if number[app] > number[source]}
    kept = {app for app in contract["forbidden_modules"] if app in number}
    return [app for app in number if app in above | kept]


def _replace_list(text: str, key: str, start: int, value: str) -> tuple[str, int]:
    """Replace the list value of the first ``key = [...]`` at or after ``start``."""
    match = re.compile(rf"^{re.escape(key)} = ", re.MULTILINE).search(text, start)
    if match is None:
        raise CommandError(f"pyproject.toml: no {key} after offset {start}")
    value_match = LIST.match(text, match.end())
    if value_match is None:
        raise CommandError(f"pyproject.toml: {key} is not a list")
    return text[: value_match.start()] + value + text[value_match.end() :], value_match.start() + len(value)


def render(text: str, layers: Layers = LAYERS) -> str:
    """``text`` (pyproject.toml) with every derived list written from ``layers`` (the
    one list)."""
    apps = tuple(app for layer in layers for app in layer)
    config = tomllib.loads(text)["tool"]
    text, _ = _replace_list(text, "root_packages", 0, _quoted(apps))
    position = 0
    for contract in config["importlinter"]["contracts"]:
        contract_at = text.index(f'id = "{contract["id"]}"', position)
        if contract["type"] == "layers":
            text, position = _replace_list(text, "layers", contract_at, _layers_block(layers))
        elif contract["type"] == "forbidden":
            text, position = _replace_list(
                text, "forbidden_modules", contract_at, _quoted(_forbidden(contract, layers))
            )
        else:
            position = contract_at
    text, _ = _replace_list(text, "packages", text.index("[tool.mypy]"), _quoted(apps))
    return text


class Command(BaseCommand):
    help = "Write the one list of apps into pyproject.toml (import-linter, mypy)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Exit 1 when pyproject.toml is out of date.")

    def handle(self, *args: Any, **options: Any) -> None:
        current = PYPROJECT.read_text()
        wanted = render(current)
        if wanted == current:
            self.stdout.write("pyproject.toml is in step with referral_hub/apps_list.py.")
            return
        if options["check"]:
            raise CommandError("pyproject.toml is out of date: run `python manage.py sync_layers`.")
        PYPROJECT.write_text(wanted)
        self.stdout.write("pyproject.toml rewritten from referral_hub/apps_list.py.")
