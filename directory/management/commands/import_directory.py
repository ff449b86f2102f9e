from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory.importer import import_path


class Command(BaseCommand):
    help = (
        "Import directory listings from HSDS 3.0 JSON (a file or a directory of *.json) or "
        "the CSV layout in docs/directory.md. Bad rows are reported by number and reason; "
        "good rows are kept. Re-importing the same data is idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        report = import_path(path)
        for number, reason in report.warnings:
            self.stdout.write(self.style.WARNING(f"row {number}: warning: {reason}"))
        for number, reason in report.skipped:
            self.stdout.write(f"row {number}: skipped: {reason}")
        for number, reason in report.errors:
            self.stderr.write(self.style.ERROR(f"row {number}: {reason}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.created} new and {report.updated} existing listings, "
                f"{report.organizations} new organizations; {len(report.errors)} rows rejected."
            )
        )
