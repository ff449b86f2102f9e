"""The family-facing pages and the curator's worklist, through the browser's eyes
(server-rendered HTML), plus the Django admin's recording of every change."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from directory.models import Endorsement, EndorsementReview
from tests.factories.base import UserFactory
from tests.factories.directory import EndorsementFactory, LocationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def test_search_page_finds_providers_by_zip_and_discipline(client):
    near = ProviderFactory(name="Lucia Romero", user=None, discipline="mental_health_clinician")
    LocationFactory(provider=near, zip="48104")
    EndorsementFactory(provider=near)
    far = ProviderFactory(name="Far Away", user=None, discipline="mental_health_clinician")
    LocationFactory(provider=far, zip="49855")
    other = ProviderFactory(name="Other Discipline", user=None, discipline="pediatrician")
    LocationFactory(provider=other, zip="48104")

    page = client.get("/", {"near": "48104", "discipline": "mental_health_clinician"}).content.decode()

    assert "Lucia Romero" in page and "Far Away" not in page and "Other Discipline" not in page
    assert "1 provider found within 25 miles of 48104" in page
    assert "Endorsed:" in page
    assert '<label for="id_near">' in page and 'role="search"' in page


def test_search_page_explains_what_to_do_when_nothing_matches(client):
    page = client.get("/", {"q": "nothing-like-this"}).content.decode()
    assert "No providers match your search" in page and "simpler word" in page


def test_search_page_shows_bad_input_as_a_message_not_an_error_page(client):
    response = client.get("/", {"near": "nowhere"})
    assert response.status_code == 400
    assert "could not find the place" in response.content.decode()


def test_search_page_never_shows_a_pending_or_expired_endorsement_as_endorsed(client):
    pending = ProviderFactory(name="Pending Person", user=None)
    EndorsementFactory(provider=pending, status="pending")
    expired = ProviderFactory(name="Expired Person", user=None)
    EndorsementFactory(provider=expired, expires_on=timezone.localdate() - datetime.timedelta(days=1))

    page = client.get("/").content.decode()
    assert "Pending Person" in page and "Expired Person" in page
    assert "Endorsed:" not in page
    assert "miles away" not in page  # no distance without a ZIP
    profile = client.get(f"/providers/{pending.pk}/").content.decode()
    assert "no verified endorsement" in profile


def test_search_page_costs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for i in range(40):
        provider = ProviderFactory(name=f"P{i:02d}", user=None)
        LocationFactory(provider=provider, zip="48104")
        EndorsementFactory(provider=provider)
    with django_assert_max_num_queries(5):
        client.get("/", {"near": "48104"})


def test_provider_profile_shows_the_details_families_need(client):
    provider = ProviderFactory(
        name="Samuel Okafor",
        user=None,
        discipline="speech_language_pathologist",
        languages="|en|es|",
        payment_options="|medicaid|",
        services=["feeding therapy"],
        ages_min_months=12,
        ages_max_months=36,
    )
    LocationFactory(provider=provider, zip="48104", address_1="12 Main St")
    EndorsementFactory(provider=provider, category="infant_family_specialist")

    page = client.get(f"/providers/{provider.pk}/").content.decode()

    for text in (
        "Samuel Okafor",
        "Speech-language pathologist",
        "Spanish",
        "Medicaid",
        "feeding therapy",
        "12 months to 3 years",
        "12 Main St",
        "Infant Family Specialist",
    ):
        assert text in page, text
    assert client.get("/providers/999999/").status_code == 404


@pytest.fixture
def curator():
    user = UserFactory(username="casey")
    user.groups.add(Group.objects.get_or_create(name="curator")[0])
    return user


def test_curator_verifies_a_pending_endorsement_and_it_is_recorded(client, curator):
    endorsement = EndorsementFactory(status="pending")
    client.force_login(curator)

    assert "Verify" in client.get("/curate/").content.decode()
    response = client.post(f"/curate/endorsements/{endorsement.pk}/verify/", {"note": "Checked with MI-AIMH"})

    assert response.status_code == 302
    endorsement.refresh_from_db()
    assert endorsement.status == "verified" and endorsement.status_changed_by == curator
    review = EndorsementReview.objects.get(endorsement=endorsement)
    assert (review.actor, review.action, review.from_status, review.to_status, review.note) == (
        curator,
        "verified",
        "pending",
        "verified",
        "Checked with MI-AIMH",
    )
    assert review.created_at is not None
    history = client.get("/curate/?status=verified").content.decode()
    assert "casey: verified (Pending verification → Verified)" in history


def test_curator_revokes_an_endorsement_and_the_listing_stops_showing_it(client, curator, api_client):
    endorsement = EndorsementFactory()
    provider_id = endorsement.provider_id
    assert api_client.get(f"/api/v1/providers/{provider_id}/").json()["endorsed"] is True
    client.force_login(curator)
    url = f"/curate/endorsements/{endorsement.pk}/revoke/"
    # The curate page links to a confirmation page that asks for the reason.
    assert url in client.get("/curate/?status=verified").content.decode()
    confirm = client.get(url).content.decode()
    assert "Reason (required)" in confirm and endorsement.provider.name in confirm
    # No reason, or no confirmation: the page asks again and nothing changes.
    refused = client.post(url, {"confirm": "revoke", "note": "  "})
    assert refused.status_code == 400 and "Give the reason" in refused.content.decode()
    assert client.post(url, {"note": "Lapsed membership"}).status_code == 400
    endorsement.refresh_from_db()
    assert endorsement.status == "verified"

    done = client.post(url, {"confirm": "revoke", "note": "Lapsed membership"}, follow=True)

    assert "no longer shows as endorsed" in done.content.decode()  # says what it did
    endorsement.refresh_from_db()
    assert endorsement.status == "revoked"
    assert EndorsementReview.objects.filter(
        endorsement=endorsement, action="revoked", actor=curator, note="Lapsed membership"
    ).exists()
    assert api_client.get(f"/api/v1/providers/{provider_id}/").json()["endorsed"] is False


def test_an_expired_endorsement_cannot_be_verified(client, curator):
    endorsement = EndorsementFactory(
        status="pending", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(curator)

    response = client.post(f"/curate/endorsements/{endorsement.pk}/verify/", follow=True)

    assert "has expired" in response.content.decode()
    endorsement.refresh_from_db()
    assert endorsement.status == "pending" and not endorsement.reviews.exists()


def test_people_who_are_not_curators_cannot_curate(client):
    endorsement = EndorsementFactory(status="pending")
    assert client.get("/curate/").status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get("/curate/").status_code == 403
    assert client.post(f"/curate/endorsements/{endorsement.pk}/verify/").status_code == 403
    endorsement.refresh_from_db()
    assert endorsement.status == "pending"


def test_admin_status_change_is_recorded_with_who_and_when(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    endorsement = EndorsementFactory(status="pending")
    client.force_login(admin)
    url = f"/admin/directory/endorsement/{endorsement.pk}/change/"
    form = {
        "provider": endorsement.provider_id,
        "category": endorsement.category,
        "credential_number": endorsement.credential_number,
        "issuing_association": endorsement.issuing_association,
        "issued_on": endorsement.issued_on.isoformat(),
        "expires_on": endorsement.expires_on.isoformat(),
        "status": "verified",
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
        "reviews-MIN_NUM_FORMS": "0",
        "reviews-MAX_NUM_FORMS": "1000",
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    endorsement.refresh_from_db()
    assert endorsement.status == "verified" and endorsement.status_changed_by == admin
    review = endorsement.reviews.get()
    assert (review.actor, review.action, review.from_status) == (admin, "verified", "pending")


def test_admin_bulk_revoke_action_records_each_change(client):
    admin = UserFactory(username="root2", is_staff=True, is_superuser=True)
    endorsements = [EndorsementFactory(), EndorsementFactory()]
    client.force_login(admin)

    client.post(
        "/admin/directory/endorsement/",
        {"action": "revoke_selected", "_selected_action": [e.pk for e in endorsements]},
    )

    assert set(Endorsement.objects.values_list("status", flat=True)) == {"revoked"}
    assert EndorsementReview.objects.filter(action="revoked", actor=admin).count() == 2


def test_admin_pages_for_the_directory_load(client):
    admin = UserFactory(username="root3", is_staff=True, is_superuser=True)
    endorsement = EndorsementFactory()
    LocationFactory(provider=endorsement.provider)
    client.force_login(admin)
    for url in (
        "/admin/directory/provider/",
        f"/admin/directory/provider/{endorsement.provider_id}/change/",
        "/admin/directory/endorsement/",
        "/admin/directory/endorsementreview/",
        "/admin/directory/organization/",
    ):
        assert client.get(url).status_code == 200, url


def test_renaming_an_organization_in_the_admin_keeps_text_search_right(client, api_client):
    admin = UserFactory(username="root4", is_staff=True, is_superuser=True)
    provider = ProviderFactory(name="Kim Park", user=None)
    org = provider.organization
    client.force_login(admin)

    response = client.post(
        f"/admin/directory/organization/{org.pk}/change/",
        {"name": "Bluebird Family Clinic", "description": "", "email": "", "phone": "", "website": ""},
    )

    assert response.status_code == 302
    found = api_client.get("/api/v1/providers/", {"q": "Bluebird"}).json()["results"]
    assert [r["name"] for r in found] == ["Kim Park"]


def test_a_curators_note_over_the_limit_is_refused_never_cut(client, curator):
    """The reason is recorded whole in the history: one over the limit is refused beside
    the field, with what was typed kept, and nothing changes (it used to be cut)."""
    endorsement = EndorsementFactory()
    client.force_login(curator)
    url = f"/curate/endorsements/{endorsement.pk}/revoke/"
    long_reason = "Membership lapsed; " + "x" * 1990  # 2,009 characters

    refused = client.post(url, {"confirm": "revoke", "note": long_reason})

    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Keep the note to 2000 characters or fewer (it has 2009)." in page
    assert long_reason in page  # the textarea keeps it
    endorsement.refresh_from_db()
    assert endorsement.status == "verified"
    assert not EndorsementReview.objects.filter(endorsement=endorsement).exists()

    pending = EndorsementFactory(status="pending")
    verify = client.post(f"/curate/endorsements/{pending.pk}/verify/", {"note": "y" * 2001}, follow=True)
    assert "Keep the note to 2000 characters or fewer (it has 2001)." in verify.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"

    done = client.post(url, {"confirm": "revoke", "note": long_reason[:2000]})
    assert done.status_code == 302
    assert EndorsementReview.objects.get(endorsement=endorsement).note == long_reason[:2000]
