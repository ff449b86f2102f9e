"""Issue 27, "partners without accounts" by text: a partner named with a mobile number and
no e-mail address gets each step's one-time link by text (through the outbox's ``sms``
channel; the file backend here) and can answer, schedule and record the outcome from
them. A partner text carries a status line, the link and when it expires: never the
child, the sender or the reason. A STOP from the partner's number stops its texts too
(STOP applies to a number, whoever holds it)."""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.test import Client

from outbox.models import OutboxMessage
from referrals.models import PartnerLink, Referral
from tests.factories.referrals import asq_se_2, grant
from tests.texts.conftest import clock, deliver, reply, texts  # noqa: F401  # fixtures

PARTNER_NUMBER = "+17345550123"
LINK = re.compile(r"https?://[^\s]+(/r/[^\s/]+/)")
PARTNER_LINK_KIND = "referral.partner_link"
PARTNER = {"name": "Little Steps Play Therapy", "phone": "(734) 555-0123"}


def partner_links(texts) -> list[str]:  # noqa: F811
    return [m.group(1) for t in texts.to(PARTNER_NUMBER) if (m := LINK.search(t["body"]))]


def refer(world, as_user, callbacks):
    payload = {
        "child": world.child.pk,
        "reason": "Few words at 20 months; family wants an evaluation.",
        "concern_type": "speech_language",
        "screenings": [asq_se_2()],
        "to_partner": PARTNER,
    }
    with callbacks(execute=True):
        response = as_user(world.referrer.user).post("/api/v1/referrals/", payload, format="json")
    deliver()
    return response


def referrer_told_once(world, as_user, number) -> None:
    """The referrer has ONE in-app notice that the partner could not be sent the next
    step's link (naming the referral and the partner), and reads it in the bell."""
    told = OutboxMessage.objects.filter(
        channel="in_app", kind="referral.partner_unreachable", recipient=world.referrer.user
    )
    assert told.count() == 1
    bell = as_user(world.referrer.user).get("/api/v1/notices/").json()
    titles = [item["title"] for item in bell["results"]]
    expected = f"Referral #{number}: Little Steps Play Therapy could not be sent the link for the next step"
    assert any(title.startswith(expected) for title in titles), titles


def step(link, data, callbacks):
    client = Client()
    assert client.get(link).status_code == 200
    with callbacks(execute=True):
        response = client.post(link, data)
    deliver()
    return response


def _shared(world, as_user, callbacks):
    refused = refer(world, as_user, callbacks)
    assert refused.status_code == 403 and refused.json()["code"] == "consent_required"
    from directory.models import Provider

    listing = Provider.objects.get(pk=refused.json()["to_provider"])
    assert listing.unlisted and listing.email == ""
    grant(world, listing, purposes=("referral",), categories=("demographics", "screening_results"))
    return listing


