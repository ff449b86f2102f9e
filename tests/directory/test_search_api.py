"""A family (or a program) searches the public directory: every filter, its edges, and
the refusals that tell the caller what to fix."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from directory.geo import haversine_miles, zip_centroid
from directory.models import Endorsement, directory_today, join_codes
from directory.services import endorsement_set_status, endorsements_delete
from tests.directory.conftest import destination, names
from tests.factories.directory import (
    EndorsementFactory,
    LocationFactory,
    OrganizationFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def listing(name: str, **fields):
    return ProviderFactory(name=name, user=None, **fields)


def test_anyone_can_search_without_signing_in_and_sees_the_contract_fields(search):
    provider = listing(
        "Lucia Romero",
        languages=join_codes(["en", "es"]),
        payment_options=join_codes(["medicaid"]),
        services=["child-parent psychotherapy"],
        ages_min_months=0,
        ages_max_months=60,
        telehealth=True,
        capacity="accepting",
        capacity_as_of=directory_today(),
    )
    LocationFactory(provider=provider, zip="48104")
    EndorsementFactory(provider=provider)

    body = search().json()

    assert body["count"] == 1 and {"next", "previous"} <= set(body)
    result = body["results"][0]
    assert result["name"] == "Lucia Romero"
    assert result["organization"]["name"] == provider.organization.name
    assert result["languages"] == ["en", "es"]
    assert result["payment_options"] == ["medicaid"]
    assert result["ages_served"] == {"min_months": 0, "max_months": 60}
    assert result["telehealth"] is True and result["accepting_new_families"] is True
    assert result["locations"][0]["zip"] == "48104"
    assert result["endorsements"][0]["category"] == "infant_mental_health_specialist"
    assert result["endorsements"][0]["status"] == "verified"
    assert "distance_miles" not in result  # only when near is given


def test_text_search_matches_name_organization_services_and_specialties(search):
    listing("Ana Feeding-Expert")
    listing("Ben Org", organization=OrganizationFactory(name="Harbor Infant Family Center"))
    listing("Cara Services", services=["speech therapy for late talkers"])
    listing("Dan Specialties", specialties=["foster and adoptive families"])
    listing("Eve Nothing", services=["well-child visits"])

    assert names(search(q="Harbor")) == ["Ben Org"]
    assert names(search(q="speech")) == ["Cara Services"]
    assert names(search(q="adoptive")) == ["Dan Specialties"]
    assert names(search(q="Cara")) == ["Cara Services"]
    # Several words must all match.
    assert names(search(q="speech talkers")) == ["Cara Services"]
    assert names(search(q="speech adoptive")) == []


def test_discipline_language_payment_accepting_and_telehealth_filters(search):
    listing(
        "A", discipline="pediatrician", languages="|en|es|", payment_options="|medicaid|", telehealth=True
    )
    listing(
        "B",
        discipline="social_worker",
        languages="|en|",
        payment_options="|self_pay|",
        capacity="no_capacity",
        capacity_as_of=directory_today(),
    )
    listing(
        "C",
        discipline="pediatrician",
        languages="|es|vi|",
        payment_options="|medicaid|sliding_scale|",
        capacity="accepting",
        capacity_as_of=directory_today(),
    )

    assert names(search(discipline="pediatrician")) == ["A", "C"]
    assert names(search(language="es")) == ["A", "C"]
    assert names(search(language="vi")) == ["C"]
    assert names(search(payment="medicaid")) == ["A", "C"]
    assert names(search(payment="sliding_scale")) == ["C"]
    assert names(search(accepting="true")) == ["C"]  # A never said: unknown is not accepting
    assert names(search(accepting="false")) == ["B"]
    assert names(search(telehealth="true")) == ["A"]
    assert names(search(telehealth="false")) == ["B", "C"]
    assert names(search(discipline="pediatrician", language="vi", payment="medicaid")) == ["C"]


def test_age_range_is_inclusive_at_both_ends(search):
    listing("Toddlers", ages_min_months=12, ages_max_months=36)

    assert names(search(age_months=12)) == ["Toddlers"]
    assert names(search(age_months=36)) == ["Toddlers"]
    assert names(search(age_months=11)) == []
    assert names(search(age_months=37)) == []
    assert names(search(age_months=0)) == []


def test_near_a_zip_keeps_providers_within_the_radius_and_says_how_far(search):
    ann_arbor = LocationFactory(provider=listing("Ann Arbor"), zip="48104")
    LocationFactory(provider=listing("Detroit"), zip="48226", city="Detroit")
    LocationFactory(provider=listing("Marquette"), zip="49855", city="Marquette")
    lat, lng = zip_centroid("48104")

    body = search(near="48104").json()
    assert [r["name"] for r in body["results"]] == ["Ann Arbor"]
    assert body["results"][0]["distance_miles"] == pytest.approx(
        haversine_miles(lat, lng, ann_arbor.lat, ann_arbor.lng), abs=0.01
    )
    # Detroit is ~36 miles away: inside 50, ordered by distance by default.
    assert names(search(near="48104", radius_miles=50)) == ["Ann Arbor", "Detroit"]
    assert names(search(near=f"{lat},{lng}", radius_miles=50)) == ["Ann Arbor", "Detroit"]


def test_radius_boundary_is_exact_great_circle_distance(search):
    origin = (40.0, -100.0)
    for label, miles, bearing in [
        ("inside N", 9.99, 0),
        ("outside N", 10.01, 0),
        ("inside NE", 9.99, 45),
        ("outside NE", 10.01, 45),
        ("inside SW", 9.99, 225),
    ]:
        lat, lng = destination(*origin, bearing, miles)
        LocationFactory(provider=listing(label), lat=lat, lng=lng, zip="69001")

    body = search(near="40.0,-100.0", radius_miles=10).json()

    assert sorted(r["name"] for r in body["results"]) == ["inside N", "inside NE", "inside SW"]
    for result in body["results"]:
        assert result["distance_miles"] == pytest.approx(9.99, abs=0.01)


def test_a_provider_with_two_offices_appears_once_at_its_nearest_distance(search):
    provider = listing("Two offices")
    LocationFactory(provider=provider, zip="48226", city="Detroit")
    LocationFactory(provider=provider, zip="48104")

    body = search(near="48104", radius_miles=50).json()

    assert body["count"] == 1
    assert body["results"][0]["distance_miles"] < 2
    assert len(body["results"][0]["locations"]) == 2


def test_only_verified_unexpired_endorsements_are_ever_shown_or_matched(search, api_client):
    today = TODAY()
    verified = listing("Verified")
    EndorsementFactory(provider=verified)
    last_day = listing("Expires today")
    EndorsementFactory(provider=last_day, expires_on=today)
    expired = listing("Expired yesterday")
    EndorsementFactory(provider=expired, expires_on=today - datetime.timedelta(days=1))
    pending = listing("Pending")
    EndorsementFactory(provider=pending, status="pending")
    revoked = listing("Revoked")
    EndorsementFactory(provider=revoked, status="revoked")

    endorsed = search(endorsement="infant_mental_health_specialist")
    assert names(endorsed) == ["Expires today", "Verified"]

    everyone = {r["name"]: r for r in search().json()["results"]}
    for name in ("Expired yesterday", "Pending", "Revoked"):
        assert everyone[name]["endorsed"] is False
        assert everyone[name]["endorsements"] == []
    assert everyone["Verified"]["endorsed"] is True
    # The profile endpoint says the same.
    for provider in (expired, pending, revoked):
        body = api_client.get(f"/api/v1/providers/{provider.pk}/").json()
        assert body["endorsed"] is False and body["endorsements"] == []


def test_endorsement_filter_matches_the_category_asked_for(search):
    EndorsementFactory(provider=listing("IMH"), category="infant_mental_health_specialist")
    EndorsementFactory(provider=listing("ECMH"), category="early_childhood_mental_health_specialist")

    assert names(search(endorsement="early_childhood_mental_health_specialist")) == ["ECMH"]


def test_ordering_by_name_distance_and_most_recently_endorsed(search):
    today = TODAY()
    far = listing("Aaron Far")
    LocationFactory(provider=far, zip="48226", city="Detroit")
    near = listing("Zoe Near")
    LocationFactory(provider=near, zip="48104")
    EndorsementFactory(provider=far, issued_on=today - datetime.timedelta(days=30))
    EndorsementFactory(provider=near, issued_on=today - datetime.timedelta(days=900))
    listing("Mia Unendorsed")

    assert names(search(ordering="name")) == ["Aaron Far", "Mia Unendorsed", "Zoe Near"]
    assert names(search(near="48104", radius_miles=60)) == ["Zoe Near", "Aaron Far"]
    assert names(search(near="48104", radius_miles=60, ordering="name")) == ["Aaron Far", "Zoe Near"]
    assert names(search(ordering="-endorsed_since")) == ["Aaron Far", "Zoe Near", "Mia Unendorsed"]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("discipline", "wizard"),
        ("endorsement", "gold_star"),
        ("language", "spanish"),
        ("language", "e"),
        ("near", "1234"),
        ("near", "00000"),
        ("near", "somewhere"),
        ("near", "91,0"),
        ("near", "10,200"),
        ("radius_miles", "0"),
        ("radius_miles", "-5"),
        ("radius_miles", "500.01"),
        ("radius_miles", "far"),
        ("radius_miles", "nan"),
        ("age_months", "-1"),
        ("age_months", "two"),
        ("accepting", "maybe"),
        ("telehealth", "2"),
        ("payment", "bitcoin"),
        ("ordering", "rating"),
        ("ordering", "distance"),  # needs near
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(search, parameter, value):
    response = search(**{parameter: value})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameter"
    assert body["parameter"] == parameter
    assert body["detail"]


def test_odd_text_never_breaks_the_search(search, api_client):
    listing("Plain Name")
    for text in ["'; DROP TABLE x; --", "(((", '"unclosed', "!!! & | <->", "ü" * 199]:
        assert search(q=text).status_code == 200, text
        assert api_client.get("/hsds/services", {"search": text}).status_code == 200, text
    # A NUL byte is invalid text everywhere: a clear 400, never a 500 (docs/security.md).
    for text in ["\x00", "a\x00b"]:
        for response in (search(q=text), api_client.get("/hsds/services", {"search": text})):
            assert response.status_code == 400, text
            assert response.json()["code"] == "invalid_parameter"
    assert search(q="x" * 201).json()["parameter"] == "q"


def test_radius_of_exactly_500_is_allowed(search):
    assert search(near="48104", radius_miles=500).status_code == 200


def test_page_past_the_end_is_a_400_and_page_size_is_capped_at_100(search):
    for i in range(3):
        listing(f"P{i}")
    past = search(page=5)
    assert past.status_code == 400 and past.json()["parameter"] == "page"
    huge = search(page_size=100000)
    assert huge.status_code == 200 and len(huge.json()["results"]) == 3


def test_a_search_page_costs_at_most_5_queries_whatever_its_size(search, django_assert_max_num_queries):
    org = OrganizationFactory()
    for i in range(60):
        provider = listing(f"Provider {i:02d}", organization=org, languages="|en|es|")
        LocationFactory(provider=provider, zip="48104")
        LocationFactory(provider=provider, zip="48103")
        EndorsementFactory(provider=provider)
        EndorsementFactory(provider=provider, category="infant_family_specialist", status="pending")

    with django_assert_max_num_queries(5):
        response = search(
            q="Provider",
            near="48104",
            language="es",
            endorsement="infant_mental_health_specialist",
            page_size=50,
        )
    assert response.status_code == 200 and len(response.json()["results"]) == 50
    with django_assert_max_num_queries(5):
        response = search(page_size=100, ordering="-endorsed_since")
    assert len(response.json()["results"]) == 60


def test_detail_shows_the_listing_and_missing_ids_are_404(api_client):
    provider = listing("Detail", bio="Hello", specialties=["attachment"])
    LocationFactory(provider=provider, zip="48104", address_1="1 Main St")

    body = api_client.get(f"/api/v1/providers/{provider.pk}/").json()

    assert body["bio"] == "Hello" and body["specialties"] == ["attachment"]
    assert body["locations"][0]["address_1"] == "1 Main St"
    missing = api_client.get("/api/v1/providers/999999/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_endorsements_carry_their_id_the_key_of_the_verification_result(api_client):
    """CONTRACT: endorsements[{id, category, status, expires_on}], list and detail; the
    id is the key of /fhir/VerificationResult/{id}. The OpenAPI schema says so too."""
    provider = listing("Endorsed")
    endorsement = EndorsementFactory(provider=provider)
    expected = {
        "id": endorsement.pk,
        "category": endorsement.category,
        "status": "verified",
        "expires_on": endorsement.expires_on.isoformat(),
    }
    detail = api_client.get(f"/api/v1/providers/{provider.pk}/").json()
    assert detail["endorsements"] == [expected]
    listed = api_client.get("/api/v1/providers/", {"q": "Endorsed"}).json()["results"]
    assert [r["endorsements"] for r in listed if r["id"] == provider.pk] == [[expected]]
    fhir = api_client.get(f"/fhir/VerificationResult/{detail['endorsements'][0]['id']}").json()
    assert fhir["resourceType"] == "VerificationResult" and fhir["id"] == str(endorsement.pk)

    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    ref = schema["components"]["schemas"]["ProviderDetailOutput"]["properties"]["endorsements"]["items"][
        "$ref"
    ]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert component["properties"]["id"]["type"] == "integer"
    assert {"id", "category", "status", "expires_on"} <= set(component["required"])


def test_anonymous_search_is_throttled(api_client, settings):
    from rest_framework.settings import api_settings

    rate = api_settings.DEFAULT_THROTTLE_RATES.get("anon")
    if not rate:
        pytest.skip("anonymous throttling is switched off in this environment (API_THROTTLE_ANON=off)")
    allowed = int(rate.split("/")[0])
    statuses = [
        api_client.get("/api/v1/providers/", {"page_size": 1}).status_code for _ in range(allowed + 1)
    ]
    assert statuses[:allowed] == [200] * allowed
    assert statuses[-1] == 429


def test_the_openapi_schema_documents_the_search_filters(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    params = {p["name"] for p in schema["paths"]["/api/v1/providers/"]["get"]["parameters"]}
    assert {
        "q",
        "discipline",
        "endorsement",
        "language",
        "near",
        "radius_miles",
        "age_months",
        "accepting",
        "telehealth",
        "payment",
        "ordering",
        "page",
        "page_size",
    } <= params


def test_postgresql_text_search_uses_a_gin_index_on_the_searchable_text():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only; SQLite uses the icontains fallback")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'directory_provider_search_vector'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition


def test_most_recently_endorsed_ordering_follows_revocation_expiry_and_deletion(search):
    today = TODAY()
    recent = listing("Recent")
    recent_endorsement = EndorsementFactory(provider=recent, issued_on=today - datetime.timedelta(days=10))
    older = listing("Older")
    EndorsementFactory(provider=older, issued_on=today - datetime.timedelta(days=500))
    lapsed = listing("Lapsed")
    EndorsementFactory(
        provider=lapsed,
        issued_on=today - datetime.timedelta(days=5),
        expires_on=today - datetime.timedelta(days=1),
    )
    listing("Aaron None")

    assert names(search(ordering="-endorsed_since")) == ["Recent", "Older", "Aaron None", "Lapsed"]

    # A curator revokes one, then an administrator deletes another: both through the
    # directory's services, which keep the listing's endorsed-since in step.
    endorsement_set_status(
        actor=None, endorsement_id=recent_endorsement.pk, status="revoked", check_policy=False
    )
    assert names(search(ordering="-endorsed_since")) == ["Older", "Aaron None", "Lapsed", "Recent"]

    endorsements_delete(endorsements=Endorsement.objects.filter(provider=older))
    assert names(search(ordering="-endorsed_since")) == ["Aaron None", "Lapsed", "Older", "Recent"]
