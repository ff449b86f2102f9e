"""Evidence-based model credentials (issue 28): a provider says which models they are
trained in (CPP, PCIT, ABC, Circle of Security, Hanen...), a curator verifies, and only
then do families see them: on the profile, in the API, in the ``model=`` filter (current
``rostered``/``certified`` only; an expired one leaves the filter the day after) and in
the FHIR Practitioner's qualifications."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from fhir.resources.R4B.practitioner import Practitioner
from rest_framework.test import APIClient

from directory import selectors
from directory.models import ModelCredential, directory_today
from tests.directory.conftest import names
from tests.factories.base import UserFactory
from tests.factories.directory import LocationFactory, ProviderFactory

pytestmark = pytest.mark.django_db

MODEL_SYSTEM = "https://referral-hub.org/fhir/CodeSystem/evidence-based-model"


def credential(provider, code="cpp", status="certified", verification="verified", expires_in=365, **fields):
    expires_on = None if expires_in is None else directory_today() + datetime.timedelta(days=expires_in)
    return ModelCredential.objects.create(
        provider=provider,
        code=code,
        status=status,
        issuer=fields.pop("issuer", "Child Trauma Research Program, UCSF"),
        expires_on=expires_on,
        verification=verification,
        **fields,
    )


def listing(name: str, **fields):
    provider = ProviderFactory(name=name, user=None, **fields)
    LocationFactory(provider=provider, zip="48104")
    return provider


@pytest.fixture
def curator():
    user = UserFactory(username="casey")
    group, _ = Group.objects.get_or_create(name="curator")
    user.groups.add(group)
    return user


def as_user(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- the catalogue -------------------------------------------------------------------


def test_the_catalogue_names_the_contract_models_in_english_and_spanish():
    codes = selectors.model_codes()
    assert {"cpp", "pcit", "abc", "cos", "hanen"} <= set(codes)
    for model in selectors.model_catalogue():
        assert model.name_en and model.name_es and model.issuer, model.code
    assert selectors.model_name("cos", "es").startswith("Círculo de Seguridad")
    assert selectors.model_name("cos", "en").startswith("Circle of Security")


# --- the directory filter ------------------------------------------------------------


def test_the_model_filter_finds_only_verified_current_rostered_or_certified_credentials(search):
    credential(listing("Ana Certified"), status="certified")
    credential(listing("Ben Rostered"), status="rostered")
    credential(listing("Cara In Training"), status="in_training")
    credential(listing("Dan Pending"), verification="pending")
    credential(listing("Eve Rejected"), verification="rejected")
    credential(listing("Fay Other Model"), code="pcit")
    credential(listing("Gus Expired"), expires_in=-1)
    listing("Hal Nothing")

    assert names(search(model="cpp")) == ["Ana Certified", "Ben Rostered"]
    assert names(search(model="pcit")) == ["Fay Other Model"]
    assert names(search(model="hanen")) == []
    assert len(names(search())) == 8, "without the filter every listing is found"


def test_an_expired_credential_leaves_the_filter_the_day_after(search):
    expires_on = datetime.date(2027, 3, 31)
    provider = listing("Lucia Romero")
    ModelCredential.objects.create(
        provider=provider,
        code="cpp",
        status="rostered",
        issuer="Child Trauma Research Program, UCSF",
        expires_on=expires_on,
        verification="verified",
    )
    with time_machine.travel(datetime.datetime(2027, 3, 31, 23, 30, tzinfo=datetime.UTC), tick=False):
        assert names(search(model="cpp")) == ["Lucia Romero"]
        assert [m["code"] for m in search().json()["results"][0]["models"]] == ["cpp"]
    with time_machine.travel(datetime.datetime(2027, 4, 1, 0, 30, tzinfo=datetime.UTC), tick=False):
        assert names(search(model="cpp")) == []
        assert search().json()["results"][0]["models"] == [], "not shown as current either"


def test_an_unknown_model_is_refused_naming_the_parameter(search, client):
    response = search(model="wizardry")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameter" and body["parameter"] == "model"
    assert "cpp" in body["detail"]
    page = client.get("/", {"model": "wizardry"})
    assert page.status_code == 400
    assert 'id="error-model"' in page.content.decode()


def test_the_search_page_offers_the_models_in_the_readers_language(client):
    credential(listing("Ana Certified"), code="cos")
    listing("Ben Nothing")
    english = client.get("/", {"model": "cos"}).content.decode()
    assert '<label for="id_model">Evidence-based model</label>' in english
    assert '<option value="cos" selected>Circle of Security' in english
    assert "Ana Certified" in english and "Ben Nothing" not in english
    spanish = client.get("/", {"model": "cos", "lang": "es"}).content.decode()
    assert '<label for="id_model">Modelo basado en evidencia</label>' in spanish
    assert '<option value="cos" selected>Círculo de Seguridad' in spanish
    assert "Certificado/a" in spanish


def test_a_search_page_with_models_costs_a_fixed_number_of_queries(
    search, client, django_assert_max_num_queries
):
    for i in range(12):
        provider = listing(f"Listing {i:02d}")
        credential(provider, code="cpp", status="rostered")
        credential(provider, code="cos", status="in_training", expires_in=None)
    for params in ({}, {"model": "cpp"}, {"model": "cpp", "near": "48104"}):
        with django_assert_max_num_queries(5):
            assert len(search(**params).json()["results"]) == 12
        with django_assert_max_num_queries(5):
            assert client.get("/", params).status_code == 200


# --- what the public sees --------------------------------------------------------------


def test_the_profile_and_the_api_show_only_verified_credentials(client, api_client):
    provider = listing("Lucia Romero")
    credential(provider, code="cpp", status="rostered")
    credential(
        provider, code="cos", status="in_training", expires_in=None, issuer="Circle of Security International"
    )
    credential(provider, code="pcit", verification="pending", issuer="PCIT International")
    credential(provider, code="abc", expires_in=-3, issuer="ABC Intervention, University of Delaware")

    page = client.get(f"/providers/{provider.pk}/").content.decode()
    assert "Evidence-based models" in page
    assert "Child-Parent Psychotherapy (CPP)" in page and "Rostered" in page
    assert "Circle of Security" in page and "In training" in page
    assert "Parent-Child Interaction Therapy" not in page, "pending: not shown"
    assert "Attachment and Biobehavioral Catch-up" not in page, "expired: not shown as current"

    detail = api_client.get(f"/api/v1/providers/{provider.pk}/").json()
    assert detail["models"] == [
        {
            "code": "cos",
            "name": "Circle of Security",
            "status": "in_training",
            "issuer": "Circle of Security International",
            "expires_on": None,
        },
        {
            "code": "cpp",
            "name": "Child-Parent Psychotherapy (CPP)",
            "status": "rostered",
            "issuer": "Child Trauma Research Program, UCSF",
            "expires_on": (directory_today() + datetime.timedelta(days=365)).isoformat(),
        },
    ]
    spanish = client.get(f"/providers/{provider.pk}/?lang=es").content.decode()
    assert "Modelos basados en evidencia" in spanish and "En formación" in spanish
    assert "Psicoterapia Niño-Padre (CPP)" in spanish and "En el registro oficial" in spanish


def test_the_fhir_practitioner_carries_current_credentials_as_qualifications(client):
    provider = listing("Lucia Romero")
    current = credential(
        provider, code="pcit", status="certified", issuer="PCIT International", credential_number="PCIT-77"
    )
    credential(provider, code="cos", status="in_training", expires_in=None)
    credential(provider, code="abc", verification="pending")
    credential(provider, code="cpp", expires_in=-1)

    response = client.get(f"/fhir/Practitioner/{provider.pk}")
    assert response.status_code == 200
    resource = Practitioner.model_validate(response.json())
    assert len(resource.qualification) == 1
    qualification = resource.qualification[0]
    coding = qualification.code.coding[0]
    assert (coding.system, coding.code) == (MODEL_SYSTEM, "pcit")
    assert coding.display == "Parent-Child Interaction Therapy (PCIT)"
    assert qualification.issuer.display == "PCIT International"
    assert qualification.period.end.isoformat() == current.expires_on.isoformat()
    assert qualification.identifier[0].value == "PCIT-77"
    assert response.json()["qualification"][0]["extension"][0]["valueCode"] == "certified"


# --- the provider says, the curator verifies -----------------------------------------


def test_a_credential_counts_only_once_a_curator_verifies_it(curator):
    provider = ProviderFactory(name="Lucia Romero")
    LocationFactory(provider=provider, zip="48104")
    mine = as_user(provider.user)
    expires_on = (directory_today() + datetime.timedelta(days=400)).isoformat()
    url = f"/api/v1/providers/{provider.pk}/models/"

    added = mine.post(
        url, {"code": "cpp", "status": "rostered", "issuer": "UCSF", "expires_on": expires_on}, format="json"
    )
    assert added.status_code == 201, added.content
    assert added.json()["verification"] == "pending"
    public = APIClient()
    assert public.get(f"/api/v1/providers/{provider.pk}/").json()["models"] == []
    assert names(public.get("/api/v1/providers/", {"model": "cpp"})) == []

    queue = as_user(curator).get("/api/v1/curation/models/").json()
    assert [(c["provider_name"], c["code"]) for c in queue] == [("Lucia Romero", "cpp")]
    verified = as_user(curator).post(
        f"/api/v1/curation/models/{added.json()['id']}/verify/", {}, format="json"
    )
    assert verified.status_code == 200 and verified.json()["verification"] == "verified"
    assert verified.json()["reviewed_by"] == "casey"
    assert names(public.get("/api/v1/providers/", {"model": "cpp"})) == ["Lucia Romero"]

    # A change is a new claim: back to pending, out of the filter until verified again.
    moved = mine.post(
        url, {"code": "cpp", "status": "certified", "issuer": "UCSF", "expires_on": expires_on}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["verification"] == "pending"
    assert names(public.get("/api/v1/providers/", {"model": "cpp"})) == []

    rejected = as_user(curator).post(
        f"/api/v1/curation/models/{added.json()['id']}/reject/",
        {"note": "Not on the CPP roster."},
        format="json",
    )
    assert rejected.status_code == 200 and rejected.json()["verification"] == "rejected"
    own = mine.get(url).json()
    assert [(c["code"], c["verification"], c["review_note"]) for c in own] == [
        ("cpp", "rejected", "Not on the CPP roster.")
    ]
    assert mine.delete(f"{url}cpp/").status_code == 204
    assert mine.get(url).json() == []


def test_what_a_provider_types_is_checked_field_by_field(curator):
    provider = ProviderFactory()
    mine = as_user(provider.user)
    url = f"/api/v1/providers/{provider.pk}/models/"
    later = (directory_today() + datetime.timedelta(days=30)).isoformat()
    cases = [
        ({"code": "astrology", "status": "certified", "expires_on": later}, "code"),
        ({"code": "cpp", "status": "guru", "expires_on": later}, "status"),
        ({"code": "cpp", "status": "certified"}, "expires_on"),
        ({"code": "cpp", "status": "rostered", "expires_on": "2001-01-01"}, "expires_on"),
    ]
    for body, field in cases:
        response = mine.post(url, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid" and response.json()["field"] == field, response.json()
    assert not ModelCredential.objects.exists()
    # In training needs no expiry; the issuer defaults to the catalogue's.
    ok = mine.post(url, {"code": "hanen", "status": "in_training"}, format="json")
    assert ok.status_code == 201 and ok.json()["issuer"] == "The Hanen Centre"


def test_only_curators_verify_and_only_the_listing_edits(curator):
    owner = ProviderFactory(name="Owner")
    pending = credential(owner, verification="pending")
    other_provider = ProviderFactory(name="Someone Else")
    guardian = UserFactory(username="guardian-x")
    for who in (None, owner.user, other_provider.user, guardian):
        client = as_user(who)
        for action in ("verify", "reject"):
            answer = client.post(
                f"/api/v1/curation/models/{pending.pk}/{action}/", {"note": "x"}, format="json"
            )
            assert answer.status_code == 403, (who, action)
        assert client.get("/api/v1/curation/models/").status_code == 403
    pending.refresh_from_db()
    assert pending.verification == "pending" and pending.reviewed_by is None

    for who in (None, other_provider.user, guardian):
        client = as_user(who)
        url = f"/api/v1/providers/{owner.pk}/models/"
        assert client.post(url, {"code": "abc", "status": "in_training"}, format="json").status_code == 403
        assert client.delete(f"{url}cpp/").status_code == 403
        assert client.get(url).status_code == 403
    assert list(owner.model_credentials.values_list("code", flat=True)) == ["cpp"]
    # A curator may edit any listing's credentials, as with the listing itself.
    by_curator = as_user(curator).post(
        f"/api/v1/providers/{owner.pk}/models/", {"code": "abc", "status": "in_training"}, format="json"
    )
    assert by_curator.status_code == 201
    assert (
        as_user(curator).post("/api/v1/curation/models/999999/verify/", {}, format="json").status_code == 404
    )


def test_an_expired_credential_cannot_be_verified(curator):
    stale = credential(ProviderFactory(), verification="pending", expires_in=-1)
    answer = as_user(curator).post(f"/api/v1/curation/models/{stale.pk}/verify/", {}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "credential_expired"
    rejecting = as_user(curator).post(f"/api/v1/curation/models/{stale.pk}/reject/", {}, format="json")
    assert rejecting.status_code == 400 and rejecting.json()["field"] == "note"


# --- the pages -----------------------------------------------------------------------


def test_a_provider_adds_a_credential_on_the_page_and_a_curator_verifies_it_on_theirs(curator):
    provider = ProviderFactory(name="Lucia Romero")
    LocationFactory(provider=provider, zip="48104")
    web = Client()
    web.force_login(provider.user)
    page = web.get(f"/providers/{provider.pk}/models/")
    assert page.status_code == 200 and '<select id="id_code" name="code"' in page.content.decode()
    expires_on = (directory_today() + datetime.timedelta(days=200)).isoformat()
    saved = web.post(
        f"/providers/{provider.pk}/models/",
        {"code": "pcit", "status": "certified", "issuer": "PCIT International", "expires_on": expires_on},
        follow=True,
    )
    text = saved.content.decode()
    assert "Saved: Parent-Child Interaction Therapy (PCIT)" in text and "Waiting for a curator" in text
    bad = web.post(f"/providers/{provider.pk}/models/", {"code": "pcit", "status": "certified"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()

    desk = Client()
    desk.force_login(curator)
    queue = desk.get("/curate/models/").content.decode()
    assert "Lucia Romero" in queue and "Parent-Child Interaction Therapy (PCIT)" in queue
    pending = ModelCredential.objects.get(provider=provider)
    done = desk.post(f"/curate/models/{pending.pk}/verify/", follow=True).content.decode()
    assert "Verified: Parent-Child Interaction Therapy (PCIT) for Lucia Romero" in done
    assert (
        "Parent-Child Interaction Therapy (PCIT)"
        in Client().get(f"/providers/{provider.pk}/").content.decode()
    )

    refused = desk.post(f"/curate/models/{pending.pk}/reject/", {"note": ""}, follow=True).content.decode()
    assert "Give the reason" in refused
    pending.refresh_from_db()
    assert pending.verification == "verified"

    removed = web.post(f"/providers/{provider.pk}/models/pcit/remove/", follow=True).content.decode()
    assert "Removed: Parent-Child Interaction Therapy (PCIT)" in removed
    assert not ModelCredential.objects.exists()

    stranger = Client()
    stranger.force_login(ProviderFactory().user)
    assert stranger.get("/curate/models/").status_code == 403
    assert stranger.get(f"/providers/{provider.pk}/models/").status_code == 403


# --- demo data -------------------------------------------------------------------------


def test_the_demo_has_model_credentials_on_several_providers(demo, search):
    by_model = {code: names(search(model=code)) for code in ("cpp", "pcit", "cos")}
    assert "Dr. Lucia Romero" in by_model["cpp"]
    assert by_model["pcit"] and by_model["cos"]
    assert ModelCredential.objects.filter(status="in_training", verification="verified").exists()
    assert ModelCredential.objects.filter(verification="pending").exists(), "something for the curator"


def test_hsds_carries_the_current_verified_models_and_validates(tmp_path, client):
    """The HSDS export and service carry what the profile shows: verified, unexpired
    credentials as ``referral-hub:evidence-based-model`` attributes; pending ones never."""
    import json
    from io import StringIO

    from django.core.management import call_command

    from tests.directory.test_hsds import assert_valid

    provider = listing("Model Clinician")
    credential(provider, code="cos", issuer="Circle of Security International")
    credential(provider, code="pcit", verification="pending")
    call_command("export_hsds", str(tmp_path), stdout=StringIO())
    (service,) = [
        s for s in json.loads((tmp_path / "services.json").read_text()) if s["name"] == "Model Clinician"
    ]
    assert_valid("service.json", service)
    models = [a for a in service["attributes"] if a["link_type"] == "evidence_based_model"]
    assert [(a["taxonomy_term"]["code"], a["taxonomy_term"]["name"]) for a in models] == [
        ("cos", "Circle of Security")
    ]
    assert json.loads(models[0]["value"])["status"] == "certified"
    one = client.get(f"/hsds/services/{provider.hsds_id}").json()
    assert [
        a["taxonomy_term"]["code"] for a in one["attributes"] if a["link_type"] == "evidence_based_model"
    ] == ["cos"]


def test_the_provider_hears_each_decision_on_a_credential_in_their_language(
    curator, django_capture_on_commit_callbacks
):
    """Verified: it shows now. Not verified: the curator's reason and where to change
    it. One e-mail per decision (a second review after a change is a new decision)."""
    from django.core import mail

    from outbox.services import outbox_deliver_due
    from people.models import AccountSettings

    provider = ProviderFactory(name="Lucia Romero")
    provider.user.email = "lucia@example.org"
    provider.user.save(update_fields=["email"])
    AccountSettings.objects.update_or_create(user=provider.user, defaults={"preferred_language": "es"})
    mine = as_user(provider.user)
    url = f"/api/v1/providers/{provider.pk}/models/"
    expires_on = (directory_today() + datetime.timedelta(days=400)).isoformat()
    claim = {"code": "cpp", "status": "rostered", "issuer": "UCSF", "expires_on": expires_on}
    credential = mine.post(url, claim, format="json").json()["id"]
    review = as_user(curator)

    def decisions() -> list:
        outbox_deliver_due()
        return [m for m in mail.outbox if m.to == ["lucia@example.org"]]

    with django_capture_on_commit_callbacks(execute=True):
        review.post(
            f"/api/v1/curation/models/{credential}/reject/", {"note": "No figura en la lista."}, format="json"
        )
    (rejected,) = decisions()
    assert "no se pudo verificar" in rejected.subject
    assert "Psicoterapia Niño-Padre (CPP)" in rejected.body
    assert "No figura en la lista." in rejected.body
    assert f"/providers/{provider.pk}/models/" in rejected.body

    mine.post(url, {**claim, "status": "certified"}, format="json")  # changed: a new claim
    with django_capture_on_commit_callbacks(execute=True):
        review.post(f"/api/v1/curation/models/{credential}/verify/", {}, format="json")
    sent = decisions()
    assert len(sent) == 2
    assert "verificada" in sent[1].subject
    assert "No figura" not in sent[1].body
