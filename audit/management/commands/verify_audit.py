"""Check the access log: every chain's hashes and links, the seals' HMACs, that every
sealed head is still where it was sealed, and that sealing is not stale. Exit 0 when
intact, 1 naming the first problem."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from audit.services import verify_log


class Command(BaseCommand):
    help = "Verify the access log's hash chains and seals; report the first problem."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_log()
        if result.intact:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} rows verified"))
            return
        where = (
            f" at row id={result.broken.pk} (at {result.broken.at.isoformat()})"
            if result.broken is not None
            else ""
        )
        self.stderr.write(
            f"audit chain BROKEN{where}: {result.reason}; {result.checked} rows before it are intact"
        )
        raise SystemExit(1)
