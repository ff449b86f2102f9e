"""Demo data for trying Referral Hub locally, loaded into an empty database only.

Demo data never rewrites what people did: on a database that already holds accounts
(the demo's own after a first ``make run``, or anyone's), ``seed_demo`` changes nothing
and says so, so restarting ``make run`` keeps every revocation, message and password.
``seed_demo --reset`` is the explicit request to wipe every row and load the demo again
(SQLite only: on PostgreSQL the consent history and the access log are append-only in
the database itself, so drop and recreate the database instead).

Each app seeds its own part in ``<app>/demo.py`` (``seed(world, stdout)``), lowest layer
first (the one list of apps, ``referral_hub/apps_list.py``); ``world`` carries the objects
later parts need (users, providers, children...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
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
    ("caseworker", "agency caseworker: custody of Eli (foster care), order 2026-JV-0042"),
    ("foster_parent", "Eli's foster parent: authority delegated for referral only"),
    ("birth_parent", "Eli's birth parent: no_information order (sees nothing about Eli)"),
    ("teen_parent", "a parent under 18 (minor_parent) for her infant Leo"),
    ("confidential", "a mother under an address_confidential order (Ivy Hayes)"),
    ("coparent", "Ivy's father (joint custody with confidential)"),
]


WIPED = (
    "every row in the database: all accounts and their passwords, families, consents and "
    "their history, referrals, cases and messages, requests for help, notices and the access log"
)


class Command(BaseCommand):
    help = (
        "Load demo organizations, providers, families, consents, referrals and a case chat into "
        "an empty database (one without accounts); on any other database change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help=f"Wipe {WIPED}, then load the demo data again (SQLite only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEVELOPMENT:
            raise CommandError("seed_demo creates well-known passwords; refused when DJANGO_DEBUG=0.")
        if options["reset"]:
            self._wipe()
        elif User.objects.exists():
            self.stdout.write(
                "The database already holds data (accounts exist): demo data not loaded again, "
                "nothing changed. To wipe everything and start over: "
                "python manage.py seed_demo --reset"
            )
            self._logins("Demo logins, unless changed since")
            return
        world: dict[str, Any] = {"password": settings.DEMO_PASSWORD}
        with transaction.atomic():
            for seed in seeds():
                seed(world, self.stdout)
        self._logins("Demo data ready. Logins")

    def _wipe(self) -> None:
        if settings.IS_POSTGRES:
            raise CommandError(
                "seed_demo --reset works on SQLite only: on PostgreSQL the consent history and "
                "the access log are append-only in the database itself. Drop and recreate the "
                "database, migrate, then run seed_demo."
            )
        self.stdout.write(f"Wiping {WIPED}.")
        call_command("flush", interactive=False, verbosity=0)

    def _logins(self, title: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"{title} (password: {settings.DEMO_PASSWORD}):"))
        for username, what in LOGINS:
            self.stdout.write(f"  {username:<14} {what}")
