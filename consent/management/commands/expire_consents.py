"""Record expiry in consent history (run daily; idempotent). Access already ends at
expiry without it: the gate compares dates at query time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from consent.services import consents_record_expiry


class Command(BaseCommand):
    help = "Append an 'expired' history row for each consent whose expiry day has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = consents_record_expiry()
        self.stdout.write(f"{len(expired)} consent(s) recorded as expired")
