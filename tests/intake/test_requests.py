"""Family requests ("Ask for help") and the care coordinators' queue, through the API a
family's app and a coordinator's screen use."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core import mail as django_mail
from rest_framework.test import APIClient

from audit.models import AuditEvent
from consent.models import Consent
from intake.models import FamilyRequest
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_one
from referrals.models import Referral
from referrals.services import referral_accept

pytestmark = pytest.mark.django_db


def client_for(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def ask(world, username="guardian_es", child="sofia", provider="imh_clinician", **extra):
    body = {
        "child": world["children"][child].pk,
        "provider": world["providers"][provider].pk if provider else None,
        "concern": "No duerme y llora mucho.",
        "preferred_language": "es",
        "contact_method": "none_by_phone",
        "best_times": "",
        "password": world["password"],
        **extra,
    }
    return client_for(username).post("/api/v1/requests/", body, format="json")


def test_asking_a_provider_signs_the_consent_and_sends_a_family_referral(demo):
    before = AuditEvent.objects.count()
    response = ask(demo)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "sent"
    assert body["provider"]["id"] == demo["providers"]["imh_clinician"].pk
    assert body["consent_language"] == "es" and body["consent_text_version"]

    referral = Referral.objects.get(pk=body["referral"])
    assert referral.source == "family" and referral.from_provider is None
    assert referral.to_provider == demo["providers"]["imh_clinician"]
    consent = Consent.objects.get(pk=body["consent"])
    assert consent.purposes == ["referral"] and consent.data_categories == ["demographics"]
    assert consent.signature_method == "portal_esignature"
    assert AuditEvent.objects.count() > before

    # The provider finds it in the inbox, marked as coming from the family.
    inbox = client_for("imh_clinician").get("/api/v1/referrals/?box=inbox").json()["results"]
    row = next(r for r in inbox if r["id"] == referral.pk)
    assert row["source"] == "family" and row["from_provider"] is None
    assert row["child"]["name"] == "Sofía Morales"


def test_each_status_change_reaches_the_family_by_email_in_spanish(demo):
    body = ask(demo).json()
    referral_accept(actor=demo["users"]["imh_clinician"], referral_id=body["referral"])
    mails = OutboxMessage.objects.filter(
        channel="email", recipient_id=demo["users"]["guardian_es"].pk, kind="referral"
    ).order_by("id")
    subjects = [m.subject for m in mails]
    assert any("remisión" in s and "Aceptada" in s for s in subjects), subjects
    assert all(m.language == "es" for m in mails)
    assert all("Sofía" not in m.body for m in mails), "no child details in mail"
    mine = client_for("guardian_es").get("/api/v1/requests/").json()["results"]
    assert next(r for r in mine if r["id"] == body["id"])["status"] == "accepted"


def test_a_duplicate_open_request_is_refused_with_a_code(demo):
    assert ask(demo).status_code == 201
    again = ask(demo)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_request"
    assert (
        Referral.objects.filter(
            child=demo["children"]["sofia"], to_provider=demo["providers"]["imh_clinician"]
        ).count()
        == 1
    )


def test_a_wrong_password_writes_nothing(demo):
    counts = (FamilyRequest.objects.count(), Consent.objects.count(), Referral.objects.count())
    response = ask(demo, password="not-my-password")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert (FamilyRequest.objects.count(), Consent.objects.count(), Referral.objects.count()) == counts


def test_only_a_guardian_of_the_child_may_ask(demo):
    assert ask(demo, username="guardian2").status_code == 404  # not their child
    assert ask(demo, username="pediatrician").json()["code"] == "guardian_only"
    bad = ask(demo, contact_method="pigeon")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_contact_method"


def test_coordinator_routes_and_the_referral_waits_for_the_familys_signature(demo):
    again = ask(demo, provider=None)  # the demo family already waits in the queue
    assert again.status_code == 409 and again.json()["code"] == "duplicate_request"
    queued = {"id": demo["family_requests"]["queued"].pk}
    coordinator = client_for("coordinator")
    queue = coordinator.get("/api/v1/coordination/queue/").json()["results"]
    assert queued["id"] in [r["id"] for r in queue]

    routed = coordinator.post(
        f"/api/v1/coordination/queue/{queued['id']}/route/",
        {"to_provider": demo["providers"]["social_worker"].pk},
        format="json",
    )
    assert routed.status_code == 200, routed.content
    assert routed.json()["status"] == "awaiting_signature"
    # Nothing disclosed yet: no referral, no consent to that provider.
    assert not Referral.objects.filter(
        to_provider=demo["providers"]["social_worker"], child=demo["children"]["sofia"]
    ).exists()
    notice = OutboxMessage.objects.get(key=f"family_request:{queued['id']}:routed")
    assert notice.language == "es" and f"/portal/requests/{queued['id']}/sign/" in notice.body
    assert notice.subject == "Un coordinador de cuidados encontró ayuda para su familia"
    assert "lea la autorización y fírmela aquí" in notice.body
    in_app = OutboxMessage.objects.get(key=f"family_request:{queued['id']}:routed:in_app")
    assert in_app.payload["label"].startswith("Un coordinador de cuidados encontró un proveedor")

    again = coordinator.post(
        f"/api/v1/coordination/queue/{queued['id']}/route/",
        {"to_provider": demo["providers"]["slp"].pk},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"

    family = client_for("guardian_es")
    wrong = family.post(f"/api/v1/requests/{queued['id']}/sign/", {"password": "nope"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_signature"
    signed = family.post(
        f"/api/v1/requests/{queued['id']}/sign/", {"password": demo["password"]}, format="json"
    )
    assert signed.status_code == 200, signed.content
    referral = Referral.objects.get(pk=signed.json()["referral"])
    assert referral.source == "family" and referral.to_provider == demo["providers"]["social_worker"]


def test_coordinators_see_only_children_in_their_queue(demo):
    coordinator = client_for("coordinator")
    assert coordinator.get("/api/v1/children/").json()["results"] == []
    for child in demo["children"].values():
        assert coordinator.get(f"/api/v1/children/{child.pk}/").status_code in (403, 404)
        assert coordinator.get(f"/api/v1/children/{child.pk}/access-log/").status_code in (403, 404)
    assert coordinator.get("/api/v1/referrals/").json()["results"] == []
    direct = ask(demo)  # a request to a provider never reaches the queue
    queue = coordinator.get("/api/v1/coordination/queue/?status=referred").json()["results"]
    assert direct.json()["id"] not in [r["id"] for r in queue]
    assert coordinator.get(f"/api/v1/coordination/queue/{direct.json()['id']}/").status_code == 404
    # Others get no queue at all.
    for username in ("guardian_es", "pediatrician", "curator"):
        response = client_for(username).get("/api/v1/coordination/queue/")
        assert response.status_code == 403 and response.json()["code"] == "coordinator_only"


def test_the_queue_read_is_audited_per_child_and_costs_constant_queries(demo, django_assert_max_num_queries):
    for key in ("mateo", "lucia"):
        ask(demo, username="guardian", child=key, provider=None)
    coordinator = client_for("coordinator")
    before = AuditEvent.objects.filter(object_type="family_request", action="view").count()
    with django_assert_max_num_queries(16):
        response = coordinator.get("/api/v1/coordination/queue/")
    rows = response.json()["results"]
    assert len(rows) >= 3
    after = AuditEvent.objects.filter(object_type="family_request", action="view").count()
    assert after - before == len(rows)


def test_the_queue_page_costs_constant_queries_and_names_only_queued_children(
    demo, client, django_assert_max_num_queries
):
    for key in ("mateo", "lucia"):
        ask(demo, username="guardian", child=key, provider=None)
    client.force_login(demo["users"]["coordinator"])
    with django_assert_max_num_queries(20):
        page = client.get("/coordination/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Sofía Morales" in text and "Mateo Rivera" in text
    assert "Ava Walker" not in text  # no request, never shown


def test_a_guardian_adds_a_child_and_asks_in_one_form(demo, client):
    client.force_login(demo["users"]["guardian2"])
    form = client.get(f"/help/ask/?provider={demo['providers']['slp'].pk}&lang=es")
    assert "Pedir ayuda a Samuel Okafor" in form.content.decode()
    assert "Autorización para compartir información" in form.content.decode()
    response = client.post(
        f"/help/ask/?provider={demo['providers']['slp'].pk}",
        {
            "child": "new",
            "first_name": "Noah",
            "last_name": "Walker",
            "date_of_birth": "2025-02-01",
            "concern": "Not babbling yet.",
            "contact_method": "none_by_phone",
            "preferred_language": "en",
            "best_times": "",
            "password": demo["password"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = FamilyRequest.objects.get(child__first_name="Noah")
    assert made.referral.source == "family" and made.contact_method == "none_by_phone"
    done = client.get(response["Location"])
    assert "Your request was sent to Samuel Okafor" in done.content.decode()
    # Asking again for the same child and provider: a clear message, nothing new.
    again = client.post(
        f"/help/ask/?provider={demo['providers']['slp'].pk}",
        {
            "child": str(made.child_id),
            "concern": "Again.",
            "contact_method": "email",
            "preferred_language": "en",
            "password": demo["password"],
        },
    )
    assert again.status_code == 400
    assert "This provider already has an open referral for this child." in again.content.decode()
    assert FamilyRequest.objects.filter(child=made.child).count() == 1


def test_a_visitor_is_offered_sign_in_or_registration_back_to_the_form(demo, client):
    page = client.get(f"/help/ask/?provider={demo['providers']['slp'].pk}").content.decode()
    assert "/accounts/login/?next=%2Fhelp%2Fask%2F%3Fprovider%3D" in page
    assert "/accounts/register/?next=" in page


def test_the_provider_sees_a_family_request_as_from_the_family_in_pages_and_fhir(demo, client):
    from fhir.resources.R4B.servicerequest import ServiceRequest
    from fhir.resources.R4B.task import Task

    referral = demo["family_requests"]["referred"].referral
    client.force_login(demo["users"]["slp"])
    page = client.get(f"/referrals/{referral.pk}/?lang=en").content.decode()
    assert "The family (request for help)" in page
    inbox = client.get("/dashboard/?lang=en").content.decode()
    assert f'data-referral-id="{referral.pk}"' in inbox and "the family" in inbox
    service_request = ServiceRequest.model_validate(client.get(f"/fhir/ServiceRequest/{referral.pk}").json())
    assert service_request.requester.display.startswith("The child's parent or guardian")
    assert service_request.performer[0].reference == f"Practitioner/{demo['providers']['slp'].pk}"
    Task.model_validate(client.get(f"/fhir/Task/{referral.pk}").json())


def test_me_lists_the_coordinator_role(demo):
    assert "coordinator" in client_for("coordinator").get("/api/v1/me/").json()["roles"]


def test_a_new_family_registers_in_the_flow_and_comes_back_to_ask(demo, client):
    import re

    provider = demo["providers"]["slp"]
    ask_url = f"/help/ask/?provider={provider.pk}"
    page = client.get(ask_url).content.decode()
    register = re.search(r'href="(/accounts/register/\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.post(
        register,
        {
            "first_name": "Lena",
            "last_name": "Park",
            "email": "lena@example.org",
            "relationship": "mother",
            "password": "a-long-family-password-1",
            "password2": "a-long-family-password-1",
        },
    )
    assert response.status_code == 200
    mail = OutboxMessage.objects.get(to_address="lena@example.org", kind="account.confirm")
    # The link is made when the mail is sent (outbox/links.py): deliver it, read the mail.
    assert outbox_deliver_one(message_id=mail.pk)
    (sent,) = [m for m in django_mail.outbox if m.to == ["lena@example.org"]]
    confirm_path = re.search(r"(/accounts/confirm/[^\s]+)", sent.body).group(1)
    confirmed = client.get(confirm_path)
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith("/accounts/login/?next=")
    signed_in = client.post(
        confirmed["Location"], {"username": "lena@example.org", "password": "a-long-family-password-1"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == ask_url
    form = client.get(ask_url).content.decode()
    assert "Ask Samuel Okafor for help" in form and "Another child (add them now)" in form


def test_the_family_withdraws_a_queued_request_and_it_leaves_the_queue(demo):
    queued = demo["family_requests"]["queued"]
    family = client_for("guardian_es")
    assert client_for("guardian").post(f"/api/v1/requests/{queued.pk}/withdraw/").status_code == 404
    response = family.post(f"/api/v1/requests/{queued.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = family.post(f"/api/v1/requests/{queued.pk}/withdraw/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    coordinator = client_for("coordinator")
    assert queued.pk not in [
        r["id"] for r in coordinator.get("/api/v1/coordination/queue/").json()["results"]
    ]
    routed = coordinator.post(
        f"/api/v1/coordination/queue/{queued.pk}/route/",
        {"to_provider": demo["providers"]["slp"].pk},
        format="json",
    )
    assert routed.status_code == 404  # it left the queue: nothing there for the coordinator
    # A referral already sent cannot be withdrawn here (its own lifecycle applies).
    sent = demo["family_requests"]["referred"]
    assert family.post(f"/api/v1/requests/{sent.pk}/withdraw/").status_code == 409


def test_asking_a_provider_already_working_on_an_open_referral_is_refused(demo):
    scheduled = demo["referrals"]["scheduled"]  # the pediatrician's referral of Mateo
    provider_key = next(k for k, p in demo["providers"].items() if p.pk == scheduled.to_provider_id)
    before = Consent.objects.count()
    response = ask(demo, username="guardian", child="mateo", provider=provider_key)
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_request"
    assert Consent.objects.count() == before


def _coordinator_reads(demo, request_id: int) -> list[int]:
    """What the coordinator gets for this request: the API detail, the queue page item,
    and whether it is in any queue listing."""
    from django.test import Client
    from django.urls import reverse

    coordinator = client_for("coordinator")
    page = Client()
    page.force_login(demo["users"]["coordinator"])
    listed = [
        r["id"]
        for status in ("open", "queued", "awaiting_signature", "referred")
        for r in coordinator.get(f"/api/v1/coordination/queue/?status={status}").json()["results"]
    ]
    return [
        coordinator.get(f"/api/v1/coordination/queue/{request_id}/").status_code,
        page.get(reverse("intake-queue-item", kwargs={"request_id": request_id})).status_code,
        int(request_id in listed),
    ]


def test_a_coordinator_cannot_read_a_request_the_family_withdrew(demo):
    """Issue 23, finding 4 (withdrawn): the request left the queue; its child's name,
    birth date and concern are no longer the coordinator's to read."""
    queued = demo["family_requests"]["queued"]
    assert _coordinator_reads(demo, queued.pk) == [200, 200, 1]
    assert client_for("guardian_es").post(f"/api/v1/requests/{queued.pk}/withdraw/").status_code == 200
    assert _coordinator_reads(demo, queued.pk) == [404, 404, 0]
    body = client_for("coordinator").get(f"/api/v1/coordination/queue/{queued.pk}/").content.decode()
    assert queued.child.first_name not in body and queued.concern not in body


