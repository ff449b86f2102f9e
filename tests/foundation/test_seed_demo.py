"""Demo data never rewrites what people did (issue 25, item 5): ``seed_demo`` loads into
an empty database only; on one that holds accounts it changes nothing unless asked to
wipe it (``--reset``), and then it says what it wipes."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import CareTeamMember
from consent.models import Consent, ConsentEvent
from consent.services import consent_revoke
from messaging.models import Message

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _mateo_pediatrician() -> Consent:
    return Consent.objects.get(
        child__first_name="Mateo",
        recipient_provider__user__username="pediatrician",
        revoked_at__isnull=True,
    )


def test_a_restart_keeps_a_guardians_revocation_and_records_nothing_in_her_name():
    _seed()
    guardian = User.objects.get(username="guardian")
    consent = _mateo_pediatrician()
    consent_revoke(actor=guardian, consent_id=consent.pk, reason="We changed pediatricians.")
    consents, events, messages = (
        Consent.objects.count(),
        ConsentEvent.objects.count(),
        Message.objects.count(),
    )

    out = _seed()  # `make run` again

    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert consent.revoke_reason == "We changed pediatricians."
    # No new consent "signed online (password re-entered)" by her, no new history row.
    assert not Consent.objects.filter(
        child=consent.child, recipient_provider=consent.recipient_provider, revoked_at__isnull=True
    ).exists()
    assert (Consent.objects.count(), ConsentEvent.objects.count()) == (consents, events)
    assert Message.objects.count() == messages
    # The pediatrician, removed from Mateo's team by the revocation, is not put back.
    assert not CareTeamMember.objects.filter(
        case__child=consent.child, user__username="pediatrician", left_at__isnull=True
    ).exists()
    assert "already holds data" in out and "nothing changed" in out
    assert "seed_demo --reset" in out


def test_a_restart_keeps_changed_passwords_and_names():
    _seed()
    rosa = User.objects.get(username="guardian")
    rosa.first_name = "Rosalía"
    rosa.set_password("her-own-password-9")
    rosa.save()

    _seed()

    rosa.refresh_from_db()
    assert rosa.first_name == "Rosalía"
    assert rosa.check_password("her-own-password-9")


def test_reset_says_what_it_wipes_and_loads_the_demo_again():
    _seed()
    guardian = User.objects.get(username="guardian")
    consent_revoke(actor=guardian, consent_id=_mateo_pediatrician().pk)
    User.objects.create_user("someone_new")
    if settings.IS_POSTGRES:
        # The consent history and the access log are append-only in PostgreSQL itself.
        with pytest.raises(CommandError, match="append-only"):
            _seed("--reset")
        return

    out = _seed("--reset")

    assert "Wiping every row in the database" in out
    assert not User.objects.filter(username="someone_new").exists()
    assert _mateo_pediatrician().revoked_at is None
