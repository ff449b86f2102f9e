"""An IDOR walk over every listing endpoint that takes an id (capacity, edit, confirm,
claims, flags, model credentials, the curators' queues): as every signed-in stranger and
anonymously. Nobody changes someone else's listing or its model credentials, decides a
claim, a flag or a credential, and the queues are never shown."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from directory.models import ListingClaim, ListingFlag, ModelCredential, Provider

pytestmark = pytest.mark.django_db

STRANGERS = ["guardian", "guardian2", "outsider", "pediatrician", "network_lead", "anonymous"]


def state(listing: Provider, claim: ListingClaim, flag: ListingFlag) -> tuple:
    listing.refresh_from_db()
    claim.refresh_from_db()
    flag.refresh_from_db()
    return (
        listing.capacity,
        listing.waitlist_weeks,
        listing.capacity_as_of,
        listing.phone,
        listing.hours,
        listing.assured_date,
        listing.user_id,
        claim.status,
        flag.status,
        ListingClaim.objects.count(),
        sorted(
            ModelCredential.objects.values_list("provider_id", "code", "status", "verification", "expires_on")
        ),
    )


@pytest.fixture
def walk(demo):
    listing = demo["providers"]["imh_clinician"]
    unclaimed = Provider.objects.get(name="Willow Family Therapy")
    claimant = User.objects.create_user("claimant", "claimant@example.org", "x")
    claim = ListingClaim.objects.create(provider=unclaimed, user=claimant)
    flag = ListingFlag.objects.filter(provider=unclaimed).get()
    return listing, claim, flag


def test_nobody_changes_another_listing_or_decides_the_queue(walk):
    listing, claim, flag = walk
    hanen = ModelCredential.objects.get(code="hanen", verification="pending")
    before = state(listing, claim, flag)
    api_writes = [
        ("put", f"/api/v1/providers/{listing.pk}/capacity/", {"capacity": "no_capacity"}),
        ("post", f"/api/v1/listing-claims/{claim.pk}/approve/", {}),
        ("post", f"/api/v1/listing-claims/{claim.pk}/reject/", {}),
        ("post", f"/api/v1/listing-flags/{flag.pk}/resolve/", {"note": "done"}),
        ("post", f"/api/v1/providers/{listing.pk}/models/", {"code": "cpp", "status": "in_training"}),
        ("delete", f"/api/v1/providers/{listing.pk}/models/cos/", {}),
        ("post", f"/api/v1/curation/models/{hanen.pk}/verify/", {}),
        ("post", f"/api/v1/curation/models/{hanen.pk}/reject/", {"note": "no"}),
    ]
    web_writes = [
        (f"/providers/{listing.pk}/edit/", {"phone": "0", "hours": "never"}),
        (f"/providers/{listing.pk}/confirm/", {}),
        (f"/curate/listings/claims/{claim.pk}/approve/", {}),
        (f"/curate/listings/claims/{claim.pk}/reject/", {}),
        (f"/curate/listings/flags/{flag.pk}/resolve/", {"note": "done"}),
        (f"/providers/{listing.pk}/models/", {"code": "cpp", "status": "in_training"}),
        (f"/providers/{listing.pk}/models/cos/remove/", {}),
        (f"/curate/models/{hanen.pk}/verify/", {}),
        (f"/curate/models/{hanen.pk}/reject/", {"note": "no"}),
    ]
    for who in STRANGERS:
        api, web = APIClient(), Client()
        if who != "anonymous":
            user = User.objects.get(username=who)
            api.force_authenticate(user)
            web.force_login(user)
        for method, url, body in api_writes:
            response = getattr(api, method)(url, body, format="json")
            assert response.status_code == 403, (who, url, response.status_code)
            assert response.json()["code"] in ("forbidden", "not_authenticated", "permission_denied")
        for url, body in web_writes:
            response = web.post(url, body)
            assert response.status_code in (302, 403), (who, url)
            if response.status_code == 302:
                assert who == "anonymous" and "/accounts/login/" in response["Location"]
        assert api.get("/api/v1/curation/listings/").status_code == 403
        page = web.get("/curate/listings/")
        assert page.status_code in (302, 403) and "Willow" not in page.content.decode()
        edit = web.get(f"/providers/{listing.pk}/edit/")
        assert edit.status_code in (302, 403)
        assert api.get(f"/api/v1/providers/{listing.pk}/models/").status_code == 403
        assert api.get("/api/v1/curation/models/").status_code == 403
        for page_url in (f"/providers/{listing.pk}/models/", "/curate/models/"):
            page = web.get(page_url)
            assert page.status_code in (302, 403) and "Hanen" not in page.content.decode()
        assert state(listing, claim, flag) == before, who