def test_a_coordinator_cannot_read_a_routed_request_once_the_family_revoked_its_consent(demo):
    """Issue 23, finding 4 (signed, then revoked): while the consent the family signed is
    active the coordinator follows the request; once revoked, it has left the queue."""
    from consent.services import consent_revoke

    queued = demo["family_requests"]["queued"]
    coordinator = client_for("coordinator")
    routed = coordinator.post(
        f"/api/v1/coordination/queue/{queued.pk}/route/",
        {"to_provider": demo["providers"]["social_worker"].pk},
        format="json",
    )
    assert routed.status_code == 200, routed.content
    signed = client_for("guardian_es").post(
        f"/api/v1/requests/{queued.pk}/sign/", {"password": demo["password"]}, format="json"
    )
    assert signed.status_code == 200, signed.content
    assert _coordinator_reads(demo, queued.pk) == [200, 200, 1]

    consent_revoke(actor=demo["users"]["guardian_es"], consent_id=signed.json()["consent"], reason="no")
    assert _coordinator_reads(demo, queued.pk) == [404, 404, 0]


@pytest.mark.parametrize("ending", ["recipient_declines", "family_revokes"])
def test_a_family_referral_stays_a_stub_for_the_recipient_after_access_ends(demo, client, ending):
    body = ask(demo).json()
    referral_id = body["referral"]
    recipient = client_for("imh_clinician")
    if ending == "recipient_declines":
        declined = recipient.post(
            f"/api/v1/referrals/{referral_id}/decline/", {"decline_reason": "no_capacity"}, format="json"
        )
        assert declined.status_code == 200, declined.content
    else:
        revoked = client_for("guardian_es").post(f"/api/v1/consents/{body['consent']}/revoke/")
        assert revoked.status_code == 200, revoked.content

    listing = recipient.get("/api/v1/referrals/?box=inbox")
    assert listing.status_code == 200, listing.content
    row = next(r for r in listing.json()["results"] if r["id"] == referral_id)
    assert row["restricted"] is True and row["child"] is None
    assert row["source"] == "family" and row["from_provider"] is None

    detail = recipient.get(f"/api/v1/referrals/{referral_id}/")
    assert detail.status_code == 200, detail.content
    assert detail.json()["restricted"] is True and detail.json()["from_provider"] is None
    assert "Sofía" not in detail.content.decode()

    client.force_login(demo["users"]["imh_clinician"])
    page = client.get(f"/referrals/{referral_id}/?lang=en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "The family (request for help)" in text and "Sofía" not in text
    dashboard = client.get("/dashboard/?lang=en")
    assert dashboard.status_code == 200
    assert f'data-referral-id="{referral_id}"' in dashboard.content.decode()


def test_the_familys_reads_of_its_own_requests_are_in_the_childs_access_log(demo, client):
    """Like every other read of a child's data (the portal, the family's referrals), a
    family reading its requests for help (the child, the concern) writes an audit row:
    one per child a list shows, one per request a page opens."""
    guardian = demo["users"]["guardian_es"]
    queued = demo["family_requests"]["queued"]
    child_id = queued.child_id

    def reads():
        return AuditEvent.objects.filter(
            actor=guardian, action="view", object_type="family_request", child_id=child_id, outcome="allowed"
        ).count()

    before = reads()
    listing = client_for("guardian_es").get("/api/v1/requests/")
    assert queued.pk in [r["id"] for r in listing.json()["results"]]
    assert reads() == before + 1

    client.force_login(guardian)
    for url in (
        "/portal/requests/",
        f"/help/requests/{queued.pk}/",
        f"/portal/requests/{queued.pk}/sign/",
        "/portal/",
    ):
        shown = reads()
        page = client.get(url)
        assert page.status_code == 200, url
        assert queued.child.name in page.content.decode() or url.endswith("/sign/"), url
        assert reads() == shown + 1, url


def test_asking_for_help_is_refused_in_the_same_words_by_the_page_and_the_api(demo, client):
    """One input (``intake.forms.RequestForm``): a contact method nobody offered gets the
    code clients know from the API and the same plain sentence on both doors."""
    answer = ask(demo, contact_method="pigeon")
    assert answer.json() == {
        "detail": "contact_method: Choose how we may contact you.",
        "code": "invalid_contact_method",
        "field": "contact_method",
    }
    client.force_login(demo["users"]["guardian_es"])
    page = client.post(
        f"/help/ask/?provider={demo['providers']['imh_clinician'].pk}&lang=en",
        {
            "child": str(demo["children"]["sofia"].pk),
            "concern": "No duerme y llora mucho.",
            "contact_method": "pigeon",
            "preferred_language": "es",
            "password": demo["password"],
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert '<p class="error" role="alert">Choose how we may contact you.</p>' in html
    assert "No duerme y llora mucho." in html
