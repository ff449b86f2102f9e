"""Issue 26: a court order's restriction on one household member holds at every exit.

- ``no_contact``: nobody contacts the person about the child. Every notice, e-mail or
  text a family gets about a child picks its people in one place
  (``consent.recipients.family_recipients``), which leaves them out; the other parent
  hears everything as before.
- ``no_information``: the person sees nothing about the child (the decision point keeps
  the child from them: 404 on every page and API) and hears nothing either.
- ``address_confidential``: the person's own phone and e-mail reach nobody else: not the
  provider their request for help went to (the referral's "contact the family"), not
  the other parent (the family's requests), not the FHIR export, not an e-mail, and the
  access log the other parent reads names them only as "a family member".
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from consent.recipients import contact_confidential, family_recipients
from families.models import RestrictionKind
from outbox.models import OutboxMessage
from tests.factories.base import PASSWORD
from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.families import GuardianFactory, RestrictionFactory
from tests.factories.referrals import referral_world, send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db

NO_CONTACT = RestrictionKind.NO_CONTACT
NO_INFORMATION = RestrictionKind.NO_INFORMATION
CONFIDENTIAL = RestrictionKind.ADDRESS_CONFIDENTIAL
PHONE = "+13135550177"


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def two_parents():
    """Mom and dad both hold parent authority for the child; the referrer and the
    recipient are covered by mom's consents."""
    world = referral_world()
    dad = GuardianFactory(family=world.family)
    return world, dad


def _kinds(user) -> set[str]:  # type: ignore[no-untyped-def]
    return set(OutboxMessage.objects.filter(recipient=user).values_list("kind", flat=True))


def _every_family_notice(world) -> None:  # type: ignore[no-untyped-def]
    """Each thing that tells a family about the child, done once."""
    from consent.reminders import consents_notify_expiring, consents_notify_refusals
    from consent.requests import consent_request_create
    from intake.services import family_request_create
    from referrals import services

    # A provider's referral, each step the family is told of, and a new time.
    referral = send(world)
    advance(world, referral, "scheduled")
    services.referral_reschedule(
        actor=world.recipient.user,
        referral_id=referral.pk,
        appointment_at=timezone.now() + datetime.timedelta(days=30),
        reason="The clinic moved it",
    )
    services.referral_complete(actor=world.recipient.user, referral_id=referral.pk, outcome="connected")
    # A provider asks the family to share with someone else.
    consent_request_create(
        actor=world.referrer.user,
        child_id=world.child.pk,
        provider_id=ProviderFactory().pk,
        purposes=["referral"],
        data_categories=["demographics"],
        note="Please share with the speech clinic",
    )
    # A consent ends within two weeks.
    ConsentFactory(
        child=world.child,
        granted_by=world.guardian,
        recipient_provider=ProviderFactory(),
        expires_on=timezone.now().date() + datetime.timedelta(days=5),
        **scope(["referral"], ["demographics"]),
    )
    consents_notify_expiring()
    # Someone outside is refused the child's record.
    assert api(ProviderFactory().user).get(f"/api/v1/children/{world.child.pk}/").status_code == 404
    consents_notify_refusals()
    # Mom asks a provider for help herself; the provider accepts.
    other = ProviderFactory()
    request = family_request_create(
        actor=world.guardian.user,
        child_id=world.child.pk,
        provider_id=other.pk,
        concern="She does not sleep and cries for hours",
        preferred_language="en",
        contact_method="email",
        password=PASSWORD,
    )
    services.referral_accept(actor=other.user, referral_id=request.referral_id)


FAMILY_KINDS = {
    "referral.family_update",
    "referral.rescheduled",
    "referral.status_changed",
    "consent_request.created",
    "consent.expiring",
    "consent.refused_attempts",
}


@pytest.mark.parametrize("kind", [NO_CONTACT, NO_INFORMATION])
def test_a_restricted_parent_hears_nothing_about_the_child_and_the_other_parent_hears_everything(
    two_parents, kind, django_capture_on_commit_callbacks
):
    world, dad = two_parents
    RestrictionFactory(child=world.child, person=dad, kind=kind)
    with django_capture_on_commit_callbacks(execute=True):
        _every_family_notice(world)
    assert FAMILY_KINDS <= _kinds(world.guardian.user)
    assert not OutboxMessage.objects.filter(recipient=dad.user).exists(), _kinds(dad.user)


