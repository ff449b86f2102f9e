"""Write the access log of a period as CSV (to stdout or --output)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import selectors
from audit.models import Action
from audit.services import audit_record
from referral_hub.errors import ApplicationError


class Command(BaseCommand):
    help = "Export the access log for --start..--end (inclusive dates, UTC) as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", help="YYYY-MM-DD (default: 30 days ago)")
        parser.add_argument("--end", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--output", help="file path (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start, end = selectors.parse_period(options["start"], options["end"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        audit_record(
            actor=None,
            action=Action.EXPORT,
            object_type="audit_log",
            detail=f"CSV export {start.isoformat()}..{end.isoformat()} (command line)",
        )
        out = open(options["output"], "w", newline="") if options["output"] else sys.stdout  # noqa: SIM115
        try:
            for line in selectors.csv_rows(selectors.audit_period(start, end)):
                out.write(line)
        finally:
            if out is not sys.stdout:
                out.close()
