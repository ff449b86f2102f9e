"""Demo data for trying Referral Hub locally. Idempotent: run it as often as you like.

Each app seeds its own part in ``<app>/demo.py`` (``seed(world, stdout)``), lowest layer
first (the one list of apps, ``referral_hub/apps_list.py``); ``world`` carries the objects
later parts need (users, providers, children...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from referral_hub.apps_list import app_modules

Seed = Callable[[dict[str, Any], Any], None]


def seeds() -> list[Seed]:
    """Every installed app's ``demo.seed``, lowest layer first. A ``demo`` module without
    ``seed`` only holds helpers the others share (people's demo users)."""
    return [module.seed for module in app_modules("demo") if hasattr(module, "seed")]


LOGINS = [
    ("pediatrician", "provider on family 1's care team (pediatrician)"),
    ("educator", "provider on family 1's care team (early childhood educator)"),
    ("social_worker", "provider on family 1's care team (social worker)"),
    ("slp", "provider on family 1's care team (speech-language pathologist)"),
    ("imh_clinician", "provider on family 1's care team (infant mental health clinician)"),
    ("outsider", "provider with no consent from anyone"),
    ("guardian", "guardian of family 1"),
    ("guardian2", "guardian of family 2"),
    ("curator", "verifies endorsements"),
    ("reviewer", "endorsement reviewer (IMH Mentor-Clinical); reviewer2 is the second"),
    ("renewing", "provider whose endorsement is due for renewal"),
    ("network_lead", "network indicators (aggregates only)"),
    ("coordinator", "care coordinator: routes families' requests for help"),
    ("guardian_es", "Spanish-speaking guardian (family 3) with a request for help"),
]


class Command(BaseCommand):
    help = "Load demo organizations, providers, families, consents, referrals and a case chat."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEVELOPMENT:
            raise CommandError("seed_demo creates well-known passwords; refused when DJANGO_DEBUG=0.")
        world: dict[str, Any] = {"password": settings.DEMO_PASSWORD}
        with transaction.atomic():
            for seed in seeds():
                seed(world, self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password: {settings.DEMO_PASSWORD}):")
        )
        for username, what in LOGINS:
            self.stdout.write(f"  {username:<14} {what}")
