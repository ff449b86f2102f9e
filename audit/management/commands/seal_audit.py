"""Seal the access log's chain heads with an HMAC under AUDIT_SEAL_KEY. Run it on a
schedule (every few minutes bounds how many newest rows could vanish unnoticed) and on
demand; ship the printed MAC to a log outside the database for an external anchor."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from audit.services import audit_seal


class Command(BaseCommand):
    help = "Sign the current heads of the access log's hash chains (AUDIT_SEAL_KEY)."

    def handle(self, *args: Any, **options: Any) -> None:
        seal = audit_seal()
        self.stdout.write(
            f"audit seal {seal.pk}: {len(seal.heads)} chain heads, up to row {seal.up_to_id}, mac {seal.mac}"
        )
