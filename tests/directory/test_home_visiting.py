"""Home visiting: a listing that visits families at home within a service area (ZIP
codes, counties or a radius). A family searching from a place inside the area finds it,
read as "Visits families at home in ..." rather than a distance; a home-visiting-only
listing's street address never reaches anything public (pages, API, HSDS, FHIR)."""

from __future__ import annotations

import json
import string
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from fhir.resources.R4B.practitioner import Practitioner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from directory import geo
from directory.models import Provider
from tests.directory.conftest import names
from tests.directory.test_hsds import assert_valid
from tests.factories.directory import EndorsementFactory, LocationFactory, ProviderFactory

pytestmark = pytest.mark.django_db

STREET = "4721 Quillfeather Lane"


def home_visitor(name="Nest Home Visiting", street=STREET, base_zip="48197", **area) -> Provider:
    """A home-visiting-only listing based in Ypsilanti (48197) unless told otherwise."""
    provider = ProviderFactory(
        name=name,
        user=None,
        at_site=False,
        home_visiting=True,
        phone="734-555-0142",
        bio="Infant mental health home visits.",
        **area,
    )
    city = {"48197": "Ypsilanti", "48104": "Ann Arbor"}.get(base_zip, "Somewhere")
    LocationFactory(provider=provider, zip=base_zip, city=city, address_1=street, name="Quillfeather office")
    EndorsementFactory(provider=provider)
    return provider


def clinic(name="Ann Arbor Clinic", zip_code="48104") -> Provider:
    provider = ProviderFactory(name=name, user=None)
    LocationFactory(provider=provider, zip=zip_code, address_1="1 Main St")
    return provider


# --- search: where the family is, against where the provider goes ---------------------


def test_a_family_in_a_listed_zip_finds_the_home_visitor_and_reads_no_distance(search):
    home_visitor(service_zips="|48197|48198|")
    clinic()

    body = search(near="48198").json()
    assert [r["name"] for r in body["results"]] == ["Nest Home Visiting", "Ann Arbor Clinic"]
    found = body["results"][0]
    assert found["visits_home_here"] is True and found["distance_miles"] is None
    assert found["service_delivery"] == ["home_visiting"]
    assert found["service_area"]["zips"] == ["48197", "48198"]
    assert found["locations"][0]["address"] is None and found["locations"][0]["lat"] is None
    assert body["results"][1]["visits_home_here"] is False

    # Ann Arbor is 6 miles from the base, but 48104 is not a ZIP it visits.
    assert names(search(near="48104")) == ["Ann Arbor Clinic"]


def test_a_family_in_a_listed_county_finds_it_wherever_in_the_county(search):
    home_visitor(service_counties="|MI:Washtenaw County|")

    assert names(search(near="48103")) == ["Nest Home Visiting"]  # Ann Arbor, Washtenaw
    assert names(search(near="Ann Arbor, MI")) == ["Nest Home Visiting"]
    assert names(search(near="48201")) == []  # Detroit is in Wayne County


def test_a_family_within_the_radius_finds_it_and_one_outside_does_not(search):
    home_visitor(
        service_radius_miles=10.0,
        service_center_lat=42.2325,
        service_center_lng=-83.6336,
        service_center_label="48197",
    )

    assert names(search(near="48198")) == ["Nest Home Visiting"]  # 2.7 miles from the centre
    assert names(search(near="48105", radius_miles="1")) == ["Nest Home Visiting"]  # 6.2 miles
    assert names(search(near="42.30,-83.70")) == ["Nest Home Visiting"]
    assert names(search(near="48201", radius_miles="100")) == []  # Detroit: 30 miles


def test_a_home_visiting_only_base_is_not_a_place_families_are_found_near(search):
    # Based in Ann Arbor but visiting only Marquette families: Ann Arbor finds nothing.
    home_visitor(base_zip="48104", service_zips="|49855|")
    assert names(search(near="48104")) == []
    assert names(search(near="49855")) == ["Nest Home Visiting"]


