"""An IDOR walk: every families/consent/audit endpoint, with every family's ids, as the
guardian, the other guardian, the outsider, a provider whose consent was revoked, and
anonymous. Nobody finds another family's data, and foreign writes change nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from consent.authority_services import order_document_upload
from consent.models import Consent, ConsentRequest
from consent.services import consent_grant, consent_revoke
from families.models import Authority, OrderDocument
from intake.models import FamilyRequest
from intake.services import family_request_create
from referral_hub.phones import normalize
from referrals.models import NextStep, Referral
from tests.factories.directory import ProviderFactory

pytestmark = pytest.mark.django_db

FAMILY_1 = {"mateo", "lucia"}
FAMILY_2 = {"ava"}


@pytest.fixture
def walk_world(demo, settings, tmp_path):
    """The demo world plus a provider who was covered for Mateo until revoked."""
    settings.MEDIA_ROOT = str(tmp_path)
    revoked = ProviderFactory(name="Riley Revoked")
    guardian = demo["guardians"]["guardian"]
    consent = consent_grant(
        actor=guardian.user,
        child_id=demo["children"]["mateo"].pk,
        recipient_provider_id=revoked.pk,
        purposes=["referral"],
        data_categories=["demographics"],
        expires_on=demo["consents"]["pediatrician"].expires_on,
        password=demo["password"],
    )
    consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="walk")
    demo["revoked_provider_user"] = revoked.user
    # A court order's document the curator uploaded (issue 26): nobody else may name it.
    demo["order_document"] = order_document_upload(
        actor=User.objects.get(username="curator"),
        upload=SimpleUploadedFile("order.pdf", b"%PDF-1.7 walk", content_type="application/pdf"),
    )
    # Each family asked a provider for help, saying how to reach it (issue 25): the
    # recipient (not a walker) is the only one who may read those details.
    recipient = ProviderFactory(name="Quinn Recipient")
    for username, child, phone in (
        ("guardian", "mateo", "313-555-0131"),
        ("guardian2", "ava", "313-555-0132"),
    ):
        family_request_create(
            actor=User.objects.get(username=username),
            child_id=demo["children"][child].pk,
            provider_id=recipient.pk,
            concern="Walk concern",
            preferred_language="en",
            contact_method="phone",
            phone=normalize(phone),
            email=f"{username}-walk@example.org",
            password=demo["password"],
        )
    return demo


def reads(world, keys):
    children = world["children"]
    for key in sorted(keys):
        child = children[key]
        yield f"/api/v1/children/{child.pk}/"
        yield f"/api/v1/children/{child.pk}/access-log/"
        yield f"/api/v1/consents/?child={child.pk}"
        yield f"/portal/children/{child.pk}/"
        yield f"/portal/children/{child.pk}/access-log/"
        yield f"/portal/children/{child.pk}/share/"
        yield f"/api/v1/children/{child.pk}/authority/"
        yield f"/api/v1/children/{child.pk}/restrictions/"
        yield f"/authority/children/{child.pk}/"
        yield f"/portal/children/{child.pk}/household/"
        for consent in Consent.objects.filter(child=child):
            yield f"/fhir/Consent/{consent.pk}"
            yield f"/portal/consents/{consent.pk}/revoke/"
        for request in ConsentRequest.objects.filter(child=child):
            yield f"/portal/consent-requests/{request.pk}/"
        for asked in FamilyRequest.objects.filter(child=child):
            yield f"/help/requests/{asked.pk}/"
            yield f"/portal/requests/{asked.pk}/sign/"
            yield f"/api/v1/coordination/queue/{asked.pk}/"
            yield f"/coordination/{asked.pk}/"
            if asked.referral_id:
                yield f"/api/v1/referrals/{asked.referral_id}/"
                yield f"/referrals/{asked.referral_id}/"
        # The family's next steps on its child's referrals (issue 27).
        for step in NextStep.objects.filter(referral__child=child):
            yield f"/api/v1/referrals/{step.referral_id}/steps/"
            yield f"/fhir/Task/step-{step.pk}"


def contact_details(world, keys):
    """How each foreign family asked to be reached: its phone (both forms) and e-mail."""
    for asked in FamilyRequest.objects.filter(child_id__in=[world["children"][k].pk for k in keys]):
        if asked.phone:
            yield from (asked.phone, asked.phone_display)
        if asked.email.endswith("-walk@example.org"):
            yield asked.email


# Network staff record court orders for any child (issue 26): the authority list and the
# recording page are theirs to read (tests/consent/test_authority_record.py); nobody
# else's, and nothing else, is.
RECORDER_READS = ("/authority/", "/restrictions/")

LISTS = [
    "/authority/?q=a",
    "/api/v1/children/",
    "/api/v1/consents/",
    "/api/v1/consent-requests/",
    "/portal/",
    "/portal/provider/",
    "/portal/household/",
    "/api/v1/audit/export/",
    "/audit/export/",
    "/api/v1/indicators/",
    "/api/v1/indicators/export.csv",
    "/indicators/",
    "/api/v1/requests/",
    "/portal/requests/",
    "/api/v1/coordination/queue/",
    "/api/v1/coordination/queue/?status=referred",
    "/coordination/",
]


def names(world, keys):
    return [world["children"][key].name for key in keys]


@pytest.mark.parametrize(
    "who, foreign",
    [
        ("guardian", FAMILY_2),
        ("guardian2", FAMILY_1),
        ("outsider", FAMILY_1 | FAMILY_2),
        ("revoked", FAMILY_1 | FAMILY_2),
        ("anonymous", FAMILY_1 | FAMILY_2),
        ("network_lead", FAMILY_1 | FAMILY_2),
        ("coordinator", FAMILY_1 | FAMILY_2),
        ("pediatrician", FAMILY_2),  # the provider family 2 is asked to share with
        ("curator", FAMILY_1 | FAMILY_2),
    ],
)
def test_nobody_finds_another_familys_data(walk_world, who, foreign):
    world = walk_world
    client = Client()
    if who == "revoked":
        client.force_login(world["revoked_provider_user"])
    elif who != "anonymous":
        client.force_login(User.objects.get(username=who))
    foreign_names = names(world, foreign)
    foreign_contacts = list(contact_details(world, foreign))
    assert len(foreign_contacts) >= 3
    foreign_ids = {world["children"][key].pk for key in foreign}
    before = list(Consent.objects.values_list("pk", "revoked_at").order_by("pk"))
    requests_before = list(ConsentRequest.objects.values_list("pk", "status").order_by("pk"))
    authorities_before = list(Authority.objects.values_list("pk", "ends_at").order_by("pk"))
    steps_before = list(NextStep.objects.values_list("pk", "done_at").order_by("pk"))

    for url in [*reads(world, foreign), *LISTS]:
        if who == "curator" and any(part in url for part in RECORDER_READS):
            continue
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode()
        if url in LISTS or "?" in url:  # filtered lists answer 200 with nothing foreign in them
            assert response.status_code in (200, 302, 403), url
        else:
            assert response.status_code in (302, 403, 404), f"{who} GET {url} -> {response.status_code}"
        if url.startswith("/api/v1/audit/export/") or url.startswith("/audit/export/"):
            continue  # curators only; covered by the route inventory
        for name in foreign_names:
            assert name not in text, f"{who} saw {name} at {url}"
        for detail in foreign_contacts:
            assert detail not in text, f"{who} saw a foreign family's contact details ({detail}) at {url}"
        if response.get("Content-Type", "").startswith("application/json") and response.status_code == 200:
            results = response.json().get("results", [])
            refs = [row.get("child", row.get("id")) for row in results]
            seen = {ref["id"] if isinstance(ref, dict) else ref for ref in refs}
            assert not seen & foreign_ids, f"{who} listed a foreign child at {url}"
            if "?child=" in url:
                assert results == [], f"{who} saw consents at {url}"

    # Nobody marks another family's next step done, or adds one (issue 27).
    for step in NextStep.objects.filter(referral__child_id__in=foreign_ids):
        for url in (
            f"/api/v1/referrals/{step.referral_id}/steps/{step.pk}/done/",
            f"/portal/referrals/steps/{step.pk}/done/",
            f"/api/v1/referrals/{step.referral_id}/steps/",
        ):
            response = client.post(url, {"done": "false", "kind": "make-contact", "text_en": "idor"})
            assert response.status_code in (302, 403, 404), f"{who} POST {url} -> {response.status_code}"
            if who != "anonymous":
                assert response.status_code in (403, 404)
    for consent in Consent.objects.filter(child_id__in=foreign_ids):
        for url in (f"/api/v1/consents/{consent.pk}/revoke/", f"/portal/consents/{consent.pk}/revoke/"):
            response = client.post(url, {"reason": "idor"})
            assert response.status_code in (302, 403, 404), f"{who} POST {url} -> {response.status_code}"
            if who != "anonymous":
                assert response.status_code in (403, 404)
    response = client.post(
        "/api/v1/consents/",
        {
            "child": next(iter(foreign_ids)),
            "recipient_provider": world["providers"]["outsider"].pk,
            "purposes": ["referral"],
            "data_categories": ["demographics"],
            "expires_on": "2027-01-01",
            "password": world["password"],
        },
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    for request in ConsentRequest.objects.filter(child_id__in=foreign_ids):
        for url, body in (
            (f"/api/v1/consent-requests/{request.pk}/sign/", {"password": world["password"]}),
            (f"/api/v1/consent-requests/{request.pk}/decline/", {"reason": "idor"}),
            (f"/portal/consent-requests/{request.pk}/", {"action": "decline"}),
        ):
            response = client.post(url, body)
            assert response.status_code in (302, 403, 404), f"{who} POST {url} -> {response.status_code}"
            if who != "anonymous":
                assert response.status_code in (403, 404)
    asked = client.post(
        "/api/v1/consent-requests/",
        {
            "child": next(iter(foreign_ids)),
            "provider": world["providers"]["outsider"].pk,
            "purposes": ["referral"],
            "data_categories": ["demographics"],
        },
        content_type="application/json",
    )
    assert asked.status_code in (403, 404)
    if who != "curator":
        for child_id in foreign_ids:
            for url, body in (
                (f"/api/v1/children/{child_id}/authority/", {"basis": "legal_guardian", "order_number": "X"}),
                (
                    f"/api/v1/children/{child_id}/authority/",
                    {"basis": "legal_guardian", "order_number": "X", "document": world["order_document"].pk},
                ),
                (f"/api/v1/children/{child_id}/restrictions/", {"kind": "no_contact", "order_number": "X"}),
                (f"/authority/children/{child_id}/", {"action": "restriction"}),
            ):
                response = client.post(url, body)
                assert response.status_code in (302, 403, 404), f"{who} POST {url} -> {response.status_code}"
    if who != "curator":  # staff may end any authority (route inventory); a coordinator only in the queue
        for held in Authority.objects.filter(child_id__in=foreign_ids):
            url = f"/api/v1/authorities/{held.pk}/end/"
            response = client.post(url, {"note": "idor"}, content_type="application/json")
            assert response.status_code in (403, 404), f"{who} POST {url} -> {response.status_code}"
        assert list(Authority.objects.values_list("pk", "ends_at").order_by("pk")) == authorities_before
        # Nobody but a recorder (here: the coordinator) stores an order's document.
        documents = OrderDocument.objects.count()
        response = client.post("/api/v1/documents/", {"file": SimpleUploadedFile("o.pdf", b"%PDF-1.7 x")})
        recorder = who == "coordinator"
        assert response.status_code == (201 if recorder else 403), f"{who} POST /api/v1/documents/"
        assert OrderDocument.objects.count() == documents + recorder
    # The family's "was your need met?" (issue 27): nobody answers for another family.
    for referral in Referral.objects.filter(child_id__in=foreign_ids):
        for url in (
            f"/api/v1/referrals/{referral.pk}/family-needs-met/",
            f"/portal/referrals/{referral.pk}/needs-met/",
        ):
            response = client.post(url, {"needs_met": "not_met", "barriers": ["cost"]})
            assert response.status_code in (302, 403, 404), f"{who} POST {url} -> {response.status_code}"
            if who != "anonymous":
                assert response.status_code in (403, 404)
    assert not Referral.objects.filter(child_id__in=foreign_ids).exclude(family_needs_met="").exists()
    assert list(ConsentRequest.objects.values_list("pk", "status").order_by("pk")) == requests_before
    assert list(Consent.objects.values_list("pk", "revoked_at").order_by("pk")) == before, "nothing changed"
    assert list(NextStep.objects.values_list("pk", "done_at").order_by("pk")) == steps_before
