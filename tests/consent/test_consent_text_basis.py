"""The authorization names the signer's basis (issue 26): "I, Rosa Rivera, as the
child's parent, sign ..." / "... as the child's legal guardian under order no.
24-JV-118 ...", in English and Spanish, in the text shown before signing and in the
text stored when signed (a new text version for each language). Someone with no
authority for the child is told they cannot sign, and shown no text to sign."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone

from consent.models import Consent
from consent.texts import TEXT_VERSIONS
from families.models import AuthorityBasis, Relationship
from tests.factories.base import PASSWORD
from tests.factories.directory import ProviderFactory
from tests.factories.families import AuthorityFactory, ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db

# The versions before the basis was named: a text that names it is a new version.
BEFORE = {"en": "rh-authorization-2026-12", "es": "rh-autorizacion-es-2026-12b"}


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def scope(provider, **extra):
    data = {
        "recipient_provider": provider.pk,
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "expires_on": (timezone.now().date() + datetime.timedelta(days=60)).isoformat(),
    }
    data.update(extra)
    return data


@pytest.fixture
def rosa(db):
    guardian = GuardianFactory(
        relationship=Relationship.MOTHER, user__first_name="Rosa", user__last_name="Rivera"
    )
    child = ChildFactory(family=guardian.family, first_name="Mateo", last_name="Rivera")
    return guardian, child


def test_each_language_has_a_new_version_for_the_basis():
    assert TEXT_VERSIONS["en"] != BEFORE["en"] and TEXT_VERSIONS["es"] != BEFORE["es"]
    assert len(set(TEXT_VERSIONS.values())) == 2


def test_a_parent_signs_as_the_childs_parent(rosa, provider, grant):
    guardian, child = rosa
    consent = grant(guardian, child, provider=provider)
    assert "I, Rosa Rivera, as the child's parent, sign this authorization" in consent.signed_text
    assert consent.text_version == TEXT_VERSIONS["en"]
    assert consent.authority.basis == AuthorityBasis.PARENT


def test_a_legal_guardian_signs_under_her_order_in_spanish(rosa, provider, grant):
    _, child = rosa
    gloria = AuthorityFactory(
        child=child,
        holder__relationship=Relationship.LEGAL_GUARDIAN,
        holder__user__first_name="Gloria",
        holder__user__last_name="Grant",
        basis=AuthorityBasis.LEGAL_GUARDIAN,
        order_number="24-JV-118",
    ).holder
    consent = grant(gloria, child, provider=provider, language="es")
    assert (consent.text_language, consent.text_version) == ("es", TEXT_VERSIONS["es"])
    assert (
        "Yo, Gloria Grant, como tutor legal del niño o la niña según la orden n.º 24-JV-118, "
        "firmo esta autorización" in consent.signed_text
    )
    english = grant(gloria, child, provider=ProviderFactory())
    assert "as the child's legal guardian under order no. 24-JV-118, sign" in english.signed_text


def test_the_review_page_shows_the_basis_before_signing(client, rosa):
    guardian, child = rosa
    teacher = ProviderFactory(name="Jordan Ellis")
    client.force_login(guardian.user)
    review = client.post(f"/portal/children/{child.pk}/share/", {**scope(teacher), "step": "scope"})
    assert review.status_code == 200
    assert "I, Rosa Rivera, as the child's parent, sign this authorization" in _text(review)
    spanish = client.post(f"/portal/children/{child.pk}/share/?lang=es", {**scope(teacher), "step": "scope"})
    assert "Yo, Rosa Rivera, como madre o padre del niño o la niña, firmo" in _text(spanish)


def test_a_delegated_foster_parent_signs_within_her_delegation(client, rosa):
    _, child = rosa
    dana = AuthorityFactory(
        child=child,
        holder__relationship=Relationship.FOSTER_PARENT,
        holder__user__first_name="Dana",
        holder__user__last_name="Foster",
        basis=AuthorityBasis.DELEGATED,
        purposes=["referral"],
        order_number="",
    ).holder
    teacher = ProviderFactory(name="Jordan Ellis")
    client.force_login(dana.user)
    share = f"/portal/children/{child.pk}/share/"
    review = _text(client.post(share, {**scope(teacher), "step": "scope"}))
    assert "I, Dana Foster, as a caregiver with authority delegated by the agency, sign" in review
    wider = client.post(share, {**scope(teacher, purposes=["referral", "messaging"]), "step": "scope"})
    page = _text(wider)
    assert wider.status_code == 403
    assert "does not reach this purpose" in page
    assert "sign this authorization" not in page and 'name="password"' not in page
    signed = client.post(
        share, {**scope(teacher), "step": "sign", "text_version": TEXT_VERSIONS["en"], "password": PASSWORD}
    )
    assert signed.status_code == 302
    assert "as a caregiver with authority delegated by the agency" in Consent.objects.get().signed_text


def test_someone_without_authority_is_told_they_cannot_sign_and_shown_no_text(client, rosa):
    _, child = rosa
    grandma = GuardianFactory(family=child.family, relationship=Relationship.GRANDPARENT)
    client.force_login(grandma.user)
    review = client.post(f"/portal/children/{child.pk}/share/", {**scope(ProviderFactory()), "step": "scope"})
    page = _text(review)
    assert review.status_code == 403
    assert "Only someone with legal authority for this child may consent." in page
    assert "sign this authorization" not in page and 'name="password"' not in page
