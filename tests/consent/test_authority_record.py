"""Recording who may consent for a child, and a court order's restrictions (issue 26).

A curator (network staff) or a care coordinator records an order with its document: the
authority it gives (legal guardian, agency custody, a delegation with its scope) or the
restriction it puts on a household member. Nobody else may; every refusal names its
code and field; every recording is in the access log with its basis. The child's
household and the recorders read the list at ``/api/v1/children/{id}/authority/``."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import Action, AuditEvent
from consent.authority import consenting_authority
from consent.authority_services import authority_record, restriction_record
from families.models import Authority, OrderDocument, Relationship, Restriction, RestrictionKind
from intake.services import family_request_create
from people.roles import COORDINATOR_GROUP
from referral_hub.errors import ApplicationError
from tests.factories.base import PASSWORD, UserFactory
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory, RestrictionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n"


def pdf(name: str = "order.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def household(db):
    """A mother (parent authority), a foster parent and a caseworker (no authority yet),
    and the child."""
    mother = GuardianFactory(relationship=Relationship.MOTHER, user__first_name="Rosa")
    child = ChildFactory(family=mother.family)
    foster = GuardianFactory(family=mother.family, relationship=Relationship.FOSTER_PARENT)
    caseworker = GuardianFactory(family=mother.family, relationship=Relationship.CASEWORKER)
    return {"mother": mother, "child": child, "foster": foster, "caseworker": caseworker}


@pytest.fixture
def curator(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def coordinator(db):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=COORDINATOR_GROUP)[0])
    return user


def queue(household):
    """The mother asks the coordinators for help: the child is in their queue."""
    family_request_create(
        actor=household["mother"].user,
        child_id=household["child"].pk,
        provider_id=None,
        concern="She does not sleep.",
        preferred_language="en",
        contact_method="email",
        password=PASSWORD,
    )


def authority_body(household, **overrides):
    body = {
        "person": household["caseworker"].user_id,
        "basis": "agency_custody",
        "order_number": "24-JV-118",
        "document": pdf(),
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def post_authority(client, household, **overrides):
    return client.post(
        f"/api/v1/children/{household['child'].pk}/authority/",
        authority_body(household, **overrides),
        format="multipart",
    )


# --- who may record -----------------------------------------------------------------------


def test_a_curator_records_agency_custody_and_the_caseworker_may_consent(api_client, household, curator):
    api_client.force_authenticate(curator)
    response = post_authority(api_client, household)
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["basis"] == "agency_custody"
    assert row["person"] == household["caseworker"].user_id
    assert row["order_number"] == "24-JV-118"
    assert row["has_document"] is True
    assert row["in_force"] is True
    assert "24-JV-118" in row["basis_words"]
    authority = Authority.objects.get(pk=row["id"])
    assert authority.recorded_by == curator
    assert authority.document.file.read().startswith(b"%PDF-")
    assert authority.document.uploaded_by == curator
    assert consenting_authority(household["caseworker"], household["child"].pk, ["referral"]) == authority


def test_recording_writes_an_audit_row_with_the_basis(api_client, household, curator):
    api_client.force_authenticate(curator)
    row = post_authority(api_client, household).json()
    event = AuditEvent.objects.get(object_type="authority", object_id=str(row["id"]))
    assert event.actor == curator
    assert event.child_id == household["child"].pk
    assert event.action == Action.CREATE
    assert f"basis=agency_custody order=24-JV-118 authority={row['id']}" in event.detail
    assert "document checked" in event.detail


def test_a_coordinator_records_for_a_child_in_the_queue(api_client, household, coordinator):
    queue(household)
    api_client.force_authenticate(coordinator)
    response = post_authority(
        api_client,
        household,
        person=household["foster"].user_id,
        basis="delegated",
        scope=["referral"],
        document=pdf("delegation.png", b"\x89PNG\r\n\x1a\n...."),
    )
    assert response.status_code == 201, response.json()
    assert response.json()["scope"] == ["referral"]
    foster = household["foster"]
    assert consenting_authority(foster, household["child"].pk, ["referral"]).basis == "delegated"
    with pytest.raises(ApplicationError) as refused:
        consenting_authority(foster, household["child"].pk, ["messaging"])
    assert refused.value.code == "outside_authority"


def test_a_coordinator_may_not_record_for_a_child_outside_the_queue(api_client, household, coordinator):
    api_client.force_authenticate(coordinator)
    response = post_authority(api_client, household)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Authority.objects.filter(basis="agency_custody").exists()


@pytest.mark.parametrize("who", ["mother", "caseworker", "provider", "stranger"])
def test_nobody_else_may_record(api_client, household, who):
    users = {
        "mother": household["mother"].user,
        "caseworker": household["caseworker"].user,
        "provider": ProviderFactory().user,
        "stranger": UserFactory(),
    }
    api_client.force_authenticate(users[who])
    response = post_authority(api_client, household)
    assert response.status_code == 403
    assert response.json()["code"] == "recorder_only"
    response = api_client.post(
        f"/api/v1/children/{household['child'].pk}/restrictions/",
        {"person": household["mother"].user_id, "kind": "no_contact", "order_number": "X", "document": pdf()},
        format="multipart",
    )
    assert response.status_code == 403
    assert not Authority.objects.filter(basis="agency_custody").exists()
    assert not Restriction.objects.exists()


def test_signed_out_may_not_record(api_client, household):
    assert post_authority(api_client, household).status_code == 403


def test_a_missing_child_is_not_found_for_a_curator(api_client, household, curator):
    api_client.force_authenticate(curator)
    response = api_client.post("/api/v1/children/999999/authority/", {}, format="multipart")
    assert response.status_code == 404


# --- every refusal, beside its field ------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, code, field",
    [
        ({"document": None}, "document_required", "document"),
        ({"document": pdf("order.gif", b"GIF89a....")}, "invalid_document", "document"),
        ({"document": pdf("order.txt", b"plain words")}, "invalid_document", "document"),
        ({"order_number": None}, "order_number_required", "order_number"),
        ({"order_number": "   "}, "order_number_required", "order_number"),
        ({"basis": "delegated", "person": "foster"}, "scope_required", "scope"),
        ({"basis": "agency_custody", "scope": ["referral"]}, "invalid_scope", "scope"),
        ({"basis": "delegated", "scope": ["everything"]}, "invalid_scope", "scope"),
        ({"basis": "king"}, "invalid_basis", "basis"),
        ({"person": "stranger"}, "unknown_person", "person"),
        ({"person": "other_family"}, "unknown_person", "person"),
        ({"person": None}, "unknown_person", "person"),
        (
            {"starts_at": "2026-05-01T00:00:00Z", "ends_at": "2026-04-01T00:00:00Z"},
            "invalid_period",
            "ends_at",
        ),
        (
            {"starts_at": "2026-05-01T00:00:00Z", "ends_at": "2026-05-01T00:00:00Z"},
            "invalid_period",
            "ends_at",
        ),
        ({"ends_at": "not a date"}, "invalid_period", "ends_at"),
    ],
)
def test_each_refusal_has_its_code_and_field(api_client, household, curator, overrides, code, field):
    people = {
        "foster": household["foster"].user_id,
        "stranger": UserFactory().pk,
        "other_family": GuardianFactory().user_id,
    }
    if overrides.get("person") in people:
        overrides = {**overrides, "person": people[overrides["person"]]}
    api_client.force_authenticate(curator)
    before = Authority.objects.count()
    response = post_authority(api_client, household, **overrides)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["detail"]
    assert Authority.objects.count() == before


def test_a_document_over_the_size_cap_is_refused(api_client, household, curator, settings):
    api_client.force_authenticate(curator)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = post_authority(api_client, household, document=pdf("big.pdf", big))
    assert (response.status_code, response.json()["code"]) == (400, "invalid_document")


def test_a_json_body_has_no_document(api_client, household, curator):
    api_client.force_authenticate(curator)
    body = {"person": household["caseworker"].user_id, "basis": "legal_guardian", "order_number": "A-1"}
    response = api_client.post(f"/api/v1/children/{household['child'].pk}/authority/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "document_required")


def test_a_minor_parent_needs_no_court_document(household, curator):
    teen = GuardianFactory(family=household["mother"].family, relationship=Relationship.OTHER)
    authority = authority_record(
        actor=curator,
        child_id=household["child"].pk,
        holder_id=teen.pk,
        basis="minor_parent",
        purposes=[],
        starts_at=None,
        ends_at=None,
        order_number="",
        document=None,
    )
    assert authority.basis == "minor_parent"
    assert consenting_authority(teen, household["child"].pk, ["referral"]) == authority


def test_an_order_with_an_end_is_recorded_with_it(household, curator):
    ends = timezone.now() + datetime.timedelta(days=30)
    authority = authority_record(
        actor=curator,
        child_id=household["child"].pk,
        holder_id=household["caseworker"].pk,
        basis="legal_guardian",
        purposes=[],
        starts_at=None,
        ends_at=ends,
        order_number="24-JV-200",
        document=pdf(),
    )
    assert authority.ends_at == ends


# --- restrictions -------------------------------------------------------------------------


def test_a_curator_records_a_no_information_restriction(api_client, household, curator):
    father = GuardianFactory(family=household["mother"].family, relationship=Relationship.FATHER)
    child = household["child"]
    api_client.force_authenticate(curator)
    response = api_client.post(
        f"/api/v1/children/{child.pk}/restrictions/",
        {"person": father.user_id, "kind": "no_information", "order_number": "24-PO-7", "document": pdf()},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "no_information"
    event = AuditEvent.objects.get(object_type="restriction", object_id=str(response.json()["id"]))
    assert "restriction=no_information" in event.detail and "order=24-PO-7" in event.detail
    # The father no longer finds the child.
    api_client.force_authenticate(father.user)
    assert api_client.get(f"/api/v1/children/{child.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/children/{child.pk}/authority/").status_code == 404


@pytest.mark.parametrize(
    "overrides, code, field",
    [
        ({"document": None}, "document_required", "document"),
        ({"order_number": None}, "order_number_required", "order_number"),
        ({"kind": "silence"}, "invalid_kind", "kind"),
        ({"person": None}, "unknown_person", "person"),
    ],
)
def test_a_restriction_needs_its_order(api_client, household, curator, overrides, code, field):
    body = {
        "person": household["mother"].user_id,
        "kind": "no_contact",
        "order_number": "P-1",
        "document": pdf(),
    }
    body.update(overrides)
    api_client.force_authenticate(curator)
    response = api_client.post(
        f"/api/v1/children/{household['child'].pk}/restrictions/",
        {k: v for k, v in body.items() if v is not None},
        format="multipart",
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert not Restriction.objects.exists()


def test_the_restriction_service_refuses_a_stranger(household):
    with pytest.raises(ApplicationError) as refused:
        restriction_record(
            actor=household["mother"].user,
            child_id=household["child"].pk,
            person_id=household["foster"].pk,
            kind=RestrictionKind.NO_CONTACT,
            starts_at=None,
            ends_at=None,
            order_number="P-2",
            document=pdf(),
        )
    assert refused.value.status == 403


# --- the list, for each role --------------------------------------------------------------


def listing(client, household):
    return client.get(f"/api/v1/children/{household['child'].pk}/authority/")


def test_the_household_reads_who_may_consent_and_why(api_client, household, curator):
    authority_record(
        actor=curator,
        child_id=household["child"].pk,
        holder_id=household["foster"].pk,
        basis="delegated",
        purposes=["referral"],
        starts_at=None,
        ends_at=None,
        order_number="DEL-9",
        document=pdf(),
    )
    api_client.force_authenticate(household["foster"].user)
    response = listing(api_client, household)
    assert response.status_code == 200
    rows = {row["relationship"]: row for row in response.json()}
    assert rows["mother"]["basis"] == "parent"
    assert rows["mother"]["scope"] == []
    assert rows["mother"]["name"] == str(household["mother"])
    assert rows["foster_parent"]["basis"] == "delegated"
    assert rows["foster_parent"]["scope"] == ["referral"]
    assert rows["foster_parent"]["basis_words"].startswith("as a caregiver")
    assert rows["foster_parent"]["has_document"] is True
    assert rows["foster_parent"]["document"] is None  # the id is the recorders'
    assert set(rows["foster_parent"]) >= {
        "id", "person", "holder", "name", "relationship", "basis", "basis_words", "scope",
        "starts_at", "ends_at", "in_force", "order_number", "has_document", "restrictions",
    }  # fmt: skip
    event = AuditEvent.objects.filter(object_type="authority", action=Action.VIEW).last()
    assert event is not None and event.actor == household["foster"].user


def test_recorders_read_the_list(api_client, household, curator, coordinator):
    api_client.force_authenticate(curator)
    assert listing(api_client, household).status_code == 200
    api_client.force_authenticate(coordinator)
    assert listing(api_client, household).status_code == 404
    queue(household)
    assert listing(api_client, household).status_code == 200


def test_others_get_not_found(api_client, household):
    api_client.force_authenticate(GuardianFactory().user)
    assert listing(api_client, household).status_code == 404
    api_client.force_authenticate(ProviderFactory().user)
    assert listing(api_client, household).status_code == 404
    api_client.force_authenticate(None)
    assert listing(api_client, household).status_code == 403


def test_a_guardian_does_not_see_anothers_confidential_address_order(api_client, household, curator):
    mother, foster = household["mother"], household["foster"]
    RestrictionFactory(child=household["child"], person=mother, kind=RestrictionKind.ADDRESS_CONFIDENTIAL)
    RestrictionFactory(child=household["child"], person=foster, kind=RestrictionKind.NO_CONTACT)
    url = f"/api/v1/children/{household['child'].pk}/restrictions/"
    api_client.force_authenticate(foster.user)
    rows = api_client.get(url).json()
    assert [row["kind"] for row in rows] == ["no_contact"]
    authority_rows = {row["relationship"]: row for row in listing(api_client, household).json()}
    assert authority_rows["mother"]["restrictions"] == []
    body = listing(api_client, household).content.decode() + api_client.get(url).content.decode()
    assert "address_confidential" not in body
    # She herself, and the recorders, see it in full.
    api_client.force_authenticate(mother.user)
    assert [row["kind"] for row in api_client.get(url).json()] == ["address_confidential", "no_contact"]
    api_client.force_authenticate(curator)
    rows = api_client.get(url).json()
    assert {row["kind"] for row in rows} == {"address_confidential", "no_contact"}
    assert all(row["order_number"] for row in rows)


def test_a_guardian_sees_no_order_details_of_anothers_restriction(api_client, household):
    RestrictionFactory(
        child=household["child"],
        person=household["foster"],
        kind=RestrictionKind.NO_CONTACT,
        order_number="PO-55",
    )
    api_client.force_authenticate(household["mother"].user)
    rows = api_client.get(f"/api/v1/children/{household['child'].pk}/restrictions/").json()
    assert rows[0]["kind"] == "no_contact"
    assert rows[0]["order_number"] == ""
    assert rows[0]["has_document"] is False


def test_an_ended_authority_is_listed_as_not_in_force(api_client, household, curator):
    authority = authority_record(
        actor=curator,
        child_id=household["child"].pk,
        holder_id=household["caseworker"].pk,
        basis="agency_custody",
        purposes=[],
        starts_at=timezone.now() - datetime.timedelta(days=10),
        ends_at=timezone.now() - datetime.timedelta(days=1),
        order_number="OLD-1",
        document=pdf(),
    )
    api_client.force_authenticate(curator)
    rows = {row["id"]: row for row in listing(api_client, household).json()}
    assert rows[authority.pk]["in_force"] is False


def test_the_api_is_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/children/{child_id}/authority/"])
    assert {"get", "post"} <= set(paths["/api/v1/children/{child_id}/restrictions/"])
    post = paths["/api/v1/children/{child_id}/authority/"]["post"]
    assert {"multipart/form-data", "application/json"} <= set(post["requestBody"]["content"])
    json_body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][json_body]["properties"]
    assert fields["document"]["type"] == "integer"
    assert fields["restrictions"]["type"] == "array"
    upload = paths["/api/v1/documents/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "201" in upload["responses"]


# --- the recording pages ------------------------------------------------------------------


def test_a_curator_finds_the_child_and_records_an_order_on_the_page(client, household, curator):
    child = household["child"]
    client.force_login(curator)
    found = client.get("/authority/", {"q": child.last_name})
    assert found.status_code == 200
    assert f"/authority/children/{child.pk}/" in found.content.decode()
    assert AuditEvent.objects.filter(object_type="authority_search", child_id=child.pk).exists()
    page = client.get(f"/authority/children/{child.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert child.name in text and "as the child&#x27;s parent" in text
    assert 'enctype="multipart/form-data"' in text
    response = client.post(
        f"/authority/children/{child.pk}/",
        {
            "action": "authority",
            "authority-person": household["caseworker"].user_id,
            "authority-basis": "agency_custody",
            "authority-order_number": "24-JV-300",
            "authority-starts_at": "2026-01-05",
            "authority-document": pdf(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    authority = Authority.objects.get(order_number="24-JV-300")
    assert authority.holder == household["caseworker"] and authority.recorded_by == curator
    assert "24-JV-300" in client.get(f"/authority/children/{child.pk}/").content.decode()


def test_a_refusal_is_shown_beside_its_field_and_what_was_typed_is_kept(client, household, curator):
    child = household["child"]
    client.force_login(curator)
    response = client.post(
        f"/authority/children/{child.pk}/",
        {
            "action": "authority",
            "authority-person": household["foster"].user_id,
            "authority-basis": "delegated",
            "authority-order_number": "DEL-77",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_authority-scope-error"' in text
    assert "Name what the agency delegated" in text
    assert 'value="DEL-77"' in text
    assert not Authority.objects.filter(order_number="DEL-77").exists()
    response = client.post(
        f"/authority/children/{child.pk}/",
        {
            "action": "restriction",
            "restriction-person": household["mother"].user_id,
            "restriction-kind": "no_contact",
            "restriction-order_number": "PO-1",
        },
    )
    assert response.status_code == 400
    assert 'id="id_restriction-document-error"' in response.content.decode()


def test_the_pages_speak_spanish(client, household, curator):
    client.force_login(curator)
    text = client.get(f"/authority/children/{household['child'].pk}/?lang=es").content.decode()
    assert "Quién puede dar consentimiento" in text
    assert "Registrar una restricción" in text
    assert "Court orders" not in text
    assert "Órdenes judiciales" in client.get("/authority/?lang=es").content.decode()


def test_a_coordinator_finds_only_the_children_of_the_queue(client, household, coordinator):
    other = ChildFactory()
    client.force_login(coordinator)
    assert household["child"].name not in client.get("/authority/").content.decode()
    assert client.get(f"/authority/children/{household['child'].pk}/").status_code == 404
    queue(household)
    text = client.get("/authority/").content.decode()
    assert household["child"].name in text and other.name not in text
    assert other.name not in client.get("/authority/", {"q": other.last_name}).content.decode()
    assert client.get(f"/authority/children/{household['child'].pk}/").status_code == 200
    assert client.get(f"/authority/children/{other.pk}/").status_code == 404


def test_the_pages_are_for_recorders_and_the_navigation_says_so(client, household, curator):
    client.force_login(household["mother"].user)
    assert client.get("/authority/").status_code == 403
    assert client.get(f"/authority/children/{household['child'].pk}/").status_code == 403
    assert 'href="/authority/"' not in client.get("/portal/").content.decode()
    client.force_login(curator)
    assert 'href="/authority/"' in client.get("/authority/").content.decode()


@pytest.mark.parametrize("name", ["find.html", "child.html", "_field.html"])
def test_every_word_of_the_recording_pages_is_in_spanish(name):
    from tests.i18n.checks import ROOT, catalogues, literal_text, template_msgids, untranslated

    source = (ROOT / "consent/templates/consent/authority" / name).read_text()
    assert not untranslated(template_msgids(source), catalogues())
    assert not literal_text(source)


def test_the_family_reads_the_recording_in_its_access_log(api_client, household, curator):
    from consent.access_words import entry

    api_client.force_authenticate(curator)
    row = post_authority(api_client, household).json()
    event = AuditEvent.objects.get(object_type="authority", object_id=str(row["id"]))
    shown = entry(event, viewer_id=household["mother"].user_id)
    assert shown.what == "Created who may consent for the child"
    assert shown.role == "directory staff"


# --- the order's document, uploaded first and named by its id (the contract) -------------


def upload(client, document=None):
    return client.post("/api/v1/documents/", {"file": document or pdf()}, format="multipart")


def test_a_recorder_uploads_the_order_and_records_with_its_id_as_the_contract_shows(
    api_client, household, curator
):
    api_client.force_authenticate(curator)
    uploaded = upload(api_client, pdf("custody order.pdf"))
    assert uploaded.status_code == 201, uploaded.json()
    document = uploaded.json()
    assert document == {
        "id": document["id"],
        "name": "custody order.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    stored = OrderDocument.objects.get(pk=document["id"])
    assert stored.uploaded_by == curator and stored.file.read() == PDF
    assert "custody order" not in stored.file.name  # never the uploader's name on disk
    event = AuditEvent.objects.get(object_type="order_document", object_id=str(stored.pk))
    assert event.actor == curator and event.action == Action.CREATE
    assert stored.sha256 in event.detail

    caseworker, child = household["caseworker"], household["child"]
    response = api_client.post(
        f"/api/v1/children/{child.pk}/authority/",
        {
            "person": caseworker.user_id,
            "basis": "agency_custody",
            "scope": [],
            "starts_at": "2026-01-05T00:00:00Z",
            "ends_at": None,
            "order_number": "24-JV-118",
            "document": document["id"],
            "restrictions": ["address_confidential"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    row = response.json()
    assert row["person"] == caseworker.user_id
    assert row["document"] == document["id"]
    assert row["restrictions"] == ["address_confidential"]
    authority = Authority.objects.get(pk=row["id"])
    assert authority.document_id == document["id"]
    restriction = Restriction.objects.get(child=child, person=caseworker)
    assert (restriction.kind, restriction.order_number, restriction.document_id) == (
        "address_confidential",
        "24-JV-118",
        document["id"],
    )
    assert AuditEvent.objects.filter(object_type="restriction", object_id=str(restriction.pk)).exists()
    assert consenting_authority(caseworker, child.pk, ["referral"]) == authority

    listed = {r["id"]: r for r in listing(api_client, household).json()}[authority.pk]
    assert listed["person"] == caseworker.user_id
    assert listed["restrictions"] == ["address_confidential"]
    assert {"id", "person", "name", "basis", "scope", "starts_at", "ends_at", "restrictions"} <= set(listed)


def test_a_document_uploaded_by_another_recorder_is_refused(api_client, household, curator, coordinator):
    api_client.force_authenticate(coordinator)
    theirs = upload(api_client).json()["id"]
    api_client.force_authenticate(curator)
    for document in (theirs, theirs + 1000):
        response = api_client.post(
            f"/api/v1/children/{household['child'].pk}/authority/",
            {
                "person": household["caseworker"].user_id,
                "basis": "legal_guardian",
                "order_number": "A-1",
                "document": document,
            },
            format="json",
        )
        assert response.status_code == 400, response.json()
        assert (response.json()["code"], response.json()["field"]) == ("unknown_document", "document")
    response = api_client.post(
        f"/api/v1/children/{household['child'].pk}/restrictions/",
        {
            "person": household["mother"].user_id,
            "kind": "no_contact",
            "order_number": "P",
            "document": theirs,
        },
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "unknown_document")
    assert not Authority.objects.filter(basis="legal_guardian").exists()
    assert not Restriction.objects.exists()


def test_restrictions_in_the_body_need_the_order_and_go_in_one_transaction(api_client, household, curator):
    api_client.force_authenticate(curator)
    document = upload(api_client).json()["id"]
    url = f"/api/v1/children/{household['child'].pk}/authority/"
    father = GuardianFactory(family=household["mother"].family, relationship=Relationship.FATHER)
    body = {"person": father.user_id, "basis": "parent", "order_number": "PO-3"}
    response = api_client.post(url, {**body, "restrictions": ["no_contact"]}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "document_required")
    response = api_client.post(
        url, {**body, "document": document, "restrictions": ["silence"]}, format="json"
    )
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "invalid_kind",
        "restrictions",
    )
    assert not Restriction.objects.exists()
    assert not Authority.objects.filter(order_number="PO-3").exists()


def test_the_json_restriction_names_its_document(api_client, household, curator):
    api_client.force_authenticate(curator)
    document = upload(api_client).json()["id"]
    response = api_client.post(
        f"/api/v1/children/{household['child'].pk}/restrictions/",
        {
            "person": household["mother"].user_id,
            "kind": "no_contact",
            "order_number": "P-9",
            "document": document,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Restriction.objects.get(pk=response.json()["id"]).document_id == document


@pytest.mark.parametrize("who", ["mother", "provider", "anonymous"])
def test_only_recorders_upload_documents(api_client, household, who):
    users = {"mother": household["mother"].user, "provider": ProviderFactory().user, "anonymous": None}
    api_client.force_authenticate(users[who])
    response = upload(api_client)
    assert response.status_code == 403
    assert not OrderDocument.objects.exists()


@pytest.mark.parametrize(
    "document, code",
    [
        (pdf("order.gif", b"GIF89a...."), "invalid_document"),
        (pdf("order.pdf", b"plain words"), "invalid_document"),
        (pdf("big.pdf", PDF + b"0" * (10 * 1024 * 1024)), "invalid_document"),
    ],
)
def test_an_upload_is_checked_by_content_and_size(api_client, coordinator, document, code):
    api_client.force_authenticate(coordinator)
    response = upload(api_client, document)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, "file")
    assert not OrderDocument.objects.exists()


def test_an_upload_without_a_file_is_refused(api_client, coordinator):
    api_client.force_authenticate(coordinator)
    response = api_client.post("/api/v1/documents/", {}, format="json")
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "document_required",
        "file",
    )


def test_the_page_upload_is_an_order_document_of_its_recorder(client, household, curator):
    child = household["child"]
    client.force_login(curator)
    response = client.post(
        f"/authority/children/{child.pk}/",
        {
            "action": "restriction",
            "restriction-person": household["mother"].user_id,
            "restriction-kind": "no_contact",
            "restriction-order_number": "PO-77",
            "restriction-document": pdf("photo.jpg", b"\xff\xd8\xff\xe0 jpeg"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Restriction.objects.get(order_number="PO-77").document
    assert document.uploaded_by == curator and document.content_type == "image/jpeg"
    assert AuditEvent.objects.filter(object_type="order_document", object_id=str(document.pk)).exists()


def test_a_multipart_body_carries_the_file_and_the_restrictions(api_client, household, curator):
    api_client.force_authenticate(curator)
    response = post_authority(api_client, household, restrictions=["no_contact", "address_confidential"])
    assert response.status_code == 201, response.json()
    row = response.json()
    assert sorted(row["restrictions"]) == ["address_confidential", "no_contact"]
    authority = Authority.objects.get(pk=row["id"])
    assert row["document"] == authority.document_id
    kinds = Restriction.objects.filter(person=household["caseworker"], document=authority.document)
    assert sorted(kinds.values_list("kind", flat=True)) == ["address_confidential", "no_contact"]
    assert OrderDocument.objects.count() == 1


def test_a_curator_ends_an_authority_on_the_page_and_a_missing_note_keeps_the_row_open(
    client, household, curator
):
    """Custody moves to the agency: the curator ends the mother's parent authority from
    the child's page, saying why. Without a reason the page says so beside that row's
    note, the row's form open, and nothing ends."""
    child, mother = household["child"], household["mother"]
    held = Authority.objects.get(child=child, holder=mother)
    client.force_login(curator)
    page = client.get(f"/authority/children/{child.pk}/").content.decode()
    assert f'name="authority" value="{held.pk}"' in page and "End it now" in page
    refused = client.post(
        f"/authority/children/{child.pk}/", {"action": "end", "authority": held.pk, "note": ""}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert f'id="end-error-{held.pk}"' in text and "<details open>" in text
    held.refresh_from_db()
    assert held.ends_at is None
    ended = client.post(
        f"/authority/children/{child.pk}/",
        {"action": "end", "authority": held.pk, "note": "Custody moved to the agency, order 24-JV-301"},
    )
    assert ended.status_code == 302
    held.refresh_from_db()
    assert held.ends_at is not None and held.end_note.startswith("Custody moved")
    with pytest.raises(ApplicationError) as refused_sign:
        consenting_authority(mother, child.pk, ["referral"])
    assert refused_sign.value.code == "no_legal_authority"
    assert "Not in force" in client.get(f"/authority/children/{child.pk}/").content.decode()
