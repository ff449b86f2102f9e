from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:  # models cannot be imported before the app registry is ready
    from consent.models import Consent
    from people.roles import Actor


class ReferralsConfig(AppConfig):
    name = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent import signals
        from referrals.notices import register_notice_kinds

        register_notice_kinds()

        signals.consent_revoked.connect(_on_consent_revoked, dispatch_uid="referrals.on_consent_revoked")
        expired = getattr(signals, "consent_expired", None)
        if expired is not None:
            expired.connect(_on_consent_expired, dispatch_uid="referrals.on_consent_expired")


def _on_consent_revoked(sender: Any, consent: Consent, actor: Actor | None = None, **kwargs: Any) -> None:
    """Runs inside the revocation transaction (see consent.signals): memberships end and
    recipients' referral permissions go atomically with the revocation."""
    from referrals.services import access_end_for_revoked_consent

    access_end_for_revoked_consent(consent=consent, reason="consent_revoked")


def _on_consent_expired(sender: Any, consent: Consent, **kwargs: Any) -> None:
    """Expiry already hid everything at query time (the gate compares dates); this
    records the end of the memberships and drops stale permission rows."""
    from referrals.services import access_end_for_revoked_consent

    access_end_for_revoked_consent(consent=consent, reason="consent_expired")