def test_a_listing_with_a_site_and_home_visits_is_found_both_ways(search):
    both = clinic(name="Both Ways")
    both.home_visiting = True
    both.service_zips = "|49855|"
    both.save()

    result = search(near="48104").json()["results"][0]
    assert result["name"] == "Both Ways" and result["distance_miles"] == 0.0
    assert result["visits_home_here"] is False
    assert result["locations"][0]["address"] == "1 Main St"
    far = search(near="49855").json()["results"][0]
    # Its site is 350 miles away, outside the search's radius: no distance, a home visit.
    assert far["visits_home_here"] is True and far["distance_miles"] is None


def test_the_search_page_says_it_visits_at_home_instead_of_a_distance(client):
    home_visitor(service_counties="|MI:Washtenaw County|")
    page = client.get("/", {"near": "48104"}).content.decode()
    assert "Visits families at home in Washtenaw County, MI" in page
    assert "miles away" not in page
    assert STREET not in page


def test_the_search_page_in_spanish_says_it_too(client):
    home_visitor(service_zips="|48197|")
    page = client.get("/", {"near": "48197"}, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Visita a las familias en su casa en el código postal 48197" in page


def test_a_home_visiting_search_page_costs_the_same_queries(client, django_assert_max_num_queries):
    for n in range(3):
        home_visitor(name=f"Home {n}", street=f"{n} Hidden Rd", service_zips="|48104|")
        clinic(name=f"Clinic {n}")
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/providers/", {"near": "48104"}).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get("/", {"near": "48104"}).status_code == 200


@pytest.mark.parametrize("exact_count_limit", [1000, 3])
def test_pages_nearest_first_put_home_visits_first_and_skip_no_listing(search, settings, exact_count_limit):
    """On PostgreSQL a small exact-count threshold sends a page through the KNN read of
    the GiST index (``directory/paging.py``); the order is the same either way, and a
    home-visiting-only base next door never stands in for a site."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = exact_count_limit
    home_visitor(base_zip="48104", service_counties="|MI:Washtenaw County|")
    zips = ["48170", "48111", "48198", "48197", "48108", "48103", "48105"]
    for zip_code in zips:
        clinic(name=f"Clinic {zip_code}", zip_code=zip_code)
    here = geo.zip_centroid("48104")
    by_miles = sorted(zips, key=lambda z: geo.haversine_miles(*here, *geo.zip_centroid(z)))

    results = search(near="48104", radius_miles="50", page_size="4").json()["results"]
    assert [r["name"] for r in results] == ["Nest Home Visiting", *(f"Clinic {z}" for z in by_miles[:3])]
    assert results[0]["distance_miles"] is None and results[0]["visits_home_here"] is True


# --- privacy: the street never leaves --------------------------------------------------


def public_outputs(provider: Provider, near_zip: str) -> dict[str, str]:
    """Every public output that can carry a listing, as text."""
    client, api = Client(), APIClient()
    outputs = {
        "profile": client.get(f"/providers/{provider.pk}/"),
        "search page": client.get("/", {"near": near_zip}),
        "search page by name": client.get("/", {"q": provider.name}),
        "search page in Spanish": client.get("/", {"near": near_zip}, HTTP_ACCEPT_LANGUAGE="es"),
        "api list near": api.get("/api/v1/providers/", {"near": near_zip}),
        "api list": api.get("/api/v1/providers/"),
        "api detail": api.get(f"/api/v1/providers/{provider.pk}/"),
        "hsds services": api.get("/hsds/services"),
        "hsds service": api.get(f"/hsds/services/{provider.hsds_id}"),
        "fhir practitioner": api.get(f"/fhir/Practitioner/{provider.pk}"),
    }
    texts = {}
    for name, response in outputs.items():
        assert response.status_code == 200, (name, response.status_code)
        texts[name] = response.content.decode()
    with tempfile.TemporaryDirectory() as folder:
        call_command("export_hsds", folder, stdout=StringIO())
        for file in sorted(Path(folder).iterdir()):
            texts[f"export {file.name}"] = file.read_text()
    return texts


def test_no_public_output_names_the_street_of_a_home_visiting_only_listing():
    provider = home_visitor(service_zips="|48197|")
    outputs = public_outputs(provider, "48197")
    for name, text in outputs.items():
        assert STREET not in text, name
        assert "Quillfeather" not in text, name  # nor the base's name
    assert provider.name in outputs["search page"] and "48197" in outputs["profile"]
    assert "Directions" not in outputs["profile"]
    Practitioner.model_validate(json.loads(outputs["fhir practitioner"]))


def test_a_site_listing_still_publishes_its_street():
    provider = clinic()
    detail = APIClient().get(f"/api/v1/providers/{provider.pk}/").json()
    assert detail["locations"][0]["address"] == "1 Main St"
    assert "1 Main St" in Client().get(f"/providers/{provider.pk}/").content.decode()


def test_the_hsds_export_carries_the_area_and_no_address_and_validates():
    provider = home_visitor(
        service_zips="|48198|",
        service_counties="|MI:Washtenaw County|",
        service_radius_miles=12.5,
        service_center_lat=42.2325,
        service_center_lng=-83.6336,
        service_center_label="Ypsilanti, MI",
    )
    service = APIClient().get(f"/hsds/services/{provider.hsds_id}").json()
    assert_valid("service.json", service)
    assert service["service_at_locations"] == []
    (area,) = service["service_areas"]
    assert area["extent_type"] == "text"
    assert area["extent"] == "Washtenaw County, MI; ZIP code 48198; within 12.5 miles of Ypsilanti, MI"
    assert "42.2325" not in json.dumps(service)  # the centre's coordinates stay private
    delivery = [a["value"] for a in service["attributes"] if a["link_type"] == "service_delivery"]
    assert delivery == ["home_visiting"]


STREET_WORD = st.text(alphabet=string.ascii_lowercase, min_size=6, max_size=12).map(str.capitalize)
STREETS = st.builds(
    lambda number, word, kind: f"{number} {word} {kind}",
    st.integers(min_value=1, max_value=99999),
    STREET_WORD,
    st.sampled_from(["Street", "Lane", "Court", "Avenue", "Road", "Way"]),
)
AREAS = st.sampled_from(
    [
        {"service_zips": "|48197|"},
        {"service_counties": "|MI:Washtenaw County|"},
        {
            "service_radius_miles": 15.0,
            "service_center_lat": 42.2325,
            "service_center_lng": -83.6336,
            "service_center_label": "48197",
        },
        {"service_zips": "|48197|48198|", "service_counties": "|MI:Washtenaw County|"},
    ]
)


class Rollback(Exception):
    """Undoes one generated example's rows."""


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(street=STREETS, area=AREAS, telehealth=st.booleans(), base_zip=st.sampled_from(["48197", "48104"]))
def test_property_no_home_visiting_only_street_reaches_any_public_output(street, area, telehealth, base_zip):
    try:
        with transaction.atomic():
            provider = home_visitor(street=street, base_zip=base_zip, telehealth=telehealth, **area)
            clinic()  # a neighbour that does publish its street
            number_and_word = " ".join(street.split()[:2])
            for name, text in public_outputs(provider, "48197").items():
                assert street not in text, (name, street)
                assert number_and_word not in text, (name, street)
            raise Rollback
    except Rollback:
        pass


# --- the provider sets it -----------------------------------------------------------------


def put_delivery(api_client, provider, body):
    api_client.force_authenticate(provider.user)
    response = api_client.put(f"/api/v1/providers/{provider.pk}/service-delivery/", body, format="json")
    api_client.force_authenticate(None)
    return response


def test_a_provider_sets_home_visiting_by_counties_and_a_radius_from_its_base(api_client, search):
    provider = ProviderFactory(name="Ypsi Visits", telehealth=True)
    LocationFactory(provider=provider, zip="48197", city="Ypsilanti", address_1=STREET)
    response = put_delivery(
        api_client,
        provider,
        {
            "service_delivery": ["home_visiting", "telehealth"],
            "service_area": {"counties": [{"name": "washtenaw", "state": "MI"}], "radius_miles": 20},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["service_delivery"] == ["home_visiting", "telehealth"]
    assert body["service_area"]["counties"] == [{"name": "Washtenaw County", "state": "MI"}]
    assert body["service_area"]["radius"] == {"miles": 20.0, "center": "Ypsilanti, MI"}
    provider.refresh_from_db()
    assert (provider.at_site, provider.home_visiting, provider.telehealth) == (False, True, True)
    # Detroit (Wayne County, 30 miles) is outside; Belleville (48111, Wayne, ~9 miles) inside.
    assert names(search(near="48201")) == []
    assert names(search(near="48111")) == ["Ypsi Visits"]
    assert STREET not in json.dumps(search(near="48111").json())


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"service_delivery": ["home_visiting"]}, "service_area_required", "service_area"),
        (
            {"service_delivery": ["home_visiting"], "service_area": {"zips": ["00000"]}},
            "unknown_zip",
            "service_zips",
        ),
        (
            {
                "service_delivery": ["home_visiting"],
                "service_area": {"radius_miles": 250, "center_zip": "48197"},
            },
            "radius_out_of_range",
            "service_radius_miles",
        ),
        (
            {
                "service_delivery": ["home_visiting"],
                "service_area": {"radius_miles": 0, "center_zip": "48197"},
            },
            "radius_out_of_range",
            "service_radius_miles",
        ),
        (
            {
                "service_delivery": ["home_visiting"],
                "service_area": {"counties": [{"name": "Atlantis", "state": "MI"}]},
            },
            "unknown_county",
            "service_counties",
        ),
        ({"service_delivery": ["teleport"]}, "unknown_service_delivery", "service_delivery"),
        ({"service_delivery": []}, "service_delivery_required", "service_delivery"),
        (
            {"service_delivery": ["home_visiting"], "service_area": {"radius_miles": 10}},
            "service_center_required",
            "service_center_zip",
        ),
    ],
)
def test_bad_delivery_input_is_a_400_with_a_code_and_changes_nothing(api_client, body, code, field):
    provider = ProviderFactory()  # no location: a radius needs a centre ZIP
    response = put_delivery(api_client, provider, body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["field"] == field
    provider.refresh_from_db()
    assert (provider.at_site, provider.home_visiting, provider.service_zips) == (True, False, "")


def test_the_edit_page_sets_home_visiting_and_keeps_what_was_typed_on_a_refusal(client):
    provider = ProviderFactory(name="Page Visits")
    LocationFactory(provider=provider, zip="48197", city="Ypsilanti", address_1=STREET)
    client.force_login(provider.user)
    url = f"/providers/{provider.pk}/edit/"
    refused = client.post(
        url, {"delivery_form": "1", "service_delivery": ["home_visiting"], "service_zips": "48197 99999"}
    )
    assert refused.status_code == 400
    assert "99999 is not a known US ZIP code." in refused.content.decode()
    assert 'value="48197 99999"' in refused.content.decode()

    saved = client.post(
        url,
        {
            "delivery_form": "1",
            "service_delivery": ["home_visiting"],
            "service_zips": "48197, 48198",
            "service_counties": "Washtenaw, MI",
        },
    )
    assert saved.status_code == 302
    provider.refresh_from_db()
    assert provider.service_delivery == ["home_visiting"]
    assert (provider.service_zips, provider.service_counties) == ("|48197|48198|", "|MI:Washtenaw County|")
    page = client.get(f"/providers/{provider.pk}/").content.decode()
    assert "Visits families at home in Washtenaw County, MI; ZIP codes 48197, 48198." in page
    assert STREET not in page


def test_existing_listings_are_sites_with_their_telehealth():
    provider = ProviderFactory(telehealth=True)
    assert provider.service_delivery == ["site", "telehealth"]
    assert APIClient().get(f"/api/v1/providers/{provider.pk}/").json()["service_area"] is None
