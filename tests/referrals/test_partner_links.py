"""Issue 27, "partners without accounts": a referral to a directory listing nobody claimed,
or to a partner the referrer names (name, e-mail, phone), reaches it by e-mailed
one-time links: accept or decline, then schedule, then the outcome, one step per link,
each step sending the next. The page shows only what the family's consent covers for the
partner; every action is on the referral's timeline and in the child's access log as
"<partner>, by link"; a reused, altered or expired link, or one whose family revoked the
consent, is refused and the refusal logged."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from consent.services import consent_revoke
from directory.models import Provider
from referrals.models import PartnerLink, Referral
from tests.factories.directory import ProviderFactory
from tests.factories.referrals import asq_se_2, grant

LINK = re.compile(r"https?://[^\s]+(/r/[^\s/]+/)")
SOON = (timezone.now() + datetime.timedelta(days=9)).replace(second=0, microsecond=0)


def links() -> list[str]:
    """The partner links e-mailed so far, in order (read from the mail actually sent)."""
    found = []
    for message in mail.outbox:
        match = LINK.search(message.body)
        if match:
            found.append(match.group(1))
    return found


@pytest.fixture
def early_on(world):
    """A directory listing with no account (nobody claimed it), covered by the family's
    consent for referrals, demographics and screening results but not developmental history."""
    listing = ProviderFactory(user=None, name="Early On Washtenaw", email="intake@earlyon.example.test")
    grant(world, listing, purposes=("referral",), categories=("demographics", "screening_results"))
    return listing


def refer(world, as_user, body, django_capture_on_commit_callbacks):
    payload = {
        "child": world.child.pk,
        "reason": "Few words at 20 months; family wants an evaluation.",
        "concern_type": "speech_language",
        "screenings": [asq_se_2()],
        **body,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return as_user(world.referrer.user).post("/api/v1/referrals/", payload, format="json")


def post_step(link, data, django_capture_on_commit_callbacks):
    """Open the link's page (as the partner would), then do its step."""
    client = Client()
    assert client.get(link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(link, data)


def test_a_referral_to_a_listing_without_an_account_mails_the_partner_a_link(
    world, early_on, as_user, django_capture_on_commit_callbacks
):
    response = refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partner"] == {"name": "Early On Washtenaw", "via_link": True}
    assert body["record_only"] is False
    sent = [m for m in mail.outbox if m.to == ["intake@earlyon.example.test"]]
    assert len(sent) == 1
    assert "expires on" in sent[0].body
    assert world.child.first_name not in sent[0].body and world.child.first_name not in sent[0].subject
    assert len(links()) == 1
    # Only the token's hash is kept.
    token = links()[0].split("/")[2]
    assert not PartnerLink.objects.filter(token_hash=token).exists()
    assert PartnerLink.objects.get().token_hash != ""


def test_the_partner_page_shows_only_what_the_consent_covers(
    world, early_on, as_user, django_capture_on_commit_callbacks
):
    refer(
        world,
        as_user,
        {"to_provider": early_on.pk},
        django_capture_on_commit_callbacks,
    )
    page = Client().get(links()[0])
    assert page.status_code == 200
    text = page.content.decode()
    assert world.child.first_name in text
    assert "ASQ" in text  # screening results are covered
    assert "Early On Washtenaw" in text
    assert "expires on" in text.lower()
    spanish = Client().get(links()[0] + "?lang=es").content.decode()
    assert (
        '<html lang="es">' in spanish and "Vence el" in spanish and "La familia comparte con usted" in spanish
    )
    # Opening is a read: received, on the timeline and in the access log, by link.
    referral = Referral.objects.get()
    assert referral.status == "received"
    assert referral.events.last().partner_name == "Early On Washtenaw"
    rows = AuditEvent.objects.filter(child=world.child, actor_label="Early On Washtenaw (partner_link)")
    assert set(rows.values_list("data_category", flat=True)) >= {"demographics", "screening_results"}


def test_a_partner_named_on_the_referral_needs_the_familys_consent_then_gets_its_link(
    world, as_user, django_capture_on_commit_callbacks
):
    partner = {
        "name": "Little Steps Play Therapy",
        "email": "hello@littlesteps.example.test",
        "phone": "734-555-0100",
    }
    refused = refer(world, as_user, {"to_partner": partner}, django_capture_on_commit_callbacks)
    assert refused.status_code == 403
    assert refused.json()["code"] == "consent_required"
    listing = Provider.objects.get(pk=refused.json()["to_provider"])
    assert listing.unlisted and listing.user_id is None and listing.name == "Little Steps Play Therapy"
    # Never in the public directory.
    assert Client().get(f"/api/v1/providers/{listing.pk}/").status_code == 404
    search = Client().get("/api/v1/providers/", {"q": "Little Steps"}).json()
    assert all(r["id"] != listing.pk for r in search["results"])
    # The family shares with the partner (the consent names it like any recipient).
    grant(world, listing, purposes=("referral",), categories=("demographics", "screening_results"))
    sent = refer(world, as_user, {"to_partner": partner}, django_capture_on_commit_callbacks)
    assert sent.status_code == 201, sent.content
    assert sent.json()["partner"] == {"name": "Little Steps Play Therapy", "via_link": True}
    assert sent.json()["to_provider"]["id"] == listing.pk  # the same record, not a second one
    assert [m.to for m in mail.outbox if "littlesteps" in m.to[0]] == [["hello@littlesteps.example.test"]]
    assert len(links()) == 1


def test_a_partner_needs_a_name_and_an_email_or_a_mobile_for_its_link(
    world, as_user, django_capture_on_commit_callbacks
):
    no_name = refer(
        world, as_user, {"to_partner": {"email": "a@b.example.test"}}, django_capture_on_commit_callbacks
    )
    assert no_name.status_code == 400 and no_name.json()["field"] == "to_partner.name"
    phone_only = refer(
        world,
        as_user,
        {"to_partner": {"name": "Pat", "phone": "555-01"}},
        django_capture_on_commit_callbacks,
    )
    # A phone that cannot take a text carries no link (a textable one does: test_partner_texts).
    assert phone_only.status_code == 400 and phone_only.json()["field"] == "to_partner.phone"
    both = refer(
        world,
        as_user,
        {"to_provider": world.recipient.pk, "to_partner": {"name": "Pat", "email": "p@x.example.test"}},
        django_capture_on_commit_callbacks,
    )
    assert both.status_code == 400


def test_the_partner_accepts_schedules_and_completes_from_three_links(
    world, early_on, as_user, django_capture_on_commit_callbacks
):
    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    first = links()[0]
    assert (
        post_step(
            first, {"action": "accept", "note": "We can see them."}, django_capture_on_commit_callbacks
        ).status_code
        == 200
    )
    second = links()[1]
    assert second != first
    assert (
        post_step(
            second,
            {"action": "schedule", "appointment_at": SOON.strftime("%Y-%m-%dT%H:%M")},
            django_capture_on_commit_callbacks,
        ).status_code
        == 200
    )
    third = links()[2]
    done = post_step(
        third,
        {"action": "complete", "outcome": "connected", "note": "Enrolled."},
        django_capture_on_commit_callbacks,
    )
    assert done.status_code == 200
    assert len(links()) == 3  # nothing after the outcome
    referral = Referral.objects.get()
    assert referral.status == "completed" and referral.outcome == "connected"
    # The referrer sees the outcome and who gave it, on the timeline.
    detail = as_user(world.referrer.user).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert detail["outcome"] == "connected"
    by_link = [e for e in detail["timeline"] if e["actor"] and e["actor"].get("via_link")]
    assert [e["to_status"] for e in by_link] == ["received", "accepted", "scheduled", "completed"]
    assert {e["actor"]["name"] for e in by_link} == {"Early On Washtenaw, by link"}
    # And the family reads it in the child's access log.
    log = as_user(world.guardian.user).get(f"/api/v1/children/{world.child.pk}/access-log/").json()
    assert "Early On Washtenaw (partner_link)" in {e["who"] for e in log["results"]}
    family = Client()
    family.force_login(world.guardian.user)
    page = family.get(f"/portal/children/{world.child.pk}/access-log/").content.decode()
    assert "Early On Washtenaw, by link" in page
    assert (
        "Early On Washtenaw, por enlace"
        in family.get(f"/portal/children/{world.child.pk}/access-log/?lang=es").content.decode()
    )


def test_a_reused_link_is_refused_and_logged(world, early_on, as_user, django_capture_on_commit_callbacks):
    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    first = links()[0]
    post_step(first, {"action": "accept"}, django_capture_on_commit_callbacks)
    again = Client().post(first, {"action": "decline", "decline_reason": "other"})
    assert again.status_code == 409
    assert 'data-error-code="link_used"' in again.content.decode()
    assert Client().get(first, HTTP_ACCEPT="application/json").json()["code"] == "link_used"
    assert Referral.objects.get().status == "accepted"
    assert (
        AuditEvent.objects.filter(
            child=world.child, outcome="denied", object_type="partner_link", detail__contains="link_used"
        ).count()
        == 2
    )


def test_an_altered_link_is_refused_and_logged(world, early_on, as_user, django_capture_on_commit_callbacks):
    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    link = links()[0]
    altered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    response = Client().get(altered, HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response.json()["code"] == "link_invalid"
    assert Client().get("/r/not-a-token/").status_code == 404
    assert (
        AuditEvent.objects.filter(
            outcome="denied", object_type="partner_link", detail__contains="link_invalid"
        ).count()
        == 2
    )
    assert Referral.objects.get().status == "sent"


def test_an_expired_link_is_410_and_says_when(world, early_on, as_user, django_capture_on_commit_callbacks):
    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    PartnerLink.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = Client().get(links()[0])
    assert response.status_code == 410
    assert 'data-error-code="link_expired"' in response.content.decode()
    assert "stopped working" in response.content.decode()
    assert AuditEvent.objects.filter(
        child=world.child, outcome="denied", detail__contains="link_expired"
    ).exists()


def test_a_link_is_refused_once_the_family_revokes(
    world, early_on, as_user, django_capture_on_commit_callbacks
):
    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    for consent in early_on.consents.all():
        consent_revoke(actor=world.guardian.user, consent_id=consent.pk, reason="changed my mind")
    response = Client().get(links()[0])
    assert response.status_code == 403
    assert world.child.first_name not in response.content.decode()
    refused = Client().post(links()[0], {"action": "accept"})
    assert refused.status_code == 403
    assert Referral.objects.get().status == "sent"
    assert (
        AuditEvent.objects.filter(
            child=world.child,
            outcome="denied",
            actor_label="Early On Washtenaw (partner_link)",
            detail__contains="consent_required",
        ).count()
        == 2
    )


def test_the_page_leaves_out_what_the_consent_does_not_cover(
    world, as_user, django_capture_on_commit_callbacks
):
    listing = ProviderFactory(user=None, name="Bright Start", email="bs@example.test")
    # Screening results are attached, but a second consent covering only demographics
    # is what remains once the wider one is revoked: the page leaves the screening out.
    wide = grant(world, listing, purposes=("referral",), categories=("demographics", "screening_results"))
    refer(world, as_user, {"to_provider": listing.pk}, django_capture_on_commit_callbacks)
    consent_revoke(actor=world.guardian.user, consent_id=wide.pk, reason="less")
    grant(world, listing, purposes=("referral",), categories=("demographics",))
    # The referral carries screening results: without them covered the link is refused.
    assert Client().get(links()[0]).status_code == 403


def test_a_swapped_link_id_is_refused(world, early_on, as_user, django_capture_on_commit_callbacks):
    """IDOR: a link names its row inside the signature; another id is not a link."""
    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    link = links()[0]
    token = link.split("/")[2]
    link_id, rest = token.split(".", 1)
    swapped = f"/r/{int(link_id) + 1}.{rest}/"
    assert Client().get(swapped).status_code == 404
    assert Client().post(swapped, {"action": "accept"}).status_code == 404
    assert Referral.objects.get().status == "sent"


# --- the partner signs up and claims its listing -------------------------------------------


def test_a_partner_who_claims_its_listing_sees_the_same_referrals(
    world, early_on, as_user, django_capture_on_commit_callbacks
):
    from tests.factories.base import UserFactory

    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    post_step(links()[0], {"action": "accept"}, django_capture_on_commit_callbacks)
    referral = Referral.objects.get()
    account = UserFactory()
    claim = as_user(account).post(
        f"/api/v1/providers/{early_on.pk}/claim/", {"note": "Our office"}, format="json"
    )
    assert claim.status_code == 201
    # Before a curator approves, the account sees nothing.
    assert as_user(account).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    curator = UserFactory(is_staff=True)
    approved = as_user(curator).post(
        f"/api/v1/listing-claims/{claim.json()['id']}/approve/", {}, format="json"
    )
    assert approved.status_code == 200
    account = type(account).objects.get(pk=account.pk)  # a new request: its listing read afresh
    inbox = as_user(account).get("/api/v1/referrals/", {"box": "inbox"}).json()
    assert [r["id"] for r in inbox["results"]] == [referral.pk]
    detail = as_user(account).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert detail["child"]["name"] == world.child.name
    assert detail["your_role"] == "recipient"
    assert detail["partner"] is None  # it has an account now
    assert "schedule" in detail["actions"]
    # It goes on signed in.
    scheduled = as_user(account).post(
        f"/api/v1/referrals/{referral.pk}/schedule/", {"appointment_at": SOON.isoformat()}, format="json"
    )
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"


# --- record-only referrals -------------------------------------------------------------------


def test_a_referral_made_by_phone_is_recorded_and_its_outcome_entered_later(
    world, as_user, django_capture_on_commit_callbacks
):
    # No e-mail and no number to text (a number would get the link by text: test_partner_texts).
    by_phone = ProviderFactory(user=None, name="County Health Nurses", email="", phone="")
    grant(world, by_phone, purposes=("referral",), categories=("demographics", "screening_results"))
    without = refer(world, as_user, {"to_provider": by_phone.pk}, django_capture_on_commit_callbacks)
    assert without.status_code == 400 and without.json()["code"] == "recipient_has_no_account"
    mail.outbox.clear()
    response = refer(
        world, as_user, {"to_provider": by_phone.pk, "record_only": True}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["record_only"] is True and body["partner"] is None
    # Nothing goes to the recipient: no link, no e-mail to it.
    assert not PartnerLink.objects.exists()
    assert links() == []
    # The referrer enters the answer, the appointment and the outcome.
    referrer = as_user(world.referrer.user)
    assert set(body["actions"]) >= {"accept", "decline", "cancel"}
    pk = body["id"]
    assert referrer.post(f"/api/v1/referrals/{pk}/accept/", {}, format="json").status_code == 200
    assert (
        referrer.post(
            f"/api/v1/referrals/{pk}/schedule/", {"appointment_at": SOON.isoformat()}, format="json"
        ).status_code
        == 200
    )
    done = referrer.post(f"/api/v1/referrals/{pk}/complete/", {"outcome": "connected"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    timeline = referrer.get(f"/api/v1/referrals/{pk}/").json()["timeline"]
    assert [e["actor"]["id"] for e in timeline] == [world.referrer.user.pk] * 4
    # It counts in the loop: the referrer's outbox lists it, closed.
    outbox = referrer.get("/api/v1/referrals/", {"box": "outbox", "status": "completed"}).json()
    assert [r["id"] for r in outbox["results"]] == [pk]


def test_record_only_does_not_let_a_referrer_answer_an_ordinary_referral(
    world, as_user, django_capture_on_commit_callbacks
):
    response = refer(world, as_user, {"to_provider": world.recipient.pk}, django_capture_on_commit_callbacks)
    pk = response.json()["id"]
    assert "accept" not in response.json()["actions"]
    refused = as_user(world.referrer.user).post(f"/api/v1/referrals/{pk}/accept/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"


def test_a_record_only_referral_to_a_partner_with_an_account_tells_nobody(
    world, as_user, django_capture_on_commit_callbacks
):
    response = refer(
        world,
        as_user,
        {"to_provider": world.recipient.pk, "record_only": True},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 201
    assert not [m for m in mail.outbox if m.to == [world.recipient.user.email]]


# --- the web form ------------------------------------------------------------------------------


def test_the_form_names_a_partner_and_records_a_referral_made_by_phone(
    world, django_capture_on_commit_callbacks
):
    page = Client()
    page.force_login(world.referrer.user)
    form = {
        "child": world.child.pk,
        "reason": "Family asked for parenting support.",
        "concern_type": "family_support",
        "urgency": "routine",
        "partner_name": "Parents Together",
        "partner_email": "hello@parents.example.test",
    }
    refused = page.post("/referrals/new/", form)
    assert refused.status_code == 403
    assert 'data-error-code="consent_required"' in refused.content.decode()
    listing = Provider.objects.get(name="Parents Together", unlisted=True)
    # The partner comes back chosen, so the family can be asked to share with it.
    assert f'<option value="{listing.pk}"' in refused.content.decode()
    assert re.search(rf'name="provider" value="{listing.pk}"', refused.content.decode())
    grant(world, listing, purposes=("referral",), categories=("demographics",))
    with django_capture_on_commit_callbacks(execute=True):
        sent = page.post("/referrals/new/", form)
    assert sent.status_code == 302
    referral = Referral.objects.get(to_provider=listing)
    assert not referral.record_only and len(links()) == 1
    shown = page.get(sent["Location"]).content.decode()
    assert "no account: answers by e-mailed link" in shown

    missing = page.post("/referrals/new/", {**form, "partner_email": ""})
    assert missing.status_code == 400
    assert 'id="partner_email-error"' in missing.content.decode()

    by_phone = {
        **form,
        "partner_name": "Grandma's Daycare",
        "partner_email": "",
        "partner_phone": "734-555-0112",
    }
    by_phone["record_only"] = "on"
    phoned = Provider.objects.create(
        name="Grandma's Daycare", phone="734-555-0112", unlisted=True, discipline=""
    )
    grant(world, phoned, purposes=("referral",), categories=("demographics",))
    recorded = page.post("/referrals/new/", by_phone)
    assert recorded.status_code == 302, recorded.content.decode()[:2000]
    referral = Referral.objects.get(to_provider=phoned)
    assert referral.record_only
    assert "recorded: made by phone or fax" in page.get(recorded["Location"]).content.decode()


def test_an_appointment_in_the_past_is_refused_beside_its_field_and_the_link_stays_unused(
    world, early_on, as_user, django_capture_on_commit_callbacks
):
    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    post_step(links()[0], {"action": "accept"}, django_capture_on_commit_callbacks)
    second = links()[1]
    response = Client().post(second, {"action": "schedule", "appointment_at": "2020-01-01T10:00"})
    assert response.status_code == 400
    assert 'id="appointment_at-error"' in response.content.decode()
    assert PartnerLink.objects.get(step="schedule").used_at is None
    assert (
        post_step(
            second,
            {"action": "schedule", "appointment_at": SOON.strftime("%Y-%m-%dT%H:%M")},
            django_capture_on_commit_callbacks,
        ).status_code
        == 200
    )


def test_a_decline_by_link_ends_the_chain_and_the_referrer_is_told(
    world, early_on, as_user, django_capture_on_commit_callbacks
):
    refer(world, as_user, {"to_provider": early_on.pk}, django_capture_on_commit_callbacks)
    done = post_step(
        links()[0],
        {"action": "decline", "decline_reason": "out_of_area", "note": "Not our county."},
        django_capture_on_commit_callbacks,
    )
    assert done.status_code == 200
    assert "There is nothing more to do" in done.content.decode()
    assert len(links()) == 1
    referral = Referral.objects.get()
    assert referral.status == "declined" and referral.decline_reason == "out_of_area"
    told = [m for m in mail.outbox if m.to == [world.referrer.user.email]]
    assert told and f"/referrals/{referral.pk}/" in told[-1].body
    detail = as_user(world.referrer.user).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert detail["timeline"][-1]["actor"]["name"] == "Early On Washtenaw, by link"
