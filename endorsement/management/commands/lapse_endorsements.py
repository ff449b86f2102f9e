"""``lapse_endorsements``: record every endorsement past its due date plus grace as
lapsed (idempotent; for cron or the jobs engine). The directory already stops showing
them as endorsed on that day; this makes the lapse visible to curators for reinstatement."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from endorsement.services import terms_lapse_overdue


class Command(BaseCommand):
    help = "Record endorsements past due date plus grace as lapsed."

    def handle(self, *args: Any, **options: Any) -> None:
        count = terms_lapse_overdue()
        self.stdout.write(self.style.SUCCESS(f"{count} endorsement(s) lapsed."))
