"""Capacity, listing freshness, claims and flags: what a family, a provider and a
curator see and can do."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils.html import escape

from directory.models import ListingClaim, ListingFlag, Provider, directory_today
from directory.roles import provider_of
from directory.tasks import request_listing_confirmation
from outbox.models import OutboxMessage
from people.roles import COORDINATOR_GROUP
from tests.directory.conftest import names
from tests.directory.test_hsds import assert_valid
from tests.factories.base import UserFactory
from tests.factories.directory import LocationFactory, ProviderFactory
from tests.factories.families import GuardianFactory
from tests.factories.referrals import referral_world, send

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return directory_today() - datetime.timedelta(days=n)


def set_capacity(api_client, provider, **body):
    api_client.force_authenticate(provider.user)
    response = api_client.put(f"/api/v1/providers/{provider.pk}/capacity/", body, format="json")
    api_client.force_authenticate(None)
    return response


# --- capacity ----------------------------------------------------------------------------


def test_a_provider_sets_a_waitlist_and_search_results_carry_it(api_client):
    provider = ProviderFactory(name="Wait Listed")
    response = set_capacity(
        api_client, provider, capacity="waitlist", waitlist_weeks=6, capacity_note="Call us"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["capacity"] == "waitlist" and body["waitlist_weeks"] == 6
    assert body["accepting_new_families"] is False
    assert "Waitlist about 6 weeks" in body["detail"]

    result = api_client.get("/api/v1/providers/", {"capacity": "waitlist"}).json()["results"]
    assert [(r["name"], r["capacity"], r["waitlist_weeks"]) for r in result] == [
        ("Wait Listed", "waitlist", 6)
    ]
    assert result[0]["capacity_as_of"] == directory_today().isoformat()
    assert result[0]["accepting_new_families"] is False


def test_capacity_needs_weeks_for_a_waitlist_and_refuses_unknown_codes(api_client):
    provider = ProviderFactory()
    missing = set_capacity(api_client, provider, capacity="waitlist")
    assert missing.status_code == 400 and missing.json()["field"] == "waitlist_weeks"
    wrong = set_capacity(api_client, provider, capacity="unknown")
    assert wrong.status_code == 400 and wrong.json()["field"] == "capacity"
    future = set_capacity(
        api_client,
        provider,
        capacity="accepting",
        capacity_as_of=(directory_today() + datetime.timedelta(days=2)).isoformat(),
    )
    assert future.status_code == 400 and future.json()["field"] == "capacity_as_of"
    provider.refresh_from_db()
    assert provider.capacity == ""  # nothing was half-saved


def test_only_the_provider_or_a_curator_sets_capacity(api_client):
    provider = ProviderFactory()
    other = ProviderFactory()
    api_client.force_authenticate(other.user)
    assert (
        api_client.put(f"/api/v1/providers/{provider.pk}/capacity/", {"capacity": "accepting"}).status_code
        == 403
    )
    curator = UserFactory(is_staff=True)
    api_client.force_authenticate(curator)
    assert (
        api_client.put(f"/api/v1/providers/{provider.pk}/capacity/", {"capacity": "accepting"}).status_code
        == 200
    )


def test_capacity_older_than_30_days_reads_unknown_everywhere(api_client, client):
    fresh = ProviderFactory(name="Fresh", capacity="accepting", capacity_as_of=days_ago(30))
    old = ProviderFactory(name="Old", capacity="accepting", capacity_as_of=days_ago(31))
    never = ProviderFactory(name="Never")
    assert old.accepting_new_families is True  # the yes/no flag follows the last answer

    def capacity_of(name: str) -> str:
        results = api_client.get("/api/v1/providers/").json()["results"]
        return next(r["capacity"] for r in results if r["name"] == name)

    assert [capacity_of(n) for n in ("Fresh", "Old", "Never")] == ["accepting", "unknown", "unknown"]
    assert names(api_client.get("/api/v1/providers/", {"capacity": "accepting"})) == ["Fresh"]
    assert names(api_client.get("/api/v1/providers/", {"capacity": "unknown"})) == ["Never", "Old"]
    assert names(api_client.get("/api/v1/providers/", {"capacity": "accepting,unknown"})) == [
        "Fresh",
        "Never",
        "Old",
    ]
    assert api_client.get(f"/api/v1/providers/{old.pk}/").json()["capacity"] == "unknown"
    page = client.get(f"/providers/{old.pk}/").content.decode()
    assert "Availability not confirmed recently" in page
    page = client.get(f"/providers/{fresh.pk}/").content.decode()
    assert "Taking new families" in page and "updated 30 days ago" in page
    assert never.capacity_shown == "unknown"


def test_an_unknown_capacity_code_is_a_400_naming_it(api_client):
    response = api_client.get("/api/v1/providers/", {"capacity": "accepting,full"})
    assert response.status_code == 400
    body = response.json()
    assert (
        body["code"] == "invalid_parameter" and body["parameter"] == "capacity" and "full" in body["detail"]
    )


def test_search_with_capacity_costs_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    for i in range(25):
        provider = ProviderFactory(
            name=f"P{i:02}", capacity="waitlist", waitlist_weeks=3, capacity_as_of=days_ago(1)
        )
        LocationFactory(provider=provider, zip="48104")
    with django_assert_max_num_queries(5):
        response = api_client.get("/api/v1/providers/", {"capacity": "waitlist,no_capacity", "page_size": 20})
    assert response.status_code == 200 and len(response.json()["results"]) == 20


def test_the_accepting_filter_keeps_working_and_follows_capacity(api_client):
    ProviderFactory(name="Yes", capacity="accepting", capacity_as_of=days_ago(2))
    ProviderFactory(name="No", capacity="no_capacity", capacity_as_of=days_ago(2))
    ProviderFactory(name="Legacy", accepting_new_families=True)  # never said: unknown, not accepting
    assert names(api_client.get("/api/v1/providers/", {"accepting": "true"})) == ["Yes"]
    assert names(api_client.get("/api/v1/providers/", {"accepting": "false"})) == ["No"]


# --- the profile a family can act on --------------------------------------------------


def test_the_profile_shows_how_to_reach_the_provider(client):
    provider = ProviderFactory(
        name="Reachable",
        phone="(734) 555-0142 ext 12",
        email="intake@example.org",
        website="https://example.org",
        hours="Mon-Fri 8am-5pm",
        capacity="waitlist",
        waitlist_weeks=6,
        capacity_as_of=days_ago(3),
    )
    LocationFactory(provider=provider, zip="48104", address_1="1 Main St", accessibility="Step-free entrance")
    page = client.get(f"/providers/{provider.pk}/").content.decode()
    assert 'href="tel:7345550142;ext=12"' in page
    assert 'href="mailto:intake@example.org"' in page
    assert 'href="https://example.org"' in page
    assert "Mon-Fri 8am-5pm" in page and "Step-free entrance" in page
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=1+Main+St" in page
    assert "Waitlist about 6 weeks" in page and "updated 3 days ago" in page
    assert f'href="/providers/{provider.pk}/report/"' in page
    detail = client.get(f"/api/v1/providers/{provider.pk}/").json()
    assert detail["website"] == "https://example.org" and detail["hours"] == "Mon-Fri 8am-5pm"
    assert detail["locations"][0]["accessibility"] == "Step-free entrance"


def test_the_search_card_shows_the_capacity_line(client):
    ProviderFactory(name="Card", capacity="no_capacity", capacity_as_of=days_ago(0))
    page = client.get("/", {"capacity": "no_capacity"}).content.decode()
    assert "Card" in page and "Not taking new families now" in page and "updated today" in page
    assert 'value="no_capacity" selected' in page


# --- freshness -------------------------------------------------------------------------


def test_stale_and_last_verified_on_are_on_every_result_and_detail(api_client):
    ProviderFactory(name="Checked", assured_date=days_ago(365))
    ProviderFactory(name="Stale", assured_date=days_ago(366))
    ProviderFactory(name="Never checked")
    results = {r["name"]: r for r in api_client.get("/api/v1/providers/").json()["results"]}
    assert {n: (r["last_verified_on"] is not None, r["stale"]) for n, r in results.items()} == {
        "Checked": (True, False),
        "Stale": (True, True),
        "Never checked": (False, True),
    }


def test_a_provider_edits_and_confirms_its_listing(client):
    provider = ProviderFactory(assured_date=days_ago(400), phone="1", services=["feeding", "sleep & play"])
    client.force_login(provider.user)
    page = client.get(f"/providers/{provider.pk}/edit/")
    assert page.status_code == 200 and "Confirm my listing is correct" in page.content.decode()
    assert ">feeding\nsleep &amp; play</textarea>" in page.content.decode()
    bad = client.post(
        f"/providers/{provider.pk}/edit/",
        {
            "phone": "734 555 0100",
            "website": "not a url",
            "hours": "Tue 9-5",
            "services": "x",
            "languages": "en",
        },
    )
    assert bad.status_code == 400 and 'value="734 555 0100"' in bad.content.decode()  # what was typed stays
    saved = client.post(
        f"/providers/{provider.pk}/edit/",
        {
            "phone": "734 555 0100",
            "website": "https://ok.example.org",
            "hours": "Tue 9-5",
            "services": "play therapy\nparent coaching",
            "languages": "en, es",
            "capacity": "assessment_required",
        },
        follow=True,
    )
    text = saved.content.decode()
    assert "Saved: phone, website, hours, services, languages." in text
    assert "Assessment needed first" in text
    provider.refresh_from_db()
    assert provider.services == ["play therapy", "parent coaching"] and provider.language_codes == [
        "en",
        "es",
    ]
    assert provider.stale
    confirmed = client.post(f"/providers/{provider.pk}/confirm/", follow=True)
    assert "marked as checked today" in confirmed.content.decode()
    provider.refresh_from_db()
    assert provider.last_verified_on == directory_today() and not provider.stale


def test_someone_else_cannot_open_the_edit_page(client):
    provider = ProviderFactory()
    client.force_login(ProviderFactory().user)
    assert client.get(f"/providers/{provider.pk}/edit/").status_code == 403
    assert client.post(f"/providers/{provider.pk}/confirm/").status_code == 403


T0 = datetime.datetime(2027, 6, 1, 14, 0, tzinfo=datetime.UTC)


def test_the_12_month_job_asks_each_stale_provider_once_per_staleness_period():
    with time_machine.travel(T0, tick=False):
        today = directory_today()
        stale = ProviderFactory(name="Stale", assured_date=today - datetime.timedelta(days=366))
        fresh = ProviderFactory(name="Fresh", assured_date=today - datetime.timedelta(days=300))
        ProviderFactory(name="Unclaimed", user=None)  # no one to ask: the curators' queue has it
        request_listing_confirmation.apply()
        request_listing_confirmation.apply()
        mails = list(OutboxMessage.objects.filter(kind="listing.confirm"))
        assert [m.to_address for m in mails] == [stale.user.email]
        assert f"/providers/{stale.pk}/edit/" in mails[0].body
    with time_machine.travel(T0 + datetime.timedelta(days=70), tick=False):
        request_listing_confirmation.apply()
        request_listing_confirmation.apply()
        # Now the other listing went stale too; the first is not asked again.
        assert [
            m.to_address for m in OutboxMessage.objects.filter(kind="listing.confirm").order_by("id")
        ] == [
            stale.user.email,
            fresh.user.email,
        ]
        # A confirmation starts a new period; a year and a day later it is asked again.
        Provider.objects.filter(pk=stale.pk).update(assured_date=directory_today())
    with time_machine.travel(T0 + datetime.timedelta(days=70 + 366), tick=False):
        request_listing_confirmation.apply()
        request_listing_confirmation.apply()
        assert OutboxMessage.objects.filter(kind="listing.confirm", to_address=stale.user.email).count() == 2


# --- claims and flags --------------------------------------------------------------------


def test_an_account_claims_an_unclaimed_listing_and_a_curator_approves(api_client):
    listing = ProviderFactory(name="Unclaimed", user=None)
    claimant, rival = UserFactory(), UserFactory()
    api_client.force_authenticate(claimant)
    response = api_client.post(
        f"/api/v1/providers/{listing.pk}/claim/", {"note": "My practice"}, format="json"
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    again = api_client.post(f"/api/v1/providers/{listing.pk}/claim/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "claim_pending"
    api_client.force_authenticate(rival)
    rival_claim = api_client.post(f"/api/v1/providers/{listing.pk}/claim/", {}, format="json").json()

    curator = UserFactory(is_staff=True)
    api_client.force_authenticate(curator)
    queue = api_client.get("/api/v1/curation/listings/").json()
    assert [c["provider_name"] for c in queue["claims"]] == ["Unclaimed", "Unclaimed"]
    approved = api_client.post(f"/api/v1/listing-claims/{response.json()['id']}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert provider_of(User.objects.get(pk=claimant.pk)) == listing
    assert ListingClaim.objects.get(pk=rival_claim["id"]).status == "rejected"
    told = {m.to_address: m.subject for m in OutboxMessage.objects.filter(kind="listing.claim")}
    assert told == {
        claimant.email: "Your directory listing is yours",
        rival.email: "Your claim of a directory listing was not approved",
    }
    twice = api_client.post(f"/api/v1/listing-claims/{response.json()['id']}/approve/", {}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "invalid_transition"
    api_client.force_authenticate(UserFactory())
    taken = api_client.post(f"/api/v1/providers/{listing.pk}/claim/", {}, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "listing_claimed"


CLAIM_BUTTON = "This is my listing: claim it"


def coordinator_account() -> User:
    account = UserFactory()
    account.groups.add(Group.objects.get_or_create(name=COORDINATOR_GROUP)[0])
    return account


@pytest.mark.parametrize("who", ["anonymous", "plain account", "provider", "guardian", "coordinator"])
def test_the_profile_offers_claim_exactly_when_the_api_would_take_it(client, api_client, who):
    listing = ProviderFactory(name="Unclaimed", user=None)
    account = {
        "anonymous": lambda: None,
        "plain account": UserFactory,
        "provider": lambda: ProviderFactory().user,
        "guardian": lambda: GuardianFactory().user,
        "coordinator": coordinator_account,
    }[who]()
    if account is not None:
        client.force_login(account)
        api_client.force_authenticate(account)
    offered = CLAIM_BUTTON in client.get(f"/providers/{listing.pk}/").content.decode()
    taken = api_client.post(f"/api/v1/providers/{listing.pk}/claim/", {}, format="json").status_code == 201
    assert offered == taken == (who == "plain account")


def test_a_care_coordinator_cannot_claim_a_listing(client, api_client):
    """A coordinator routes families' requests to providers; holding a listing too, they
    could route a family to themselves. Refused like a family account: 403 with a code."""
    listing = ProviderFactory(name="Unclaimed", user=None)
    coordinator = coordinator_account()
    api_client.force_authenticate(coordinator)
    refused = api_client.post(f"/api/v1/providers/{listing.pk}/claim/", {"note": "Mine"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_a_provider_account"
    client.force_login(coordinator)
    page = client.post(f"/providers/{listing.pk}/claim/", {"note": "Mine"}, follow=True)
    assert page.status_code == 200
    said = escape("A care coordinator's account cannot claim a provider's listing.")
    assert said in page.content.decode()
    assert CLAIM_BUTTON not in page.content.decode()
    assert not ListingClaim.objects.exists()


def test_anyone_flags_a_listing_throttled_per_address_and_a_curator_resolves(api_client, client, settings):
    settings.API_THROTTLE_FLAG = "3/hour"
    listing = ProviderFactory(name="Wrong number")
    for _ in range(3):
        ok = api_client.post(
            f"/api/v1/providers/{listing.pk}/flag/", {"reason": "phone_wrong"}, format="json"
        )
        assert ok.status_code == 201
    refused = api_client.post(f"/api/v1/providers/{listing.pk}/flag/", {"reason": "closed"}, format="json")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled" and refused.json()["retry_after_seconds"] > 0
    other = api_client.post(
        f"/api/v1/providers/{listing.pk}/flag/", {"reason": "other"}, format="json", REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 400 and other.json()["field"] == "note"
    assert ListingFlag.objects.count() == 3

    curator = UserFactory(is_staff=True)
    client.force_login(curator)
    page = client.get("/curate/listings/").content.decode()
    assert "3 problems reported" in page and "Wrong number" in page
    flag = ListingFlag.objects.first()
    done = client.post(
        f"/curate/listings/flags/{flag.pk}/resolve/", {"note": "Fixed the number"}, follow=True
    )
    assert "Resolved the report on “Wrong number”: Fixed the number" in done.content.decode()
    flag.refresh_from_db()
    assert flag.status == "resolved" and flag.resolved_by == curator


def test_the_report_form_on_the_profile_sends_a_flag(client):
    listing = ProviderFactory(name="Closed place")
    page = client.get(f"/providers/{listing.pk}/report/")
    assert page.status_code == 200 and "Report a problem with this listing" in page.content.decode()
    sent = client.post(f"/providers/{listing.pk}/report/", {"reason": "closed", "note": ""}, follow=True)
    assert "A curator will check this listing" in sent.content.decode()
    assert ListingFlag.objects.get().reason == "closed"


# --- dashboard, referral warning, HSDS --------------------------------------------------


def test_the_dashboard_form_sets_capacity_and_says_what_changed(client):
    provider = ProviderFactory(capacity="accepting", capacity_as_of=days_ago(2))
    client.force_login(provider.user)
    dashboard = client.get("/dashboard/").content.decode()
    assert "Can you take new families?" in dashboard and 'action="/my-listing/capacity/"' in dashboard
    response = client.post(
        "/my-listing/capacity/", {"capacity": "waitlist", "waitlist_weeks": "6"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("/dashboard/")
    assert (
        "Capacity changed from “Taking new families” to “Waitlist about 6 weeks”."
        in response.content.decode()
    )
    bad = client.post("/my-listing/capacity/", {"capacity": "waitlist"}, follow=True)
    assert "Capacity not changed" in bad.content.decode()
    provider.refresh_from_db()
    assert (provider.capacity, provider.waitlist_weeks) == ("waitlist", 6)


def test_a_referral_to_a_provider_with_no_capacity_is_sent_with_the_warning_recorded(client):
    world = referral_world()
    Provider.objects.filter(pk=world.recipient.pk).update(capacity="no_capacity", capacity_as_of=days_ago(1))
    referral = send(world)
    event = referral.events.get(to_status="sent")
    assert "not taking new families" in event.note
    client.force_login(world.referrer.user)
    form = client.get("/referrals/new/").content.decode()
    assert 'id="capacity-warning"' in form and "capacity_warning.js" in form


def test_the_hsds_export_carries_capacity_contact_and_still_validates(tmp_path):
    provider = ProviderFactory(
        name="Exported",
        user=None,
        website="https://x.example.org",
        hours="Mon 9-5",
        capacity="waitlist",
        waitlist_weeks=4,
        capacity_as_of=days_ago(1),
    )
    LocationFactory(provider=provider, zip="48104", accessibility="Lift")
    ProviderFactory(name="Old answer", user=None, capacity="accepting", capacity_as_of=days_ago(60))
    call_command("export_hsds", str(tmp_path), stdout=StringIO())
    services = {s["name"]: s for s in json.loads((tmp_path / "services.json").read_text())}
    for service in services.values():
        assert_valid("service.json", service)
    exported = services["Exported"]
    (capacity,) = exported["capacities"]
    assert capacity["available"] == 0 and capacity["description"].startswith("waitlist")
    assert capacity["unit"]["identifier"] == "new_families" and capacity["updated"].startswith(
        days_ago(1).isoformat()
    )
    assert exported["url"] == "https://x.example.org" and exported["schedules"][0]["description"] == "Mon 9-5"
    assert exported["service_at_locations"][0]["location"]["accessibility"][0]["description"] == "Lift"
    assert "capacities" not in services["Old answer"]

    Provider.objects.all().delete()
    call_command("import_directory", str(tmp_path / "services.json"), stdout=StringIO())
    again = Provider.objects.get(name="Exported")
    assert (again.website, again.hours, again.locations.get().accessibility) == (
        "https://x.example.org",
        "Mon 9-5",
        "Lift",
    )
