"""``load_endorsement_rules PATH``: load an association's rules file (JSON, or YAML when
PyYAML is installed). Changed categories get a new version; past decisions keep theirs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from endorsement.services import rules_load
from referral_hub.errors import ApplicationError

try:  # YAML is optional: PyYAML ships with the dev requirements only.
    import yaml
except ImportError:  # pragma: no cover
    yaml = None  # type: ignore[assignment]  # the module or None: the command checks before use


def _read(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        if yaml is None:
            raise CommandError("Install PyYAML to load YAML rules, or use JSON.")
        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise CommandError("A rules file holds one JSON object.")
    return data


class Command(BaseCommand):
    help = "Load endorsement rule sets (versioned per association and category) from a JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            data = _read(path)
            created = rules_load(data=data)
        except (ValueError, ApplicationError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for rule_set in created:
            self.stdout.write(f"new version: {rule_set}")
        self.stdout.write(self.style.SUCCESS(f"{len(created)} rule set(s) changed; the rest unchanged."))
