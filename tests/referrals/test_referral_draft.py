"""Issue 25 (smaller): the referral reason had to be typed again after the family signed
the consent request. Now what the provider typed goes along with the ask and the form
for that child and provider has it again, until the referral is sent."""

from __future__ import annotations

import re

import pytest

from consent.models import ConsentRequest
from referrals.models import ReferralDraft
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.referrals.conftest import revoke

pytestmark = pytest.mark.django_db

REASON = "Not yet using words at 20 months; parents worried about hearing."


def _reason(html: str) -> str:
    return re.search(r'<textarea id="reason"[^>]*>(.*?)</textarea>', html, re.S).group(1)


def _ask(client, world, provider):
    return client.post(
        "/consent-requests/new/",
        {
            "child": world.child.pk,
            "provider": provider.pk,
            "purposes": ["referral"],
            "data_categories": ["demographics"],
            "next": f"/referrals/new/?child={world.child.pk}",
            "draft_reason": REASON,
            "draft_concern_type": "speech_language",
            "draft_urgency": "urgent",
        },
    )


def test_the_reason_typed_before_asking_the_family_is_there_once_they_signed(world, client):
    from consent.requests import consent_request_sign

    speech = ProviderFactory(name="Sam Speech", discipline="speech_language_pathologist")
    client.force_login(world.referrer.user)
    assert _ask(client, world, speech).status_code == 302
    consent_request_sign(
        actor=world.guardian.user, request_id=ConsentRequest.objects.get().pk, password=PASSWORD
    )

    # The link the referrer is given with the family's answer: the same form, filled in.
    html = client.get(f"/referrals/new/?child={world.child.pk}&to_provider={speech.pk}").content.decode()
    assert _reason(html) == REASON
    assert re.search(r'<option value="speech_language" selected', html)
    assert re.search(r'<option value="urgent" selected', html)
    # Another recipient's form starts empty.
    other = client.get(f"/referrals/new/?child={world.child.pk}&to_provider={world.recipient.pk}")
    assert _reason(other.content.decode()) == ""

    sent = client.post(
        "/referrals/new/",
        {"child": world.child.pk, "to_provider": speech.pk, "reason": REASON, "urgency": "urgent"},
    )
    assert sent.status_code == 302, sent.content.decode()[:1000]
    assert not ReferralDraft.objects.exists()  # sent: the draft has done its work


def test_a_draft_is_not_shown_once_the_sender_may_no_longer_see_the_child(world, client):
    speech = ProviderFactory(name="Sam Speech")
    client.force_login(world.referrer.user)
    _ask(client, world, speech)
    assert ReferralDraft.objects.count() == 1
    revoke(world, world.consents["referrer"])
    html = client.get(f"/referrals/new/?child={world.child.pk}&to_provider={speech.pk}").content.decode()
    assert REASON not in html