def test_a_phone_only_partner_gets_each_link_by_text_and_completes_the_referral(
    world,
    as_user,
    texts,  # noqa: F811
    clock,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    _shared(world, as_user, django_capture_on_commit_callbacks)
    sent = refer(world, as_user, django_capture_on_commit_callbacks)
    assert sent.status_code == 201, sent.content
    assert sent.json()["partner"] == {"name": "Little Steps Play Therapy", "via_link": True}
    assert all("/r/" not in m.body for m in mail.outbox), "no e-mail: the partner gave none"
    assert len(partner_links(texts)) == 1
    assert PartnerLink.objects.get().sent_to == PARTNER_NUMBER

    when = (datetime.datetime.now() + datetime.timedelta(days=9)).strftime("%Y-%m-%dT10:00")
    links = partner_links(texts)
    assert step(links[0], {"action": "accept"}, django_capture_on_commit_callbacks).status_code == 200
    links = partner_links(texts)
    assert len(links) == 2
    scheduled = step(
        links[1], {"action": "schedule", "appointment_at": when}, django_capture_on_commit_callbacks
    )
    assert scheduled.status_code == 200, scheduled.content.decode()[:1500]
    links = partner_links(texts)
    assert len(links) == 3
    done = step(
        links[2],
        {"action": "complete", "outcome": "connected", "note": "Enrolled."},
        django_capture_on_commit_callbacks,
    )
    assert done.status_code == 200
    referral = Referral.objects.get()
    assert referral.status == "completed" and referral.outcome == "connected"
    # Each link worked once.
    assert Client().post(links[0], {"action": "accept"}).status_code == 409

    child = world.child
    forbidden = [
        child.first_name,
        child.last_name,
        child.date_of_birth.isoformat(),
        f"{child.date_of_birth:%m/%d/%Y}",
        "ASQ",
        "Few words",
        "speech",
        "Enrolled",
        "connected",
        world.referrer.name,
    ]
    bodies = [t["body"] for t in texts.to(PARTNER_NUMBER)]
    assert len(bodies) == 3
    for body in bodies:
        assert "A referral is waiting for you" in body
        assert "expires" in body and "America/New_York" in body
        assert "Reply STOP" in body
        leaked = [word for word in forbidden if word.lower() in body.lower()]
        assert not leaked, (leaked, body)
        assert len(body) <= 320
    # The outbox never kept a usable link.
    for row in OutboxMessage.objects.filter(channel="sms", kind="referral.partner_link"):
        assert "/r/" not in row.body


def test_partner_texts_keep_quiet_hours_in_the_network_zone(
    world,
    as_user,
    texts,  # noqa: F811
    clock,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    _shared(world, as_user, django_capture_on_commit_callbacks)
    clock.shift(datetime.timedelta(hours=13))  # 23:00 in New York
    refer(world, as_user, django_capture_on_commit_callbacks)
    assert partner_links(texts) == []
    clock.shift(datetime.timedelta(hours=10))  # 09:00 the next morning
    deliver()
    assert len(partner_links(texts)) == 1


def test_a_link_text_held_for_the_morning_and_dropped_after_a_stop_tells_the_referrer(
    world,
    as_user,
    client,
    texts,  # noqa: F811
    clock,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """The link was queued at night (quiet hours), the number replied STOP before morning:
    the text is dropped when it comes due, and the referrer hears it could not go, as when
    the STOP came first."""
    _shared(world, as_user, django_capture_on_commit_callbacks)
    clock.shift(datetime.timedelta(hours=13))  # 23:00 in New York: the link text waits
    sent = refer(world, as_user, django_capture_on_commit_callbacks)
    assert sent.status_code == 201 and partner_links(texts) == []
    assert not OutboxMessage.objects.filter(kind="referral.partner_unreachable").exists()
    assert reply(client, "STOP", number=PARTNER_NUMBER).json() == {"action": "stopped"}
    clock.shift(datetime.timedelta(hours=10))  # 09:00: the held link comes due
    deliver()
    assert partner_links(texts) == []
    assert OutboxMessage.objects.get(kind=PARTNER_LINK_KIND).status == "dropped"
    referrer_told_once(world, as_user, sent.json()["id"])
    deliver()  # due again: told once
    referrer_told_once(world, as_user, sent.json()["id"])


def test_stop_from_a_partners_number_stops_its_texts(
    world,
    as_user,
    client,
    texts,  # noqa: F811
    clock,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    _shared(world, as_user, django_capture_on_commit_callbacks)
    refer(world, as_user, django_capture_on_commit_callbacks)
    first = partner_links(texts)[0]
    assert reply(client, "Baja", number=PARTNER_NUMBER).json() == {"action": "stopped"}
    deliver()
    step(first, {"action": "accept"}, django_capture_on_commit_callbacks)
    assert Referral.objects.get().status == "accepted"
    # The confirmation of the STOP, and no next link.
    after = texts.to(PARTNER_NUMBER)[1:]
    assert len(after) == 1 and "no enviaremos más" in after[0]["body"]  # BAJA: answered in Spanish
    assert len(partner_links(texts)) == 1
    assert OutboxMessage.objects.filter(kind="referral.partner_link").count() == 1, (
        "nothing queued after STOP"
    )


def test_after_a_partners_stop_the_page_and_the_referrer_say_the_next_link_could_not_go(
    world,
    as_user,
    client,
    texts,  # noqa: F811
    clock,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """The chain does not stall unseen: the partner's page says the next link was not
    texted (and how to get texts again), and the referrer is told to follow up by phone."""
    _shared(world, as_user, django_capture_on_commit_callbacks)
    sent = refer(world, as_user, django_capture_on_commit_callbacks)
    number = sent.json()["id"]
    first = partner_links(texts)[0]
    assert reply(client, "STOP", number=PARTNER_NUMBER).json() == {"action": "stopped"}
    deliver()
    done = step(first, {"action": "accept"}, django_capture_on_commit_callbacks).content.decode()
    assert "We sent the link for the next step" not in done
    assert "could not text you the link for the next step" in done
    assert "Reply START" in done
    referrer_told_once(world, as_user, number)
    titles = [
        item["title"] for item in as_user(world.referrer.user).get("/api/v1/notices/").json()["results"]
    ]
    assert any("call them" in title for title in titles), titles
    # Nothing about the child in what the referrer reads from it.
    row = OutboxMessage.objects.get(channel="in_app", kind="referral.partner_unreachable")
    assert world.child.first_name not in str(row.payload)


def test_a_referral_to_a_number_that_replied_stop_tells_the_referrer_at_once(
    world,
    as_user,
    client,
    texts,  # noqa: F811
    clock,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    assert reply(client, "STOP", number=PARTNER_NUMBER).json() == {"action": "stopped"}
    deliver()
    _shared(world, as_user, django_capture_on_commit_callbacks)
    sent = refer(world, as_user, django_capture_on_commit_callbacks)
    assert sent.status_code == 201
    assert partner_links(texts) == []
    notice = OutboxMessage.objects.get(channel="in_app", kind="referral.partner_unreachable")
    assert notice.recipient == world.referrer.user
    assert notice.payload["step"] == "respond"


def test_the_form_names_a_partner_by_phone_only_and_the_page_says_where_links_go(
    world,
    texts,  # noqa: F811
    clock,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    page = Client()
    page.force_login(world.referrer.user)
    form = {
        "child": world.child.pk,
        "reason": "Family asked for parenting support.",
        "concern_type": "family_support",
        "urgency": "routine",
        "partner_name": PARTNER["name"],
        "partner_email": "",
        "partner_phone": "not a number",
    }
    refused = page.post("/referrals/new/", form)
    assert refused.status_code == 400
    assert 'id="partner_phone-error"' in refused.content.decode()
    assert "mobile number" in refused.content.decode()
    form["partner_phone"] = PARTNER["phone"]
    assert page.post("/referrals/new/", form).status_code == 403  # the family must share first
    from directory.models import Provider

    grant(world, Provider.objects.get(unlisted=True), purposes=("referral",), categories=("demographics",))
    with django_capture_on_commit_callbacks(execute=True):
        sent = page.post("/referrals/new/", form)
    deliver()
    assert sent.status_code == 302, sent.content.decode()[:1500]
    assert "no account: answers by texted link" in page.get(sent["Location"]).content.decode()
    first = partner_links(texts)[0]
    done = step(first, {"action": "accept"}, django_capture_on_commit_callbacks)
    assert "We sent the link for the next step to (734) 555-0123" in done.content.decode()
    assert len(partner_links(texts)) == 2
