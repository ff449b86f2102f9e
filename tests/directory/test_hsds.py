"""Other directories and 211 systems exchange our listings as Open Referral HSDS 3.0:
what we publish validates against the official schemas, and what others publish (the
official examples) imports cleanly, idempotently, with bad records reported."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command

from directory.models import Endorsement, Location, Organization, Provider
from tests.factories.directory import EndorsementFactory, LocationFactory, ProviderFactory

pytestmark = pytest.mark.django_db

# The published schemas and official examples, vendored with their source and licence.
HSDS = Path(__file__).resolve().parents[1] / "data" / "hsds-3.0"
EXAMPLES = HSDS / "examples"


def validator(schema_file: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((HSDS / schema_file).read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_valid(schema_file: str, instance) -> None:
    errors = sorted(validator(schema_file).iter_errors(instance), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def listings():
    rich = ProviderFactory(
        name="Lucia Romero",
        user=None,
        languages="|en|es|",
        payment_options="|medicaid|sliding_scale|",
        services=["child-parent psychotherapy"],
        bio="Infant mental health clinician.",
        phone="734-555-0100",
        email="lucia@example.org",
    )
    LocationFactory(provider=rich, zip="48104", address_1="1 Main St")
    EndorsementFactory(provider=rich)
    EndorsementFactory(provider=rich, category="infant_family_specialist", status="pending")
    bare = ProviderFactory(name="No Org", user=None, organization=None)
    return rich, bare


def test_export_writes_services_and_organizations_that_validate(listings, tmp_path):
    call_command("export_hsds", str(tmp_path), stdout=StringIO())

    services = json.loads((tmp_path / "services.json").read_text())
    organizations = json.loads((tmp_path / "organizations.json").read_text())
    assert len(services) == 2 and len(organizations) == 1
    for service in services:
        assert_valid("service.json", service)
    for organization in organizations:
        assert_valid("organization.json", organization)
    rich = next(s for s in services if s["name"] == "Lucia Romero")
    assert {lang["code"] for lang in rich["languages"]} == {"en", "es"}
    location = rich["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "48104"
    # Only the verified endorsement is published.
    endorsement_attrs = [a for a in rich["attributes"] if a["link_type"] == "endorsement"]
    assert [json.loads(a["value"])["category"] for a in endorsement_attrs] == [
        "infant_mental_health_specialist"
    ]


def test_hsds_endpoints_answer_in_the_hsds_api_shape(listings, api_client):
    rich, _ = listings
    page = api_client.get("/hsds/services").json()
    assert page["total_items"] == 2 and page["first_page"] and page["last_page"] and not page["empty"]
    for item in page["contents"]:
        assert_valid("service_list.json", item)

    one = api_client.get(f"/hsds/services/{rich.hsds_id}").json()
    assert_valid("service.json", one)

    orgs = api_client.get("/hsds/organizations").json()
    for item in orgs["contents"]:
        assert_valid("organization_list.json", item)

    assert api_client.get("/hsds/services/not-a-uuid").status_code == 404
    assert api_client.get("/hsds/services", {"page": 9}).status_code == 400
    assert api_client.get("/hsds/services", {"per_page": "x"}).json()["parameter"] == "per_page"


@pytest.mark.parametrize(
    "example",
    [
        "service_full.json",
        "service_list.json",
        "organization_full.json",
        "organization_list.json",
        "service_at_location_full.json",
        "service_at_location_list.json",
    ],
)
def test_official_examples_import_cleanly(example):
    out, err = StringIO(), StringIO()
    call_command("import_directory", str(EXAMPLES / example), stdout=out, stderr=err)

    assert err.getvalue() == "", err.getvalue()
    assert "0 rows rejected" in out.getvalue()


def test_the_full_service_example_becomes_a_listing_with_its_details():
    call_command("import_directory", str(EXAMPLES / "service_full.json"), stdout=StringIO())

    provider = Provider.objects.get(hsds_id="ac148810-d857-441c-9679-408f346de14b")
    assert provider.name == "Community Counselling"
    assert provider.organization.name == "Example Organization Inc."
    assert "ur" in provider.language_codes
    assert (provider.ages_min_months, provider.ages_max_months) == (144, 1200)
    # The example's latitude (100) is out of range: the place is kept, the coordinates dropped.
    location = provider.locations.get()
    assert location.city == "MyCity" and location.lat is None


def test_reimporting_the_same_file_changes_nothing():
    path = EXAMPLES / "organization_full.json"
    call_command("import_directory", str(path), stdout=StringIO())
    before = (Provider.objects.count(), Organization.objects.count(), Location.objects.count())
    out = StringIO()
    call_command("import_directory", str(path), stdout=out)

    assert (Provider.objects.count(), Organization.objects.count(), Location.objects.count()) == before
    assert "Imported 0 new" in out.getvalue()


def test_our_own_export_round_trips_and_endorsements_come_back_only_as_claims(listings, tmp_path):
    rich, _ = listings
    call_command("export_hsds", str(tmp_path), stdout=StringIO())
    Provider.objects.all().delete()
    Organization.objects.all().delete()

    call_command("import_directory", str(tmp_path), stdout=StringIO())

    again = Provider.objects.get(hsds_id=rich.hsds_id)
    assert again.languages == "|en|es|" and again.payment_options == "|medicaid|sliding_scale|"
    assert again.locations.get().zip == "48104"
    imported = Endorsement.objects.get(provider=again)
    assert imported.category == "infant_mental_health_specialist"
    assert imported.status == "pending"  # a curator must verify it again


def test_bad_json_records_are_reported_by_number_and_good_ones_kept(tmp_path):
    good = json.loads((EXAMPLES / "service_full.json").read_text())
    no_name = {**good, "id": "6b0d2f1a-7d6e-4a39-9d8e-111111111111", "name": ""}
    bad_id = {**good, "id": "nope"}
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([no_name, good, bad_id]))
    err = StringIO()

    call_command("import_directory", str(path), stdout=StringIO(), stderr=err)

    assert "row 1: service has no name" in err.getvalue()
    assert "row 3: service id 'nope' is not a UUID" in err.getvalue()
    assert Provider.objects.filter(name="Community Counselling").count() == 1


CSV_HEADER = (
    "id,name,discipline,organization,languages,payment_options,ages_min_months,ages_max_months,"
    "accepting_new_families,telehealth,services,zip,endorsement_category,credential_number,issued_on,expires_on\n"
)


def test_csv_import_keeps_good_rows_and_reports_bad_ones_by_row_number(tmp_path):
    path = tmp_path / "directory.csv"
    path.write_text(
        CSV_HEADER
        + "5a9d3c1e-0c3b-4d7c-9a55-000000000001,Rosa Diaz,home_visitor,Bright Starts,en;es,medicaid,0,36,true,false,"
        "home visiting;breastfeeding support,48104,infant_family_specialist,MI-1,2024-01-01,2027-01-01\n"
        ",Bad Discipline,wizard,,en,,,,,,,48104,,,,\n"
        ",Bad Zip,pediatrician,,en,,,,,,,ABCDE,,,,\n"
        ",Bad Language,pediatrician,,english,,,,,,,48104,,,,\n"
        ",Bad Ages,pediatrician,,en,,40,20,,,,48104,,,,\n"
        ",No Id Ok,pediatrician,Bright Starts,en,,,,,yes,,48103,,,,\n"
    )
    err = StringIO()

    call_command("import_directory", str(path), stdout=StringIO(), stderr=err)

    report = err.getvalue()
    assert "row 3: unknown discipline 'wizard'" in report
    assert "row 4: zip 'ABCDE' is not a US ZIP code" in report
    assert "row 5: language 'english' is not an ISO 639-1 code" in report
    assert "row 6: ages_min_months is greater than ages_max_months" in report
    assert set(Provider.objects.values_list("name", flat=True)) == {"Rosa Diaz", "No Id Ok"}
    rosa = Provider.objects.get(name="Rosa Diaz")
    assert rosa.language_codes == ["en", "es"] and rosa.services == ["home visiting", "breastfeeding support"]
    assert rosa.locations.get().lat is not None  # geocoded from the ZIP centroid
    assert rosa.endorsements.get().status == "pending"

    call_command("import_directory", str(path), stdout=StringIO(), stderr=StringIO())
    assert Provider.objects.count() == 2 and Organization.objects.count() == 1


def test_import_never_extends_a_verified_endorsement_without_a_curator(tmp_path):
    path = tmp_path / "d.csv"
    row = (
        "5a9d3c1e-0c3b-4d7c-9a55-000000000002,Ann Lee,social_worker,,en,,,,,,,48104,"
        "infant_family_specialist,MI-2,2024-01-01,{expires}\n"
    )
    path.write_text(CSV_HEADER + row.format(expires="2027-01-01"))
    call_command("import_directory", str(path), stdout=StringIO())
    endorsement = Endorsement.objects.get()
    endorsement.status = "verified"
    endorsement.save()

    path.write_text(CSV_HEADER + row.format(expires="2030-01-01"))
    call_command("import_directory", str(path), stdout=StringIO())

    endorsement.refresh_from_db()
    assert endorsement.expires_on.year == 2030 and endorsement.status == "pending"
    assert endorsement.reviews.filter(action="reset").exists()


def test_taxonomy_examples_are_skipped_not_failed(tmp_path):
    for name in ("taxonomy.json", "taxonomy_term.json"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    out, err = StringIO(), StringIO()
    call_command("import_directory", str(tmp_path), stdout=out, stderr=err)
    assert err.getvalue() == "" and "skipped" in out.getvalue()


def test_hsds_services_search_finds_only_the_listings_with_the_words(listings, api_client):
    rich, bare = listings

    found = api_client.get("/hsds/services", {"search": "psychotherapy"}).json()

    assert [item["name"] for item in found["contents"]] == ["Lucia Romero"]
    assert found["total_items"] == 1 and found["total_items_is_estimate"] is False
    nothing = api_client.get("/hsds/services", {"search": "zzqxnotaword"}).json()
    assert nothing["total_items"] == 0 and nothing["empty"] and nothing["contents"] == []
