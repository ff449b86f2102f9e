"""Run the session reminders now (the hourly job), or as at ``--now`` (ISO 8601)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from groups.reminders import groups_send_reminders


class Command(BaseCommand):
    help = "Queue the reminders for group sessions starting within the next 24 hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", default="", help="As at this moment (ISO 8601 with offset).")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError as error:
                raise CommandError(f"--now: not an ISO 8601 moment: {error}") from error
            if now.tzinfo is None:
                raise CommandError("--now: give the offset (e.g. 2026-12-14T12:00+00:00).")
        result = groups_send_reminders(now=now)
        self.stdout.write(f"{result['queued']} reminders queued for {result['sessions']} sessions")
