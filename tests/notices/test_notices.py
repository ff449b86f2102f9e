"""The notice centre, as a provider lives it: a referral arrives, an outcome comes back,
a consent request is answered (a kind the centre knows nothing about), reminders; each
reads in plain words, links where it is about, and is marked read by its owner only."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from outbox.models import OutboxMessage
from outbox.services import outbox_notify
from tests.factories.referrals import referral_world, send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def notices(user, query: str = "") -> dict:
    response = api(user).get(f"/api/v1/notices/{query}")
    assert response.status_code == 200
    return response.json()


def test_a_new_referral_is_a_notice_in_plain_words_with_a_link():
    world = referral_world()
    referral = send(world)
    page = notices(world.recipient.user)
    assert page["unread_count"] == 1 and page["count"] == 1
    [notice] = page["results"]
    assert notice["kind"] == "referral.received" and notice["category"] == "referral"
    assert notice["category_label"] == "New referral"
    assert notice["title"] == f"New referral #{referral.pk} is waiting for you."
    assert notice["url"] == f"/referrals/{referral.pk}/"
    assert notice["read_at"] is None
    assert notices(world.referrer.user)["count"] == 0  # the sender is not told about their own send


def test_an_outcome_back_says_so_to_the_referrer():
    world = referral_world()
    referral = advance(world, send(world), "completed")
    results = notices(world.referrer.user)["results"]
    outcome = next(n for n in results if n["category"] == "outcome")
    assert outcome["category_label"] == "Outcome back"
    assert outcome["title"] == f"Outcome back: referral #{referral.pk} was completed. See the outcome."
    assert outcome["url"] == f"/referrals/{referral.pk}/"
    # The dashboard says so too, in its own section.
    client = Client()
    client.force_login(world.referrer.user)
    html = client.get("/dashboard/").content.decode()
    section = html[html.index('id="outcomes-back"') :]
    assert f"#{referral.pk}" in section[: section.index("</section>")]


def test_any_app_adds_a_notice_type_through_the_outbox_and_it_reads_as_given():
    # A kind the centre has no entry for (e.g. consent requests, built elsewhere): the
    # producer's label and link are shown; an outside link is never followed.
    world = referral_world()
    user = world.referrer.user
    outbox_notify(
        user.pk,
        "consent_request.signed",
        {"consent_request_id": 4, "label": "The family signed your consent request", "url": "/portal/"},
    )
    outbox_notify(user.pk, "consent_request.declined", {"label": "Declined", "url": "https://evil.example/"})
    declined, signed = notices(user)["results"]
    assert (signed["title"], signed["url"], signed["category"]) == (
        "The family signed your consent request",
        "/portal/",
        "other",
    )
    assert declined["url"] is None


def test_reminders_read_as_reminders():
    world = referral_world()
    referral = send(world)
    outbox_notify(
        world.recipient.user.pk,
        "referral.clock.contact.reminder",
        {"referral_id": referral.pk, "label": "x"},
        key=f"referral:{referral.pk}:clock:contact:reminder:in_app",
    )
    reminder = notices(world.recipient.user)["results"][0]
    assert reminder["category"] == "reminder"
    assert (
        reminder["title"] == f"Reminder: referral #{referral.pk} is waiting for first contact (7-day target)."
    )


def test_marking_read_by_id_or_all_moves_the_unread_count_and_only_for_the_owner():
    world = referral_world()
    first, second = send(world), send(world, reason="Second concern")
    recipient, referrer = world.recipient.user, world.referrer.user
    ids = [n["id"] for n in notices(recipient)["results"]]
    assert len(ids) == 2

    # Someone else cannot mark them (their ids are simply not theirs).
    stranger = api(referrer).post("/api/v1/notices/read/", {"ids": ids}, format="json")
    assert stranger.json() == {"marked": 0, "unread_count": 0}
    assert notices(recipient)["unread_count"] == 2

    one = api(recipient).post("/api/v1/notices/read/", {"ids": [ids[0]]}, format="json").json()
    assert one == {"marked": 1, "unread_count": 1}
    assert [n["id"] for n in notices(recipient, "?unread=true")["results"]] == [ids[1]]
    everything = api(recipient).post("/api/v1/notices/read/", {"all": True}, format="json").json()
    assert everything == {"marked": 1, "unread_count": 0}
    assert first.pk != second.pk


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "ids"),
        ({"ids": []}, "ids"),
        ({"ids": ["x"]}, "ids"),
        ({"ids": [0]}, "ids"),
        ({"all": "maybe"}, "all"),
    ],
)
def test_bad_mark_read_bodies_are_400_and_change_nothing(body, field):
    world = referral_world()
    send(world)
    response = api(world.recipient.user).post("/api/v1/notices/read/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] in ("invalid_parameter", "invalid") and response.json()["detail"]
    assert notices(world.recipient.user)["unread_count"] == 1


def test_a_bad_unread_filter_is_named():
    world = referral_world()
    response = api(world.recipient.user).get("/api/v1/notices/?unread=maybe")
    assert response.status_code == 400 and response.json()["parameter"] == "unread"


def test_the_list_costs_the_same_queries_for_many_notices(django_assert_max_num_queries):
    world = referral_world()
    user = world.recipient.user
    outbox_notify(user.pk, "x", {"label": "one"})
    with django_assert_max_num_queries(8) as few:
        notices(user)
    for i in range(30):
        outbox_notify(user.pk, "x", {"label": f"more {i}"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(notices(user)["results"]) == 20


def test_the_page_lists_notices_opening_one_marks_it_read_and_others_get_404():
    world = referral_world()
    referral = send(world)
    notice = OutboxMessage.objects.get(recipient=world.recipient.user, kind="referral.received")
    owner, other = Client(), Client()
    owner.force_login(world.recipient.user)
    other.force_login(world.referrer.user)

    html = owner.get("/notices/").content.decode()
    assert f"New referral #{referral.pk} is waiting for you." in html and "Mark all as read" in html
    assert '<span data-badge-count aria-hidden="true">1</span>' in html
    assert "1 unread notice<" in html  # the badge's label, not a bare number

    assert other.get(f"/notices/{notice.pk}/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    opened = owner.get(f"/notices/{notice.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/referrals/{referral.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'data-badge="notices" data-count="0"' in owner.get("/notices/").content.decode()


def test_the_web_form_marks_all_read_and_says_so():
    world = referral_world()
    send(world)
    send(world, reason="Another")
    client = Client()
    client.force_login(world.recipient.user)
    response = client.post("/notices/read/", {"all": "1"}, follow=True)
    assert "Marked 2 notices as read." in response.content.decode()
    unread = OutboxMessage.objects.filter(
        recipient=world.recipient.user, channel="in_app", read_at__isnull=True
    )
    assert not unread.exists()


def test_idor_walk_nobody_reads_opens_or_marks_another_users_notices(demo):
    from django.contrib.auth.models import User

    from consent.reminders import consents_notify_refusals
    from referrals.models import Referral

    # Issue 25's kinds join the walk: the family's referral notices (demo data) and a
    # refused-attempts digest (the outsider tries one of Mateo's referrals).
    outsider = User.objects.get(username="outsider")
    mateo = Referral.objects.filter(child__first_name="Mateo").first()
    assert api(outsider).get(f"/api/v1/referrals/{mateo.pk}/").status_code == 404
    consents_notify_refusals()
    rows = list(OutboxMessage.objects.filter(channel="in_app").select_related("recipient"))
    assert rows, "the demo world has notices"
    guardian_kinds = {r.kind for r in rows if r.recipient and r.recipient.username == "guardian"}
    assert {"referral.family_update", "consent.refused_attempts"} <= guardian_kinds, guardian_kinds
    users = list(User.objects.filter(username__in=["pediatrician", "guardian", "outsider", "curator", "slp"]))
    for user in users:
        client = Client()
        client.force_login(user)
        listed = {n["id"] for n in notices(user, "?page_size=100")["results"]}
        for row in rows:
            mine = row.recipient_id == user.pk
            assert (row.pk in listed) == mine
            if mine:
                continue
            assert client.get(f"/notices/{row.pk}/").status_code == 404
            marked = (
                api(user).post("/api/v1/notices/read/", {"ids": [row.pk]}, format="json").json()["marked"]
            )
            assert marked == 0
            client.post("/notices/read/", {"id": str(row.pk)})
    assert OutboxMessage.objects.filter(pk__in=[r.pk for r in rows], read_at__isnull=False).count() == 0
    anonymous = APIClient()
    assert anonymous.get("/api/v1/notices/").status_code == 403
    assert anonymous.post("/api/v1/notices/read/", {"all": True}, format="json").status_code == 403


def test_the_notice_centre_speaks_spanish_to_a_spanish_speaking_family():
    world = referral_world()
    user = world.guardian.user
    outbox_notify(
        user.pk, "consent.expiring", {"consent_id": 1, "expires_on": "2026-12-20", "renew": "/portal/"}
    )
    client = Client()
    client.force_login(user)
    html = client.get("/notices/?lang=es").content.decode()
    assert '<html lang="es">' in html
    assert "Avisos" in html and "Marcar todos como leídos" in html and "Recordatorio" in html
