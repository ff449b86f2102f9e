from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from consent.models import CATEGORY_FIELDS, PURPOSE_FIELDS, Consent, SignatureMethod


def scope(purposes=("referral", "care_coordination", "messaging"), categories=tuple(CATEGORY_FIELDS)) -> dict:
    """Boolean columns for the given purpose and category codes."""
    flags = {field: code in purposes for code, field in PURPOSE_FIELDS.items()}
    flags.update({field: code in categories for code, field in CATEGORY_FIELDS.items()})
    return flags


class ConsentFactory(factory.django.DjangoModelFactory):
    """An active consent. Usage: ``ConsentFactory(child=c, granted_by=g,
    recipient_provider=p, **scope(["referral"], ["demographics"]))``."""

    class Meta:
        model = Consent

    expires_on = factory.LazyFunction(lambda: timezone.now().date() + datetime.timedelta(days=180))
    text_version = "test-v1"
    signed_text = "Test consent text."
    signature_method = SignatureMethod.PORTAL_ESIGNATURE
    purpose_referral = True
    purpose_care_coordination = True
    purpose_messaging = True
    category_demographics = True
    category_screening_results = True
    category_developmental_history = True
    category_family_history = True
    category_case_notes = True
    category_caregiver_screening = False
