"""Attendance that feeds endorsement: a provider marked present at a reflective
supervision group or a training gets the matching entry in their portfolio (from
attendance: the session's local date, its hours, the facilitator, the group's domains);
marked absent later, the entry is withdrawn. Families' attendance, and providers at
parent groups, make none."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from directory.models import EndorsementCategory as C
from endorsement.models import RscEntry, TrainingEntry
from endorsement.services import rules_ensure_default
from groups.services import Registrant, register
from tests.factories.base import UserFactory
from tests.factories.directory import EndorsementFactory, ProviderFactory
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rules(db):
    rules_ensure_default()


@pytest.fixture
def facilitator():
    """An IMH Mentor (clinical): may give RSC under the default rules."""
    return EndorsementFactory(category=C.INFANT_MENTAL_HEALTH_MENTOR_CLINICAL).provider


def _group(facilitator, kind="reflective_supervision_group", **over):
    values = {
        "host": facilitator,
        "kind": kind,
        "audience": "providers",
        "name": "Tuesday reflective supervision group",
        # 21:30 in Los Angeles is the next day in UTC: the entry takes the local date.
        "time_zone": "America/Los_Angeles",
        "start_time": datetime.time(21, 30),
        "starts_on": timezone.localdate() - datetime.timedelta(days=29),
        "rrule": "FREQ=WEEKLY;COUNT=6",
        "duration_minutes": 90,
        "domains": ["reflection", "thinking"],
    }
    values.update(over)
    return GroupFactory(**values)


def _attendee(group, provider=None):
    provider = provider or ProviderFactory(user=UserFactory(), discipline="home_visitor")
    return register(
        group_id=group.pk,
        registrant=Registrant(
            name=provider.name, email="p@example.org", user=provider.user, provider=provider
        ),
    )


def _mark(group, start, marks: dict):
    client = APIClient()
    client.force_authenticate(group.host.user)
    return client.put(
        f"/api/v1/groups/{group.pk}/sessions/{start.isoformat()}/attendance/",
        {str(pk): present for pk, present in marks.items()},
        format="json",
    )


def test_four_sessions_attended_are_four_group_rsc_entries_from_attendance(facilitator):
    group = _group(facilitator)
    registration = _attendee(group)
    starts = (
        group.schedule.starts_at,
        *[group.schedule.starts_at + datetime.timedelta(weeks=n) for n in (1, 2, 3)],
    )
    for start in starts:
        response = _mark(group, start, {registration.pk: True})
        assert response.status_code == 200 and response.json()["portfolio_refused"] == [], response.json()
    entries = RscEntry.objects.filter(provider=registration.provider).order_by("started_on")
    assert [e.started_on for e in entries] == [s.date() for s in starts]  # local dates, not UTC
    assert {(e.hours, e.format, e.consultant_id, e.source, e.source_title) for e in entries} == {
        (Decimal("1.5"), "group", facilitator.pk, "attendance", "Tuesday reflective supervision group")
    }
    # Reported again: still four.
    _mark(group, starts[0], {registration.pk: True})
    assert entries.count() == 4


def test_marked_absent_after_all_withdraws_the_entry(facilitator):
    group = _group(facilitator)
    registration = _attendee(group)
    start = group.schedule.starts_at
    _mark(group, start, {registration.pk: True})
    assert RscEntry.objects.filter(provider=registration.provider).count() == 1
    _mark(group, start, {registration.pk: False})
    assert not RscEntry.objects.filter(provider=registration.provider).exists()


def test_a_training_attended_is_a_training_entry_with_the_groups_domains(facilitator):
    group = _group(
        facilitator, kind="training", name="Circle of Security facilitator training", duration_minutes=360
    )
    registration = _attendee(group)
    _mark(group, group.schedule.starts_at, {registration.pk: True})
    entry = TrainingEntry.objects.get(provider=registration.provider)
    assert (entry.title, entry.hours, entry.domains, entry.source) == (
        "Circle of Security facilitator training",
        Decimal("6"),
        ["reflection", "thinking"],
        "attendance",
    )
    assert entry.provider_org == facilitator.name


def test_families_and_parent_groups_make_no_entry(facilitator):
    parent_group = _group(facilitator, kind="parent_group", audience="families")
    provider_there = _attendee(parent_group)
    rsc = _group(facilitator, name="RSC with a parent in it")
    family = register(group_id=rsc.pk, registrant=Registrant(name="Ana Ruiz", email="ana@example.org"))
    _mark(parent_group, parent_group.schedule.starts_at, {provider_there.pk: True})
    _mark(rsc, rsc.schedule.starts_at, {family.pk: True})
    assert not RscEntry.objects.exists() and not TrainingEntry.objects.exists()


def test_a_host_who_may_not_give_rsc_keeps_the_attendance_and_is_told(facilitator):
    host = ProviderFactory(user=UserFactory())
    group = _group(host)
    registration = _attendee(group)
    response = _mark(group, group.schedule.starts_at, {registration.pk: True})
    assert response.status_code == 200
    assert response.json()["attendance"] == [{"registration_id": registration.pk, "present": True}]
    assert [r["code"] for r in response.json()["portfolio_refused"]] == ["consultant_not_eligible"]
    assert not RscEntry.objects.exists()


def test_an_attendee_whose_hours_could_not_count_is_told_once_in_their_language(
    facilitator, django_capture_on_commit_callbacks
):
    """The host sees the refusal on the roster; the attendee, who would otherwise count on
    hours that are not in their portfolio, gets an e-mail saying why and what to do."""
    from django.core import mail

    from outbox.services import outbox_deliver_due

    host = ProviderFactory(user=UserFactory())
    group = _group(host)
    registration = _attendee(group)
    registration.language = "es"
    registration.save(update_fields=["language"])
    outbox_deliver_due()  # the confirmation of the place
    mail.outbox.clear()
    for _ in range(2):  # marked twice: told once
        with django_capture_on_commit_callbacks(execute=True):
            assert _mark(group, group.schedule.starts_at, {registration.pk: True}).status_code == 200
    outbox_deliver_due()
    told = [m for m in mail.outbox if m.to == ["p@example.org"]]
    assert len(told) == 1, [m.subject for m in mail.outbox]
    assert group.name in told[0].subject
    assert "no se sumaron" in told[0].subject
    assert "no consta como habilitada" in told[0].body
    assert "portafolio" in told[0].body