def test_without_a_restriction_both_parents_hear_everything(two_parents, django_capture_on_commit_callbacks):
    world, dad = two_parents
    with django_capture_on_commit_callbacks(execute=True):
        _every_family_notice(world)
    # Dad did not ask for help himself: the family's own request is mom's to hear of,
    # but the rest reaches both parents.
    assert FAMILY_KINDS - {"referral.status_changed"} <= _kinds(dad.user)


def test_an_ended_restriction_no_longer_silences_the_parent(two_parents):
    world, dad = two_parents
    RestrictionFactory(
        child=world.child,
        person=dad,
        kind=NO_CONTACT,
        starts_at=timezone.now() - datetime.timedelta(days=30),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert {g.pk for g in family_recipients(world.child.pk)} == {world.guardian.pk, dad.pk}


def test_a_no_contact_order_for_one_child_does_not_silence_the_parent_for_a_sibling(two_parents):
    from tests.factories.families import ChildFactory

    world, dad = two_parents
    sibling = ChildFactory(family=world.family)
    RestrictionFactory(child=world.child, person=dad, kind=NO_CONTACT)
    assert dad not in family_recipients(world.child.pk)
    assert dad in family_recipients(sibling.pk)


def test_a_foster_parent_without_authority_is_told_but_not_asked_to_consent(two_parents):
    """Whom to tell is the household (less the silenced); whom to ask to sign is those
    who may consent for the purpose (``consenting=True``)."""
    from families.models import Relationship

    world, dad = two_parents
    foster = GuardianFactory(family=world.family, relationship=Relationship.FOSTER_PARENT)
    assert foster in family_recipients(world.child.pk)
    assert foster not in family_recipients(world.child.pk, purpose="referral", consenting=True)
    RestrictionFactory(child=world.child, person=dad, kind=NO_CONTACT)
    assert dad not in family_recipients(world.child.pk, purpose="referral", consenting=True)


@pytest.mark.parametrize("kind", [NO_CONTACT, NO_INFORMATION])
def test_a_restricted_parent_is_not_told_of_a_consent_recorded_on_paper(
    kind, django_capture_on_commit_callbacks
):
    from families.services import invitation_create

    visitor = ProviderFactory(discipline="home_visitor")
    invitation, _ = invitation_create(
        actor=visitor.user,
        family_name="",
        guardian_email="parent@example.test",
        child_first_name="Noa",
        child_last_name="Lind",
        child_date_of_birth=datetime.date(2025, 5, 5),
    )
    mom = GuardianFactory(family=invitation.family)
    dad = GuardianFactory(family=invitation.family)
    RestrictionFactory(child=invitation.child, person=dad, kind=kind)
    body = {
        "child": invitation.child.pk,
        "guardian": mom.pk,
        "signature_method": "provider_attested_verbal",
        "paper_form_reference": "FORM-2026-0107",
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "expires_on": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = api(visitor.user).post("/api/v1/consents/attested/", body, format="json")
    assert created.status_code == 201, created.json()
    assert "consent.attested" in _kinds(mom.user)
    assert not OutboxMessage.objects.filter(recipient=dad.user).exists()


def test_a_no_information_parent_gets_404_on_the_child_everywhere(two_parents, client):
    world, dad = two_parents
    referral = send(world)
    RestrictionFactory(child=world.child, person=dad, kind=NO_INFORMATION)
    child = world.child.pk
    for path in (
        f"/api/v1/children/{child}/",
        f"/api/v1/children/{child}/access-log/",
        f"/api/v1/referrals/{referral.pk}/",
        f"/fhir/ServiceRequest/{referral.pk}",
    ):
        assert api(dad.user).get(path).status_code == 404, path
    assert child not in [c["id"] for c in api(dad.user).get("/api/v1/children/").json()["results"]]
    client.force_login(dad.user)
    for path in (f"/portal/children/{child}/", f"/portal/children/{child}/access-log/"):
        assert client.get(path).status_code == 404, path
    assert world.child.first_name not in client.get("/portal/").content.decode()
    assert world.child.first_name not in client.get("/portal/referrals/").content.decode()
    # Mom still sees her child.
    assert api(world.guardian.user).get(f"/api/v1/children/{child}/").status_code == 200


def test_adding_the_child_again_does_not_tell_a_no_information_parent_it_is_there(two_parents):
    world, dad = two_parents
    RestrictionFactory(child=world.child, person=dad, kind=NO_INFORMATION)
    body = {
        "first_name": world.child.first_name,
        "last_name": world.child.last_name,
        "date_of_birth": world.child.date_of_birth.isoformat(),
    }
    response = api(dad.user).post("/api/v1/children/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "child_not_added")
    assert world.child.date_of_birth.isoformat() not in response.json()["detail"]
    # Anyone else in the household adding the same child hears it is already there.
    again = api(world.guardian.user).post("/api/v1/children/", body, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_child")


# --- address_confidential ----------------------------------------------------------------


def _mom_asks_for_help(world):  # type: ignore[no-untyped-def]
    from intake.services import family_request_create

    return family_request_create(
        actor=world.guardian.user,
        child_id=world.child.pk,
        provider_id=world.recipient.pk,
        concern="She does not sleep and cries for hours",
        preferred_language="en",
        contact_method="text",
        phone=PHONE,
        email="",
        password=PASSWORD,
    )


def _secrets(mom) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    return (PHONE, "(313) 555-0177", mom.user.email)


def _leaks(text: str, mom) -> list[str]:  # type: ignore[no-untyped-def]
    return [s for s in _secrets(mom) if s in text]


def test_the_recipient_of_a_confidential_parents_request_gets_no_phone_or_e_mail(
    two_parents, client, django_capture_on_commit_callbacks
):
    world, dad = two_parents
    mom = world.guardian
    RestrictionFactory(child=world.child, person=mom, kind=CONFIDENTIAL)
    assert contact_confidential(mom.user_id, world.child.pk)
    with django_capture_on_commit_callbacks(execute=True):
        request = _mom_asks_for_help(world)
    recipient = world.recipient.user
    detail = api(recipient).get(f"/api/v1/referrals/{request.referral_id}/")
    assert detail.status_code == 200
    assert detail.json()["family_contact"] is None
    assert not _leaks(detail.content.decode(), mom)
    client.force_login(recipient)
    page = client.get(f"/referrals/{request.referral_id}/")
    assert page.status_code == 200 and not _leaks(page.content.decode(), mom)
    fhir = api(recipient).get(f"/fhir/ServiceRequest/{request.referral_id}")
    assert fhir.status_code == 200 and not _leaks(fhir.content.decode(), mom)
    # No e-mail or notice to anyone else carries them.
    for row in OutboxMessage.objects.exclude(recipient=mom.user):
        assert not _leaks(" ".join([row.to_address, row.subject, row.body, str(row.payload)]), mom), row.kind
    # Mom still reads her own request with the number she gave.
    own = api(mom.user).get("/api/v1/requests/").json()["results"]
    assert [r["phone"] for r in own] == [PHONE]


def test_without_the_restriction_the_recipient_sees_how_to_reach_the_family(two_parents):
    world, _dad = two_parents
    request = _mom_asks_for_help(world)
    detail = api(world.recipient.user).get(f"/api/v1/referrals/{request.referral_id}/").json()
    assert detail["family_contact"]["phone"] == PHONE


def test_the_other_parent_does_not_see_the_confidential_parents_phone_on_the_familys_requests(two_parents):
    world, dad = two_parents
    mom = world.guardian
    RestrictionFactory(child=world.child, person=mom, kind=CONFIDENTIAL)
    _mom_asks_for_help(world)
    response = api(dad.user).get("/api/v1/requests/")
    rows = response.json()["results"]
    assert len(rows) == 1  # the family's request is still the family's to follow
    assert rows[0]["phone"] == "" and rows[0]["email"] == ""
    assert not _leaks(response.content.decode(), mom)


def test_the_access_log_the_other_parent_reads_names_the_confidential_parent_only_as_family(
    two_parents, client
):
    world, dad = two_parents
    mom = world.guardian
    RestrictionFactory(child=world.child, person=mom, kind=CONFIDENTIAL)
    # Mom's name is her e-mail when she gave no other (registration's username).
    mom.user.first_name = mom.user.last_name = ""
    mom.user.save()
    client.force_login(mom.user)
    assert client.get(f"/portal/children/{world.child.pk}/").status_code == 200
    assert AuditEvent.objects.filter(actor=mom.user, child=world.child).exists()

    log = api(dad.user).get(f"/api/v1/children/{world.child.pk}/access-log/")
    assert log.status_code == 200
    whos = {row["who"] for row in log.json()["results"]}
    assert not any(mom.user.username in who for who in whos), whos
    assert "A family member (guardian)" in whos
    client.force_login(dad.user)
    page = client.get(f"/portal/children/{world.child.pk}/access-log/").content.decode()
    assert mom.user.username not in page and not _leaks(page, mom)
    # Mom reads her own rows as hers.
    own = api(mom.user).get(f"/api/v1/children/{world.child.pk}/access-log/").json()["results"]
    assert any(mom.user.username in row["who"] for row in own)
