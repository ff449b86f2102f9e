"""Check the access log's hash chain: exit 0 when intact, 1 naming the first broken row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the access log's SHA-256 hash chain and report the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken, reason = verify_chain()
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} rows verified"))
            return
        self.stderr.write(
            f"audit chain BROKEN at row id={broken.pk} (at {broken.at.isoformat()}): {reason}; "
            f"{checked} rows before it are intact"
        )
        raise SystemExit(1)
