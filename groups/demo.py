"""Demo groups and events, hosted by the demo providers: a Spanish Circle of Security
parent group (8 weekly sessions, Ann Arbor), an English baby-and-me group (weekly,
open-ended, skipping New Year's Day), a monthly reflective supervision group for
providers (by video, facilitated by the endorsed IMH clinician) and a two-day training.
``guardian`` holds a place in the baby-and-me group and ``pediatrician`` in the
supervision group. Idempotent: an existing group keeps its dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.rrule import rrulestr
from django.utils import timezone

from groups.models import Audience, Group, Kind, Registration
from groups.services import Registrant, register
from people.demo import Writer

TIME_ZONE = "America/Detroit"


def first_session(rule: str, after: dt.date) -> dt.date:
    """The first date after ``after`` the rule meets on (so DTSTART is itself a session,
    as RFC 5545 calendars count it)."""
    start = dt.datetime.combine(after + dt.timedelta(days=1), dt.time())
    found = rrulestr(rule.split(";COUNT=")[0], dtstart=start).after(start, inc=True)
    assert found is not None
    return found.date()


def _new_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """A holiday a week or more away (the next New Year's Day) and the first session
    of a weekly group meeting on its weekday that starts before it."""
    holiday = dt.date(today.year + 1, 1, 1)
    tomorrow = today + dt.timedelta(days=1)
    weeks = (holiday - tomorrow).days // 7
    return holiday, holiday - dt.timedelta(weeks=weeks)


def _groups(world: dict[str, Any], today: dt.date) -> dict[str, dict[str, Any]]:
    providers = world["providers"]
    holiday, baby_start = _new_year(today)
    imh, educator, social = providers["imh_clinician"], providers["educator"], providers["social_worker"]
    return {
        "spanish_parents": {
            "host": imh,
            "name": "Círculo de Seguridad para Padres",
            "description": "Ocho sesiones semanales para madres, padres y cuidadores de bebés y niños "
            "pequeños: cómo leer lo que su hijo necesita y responder con calma.",
            "kind": Kind.PARENT_GROUP,
            "model_code": "cos",
            "language": "es",
            "ages_min_months": 0,
            "ages_max_months": 60,
            "location": imh.locations.first(),
            "capacity": 10,
            "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=8",
            "starts_on": first_session("FREQ=WEEKLY;BYDAY=TU", today),
            "start_time": dt.time(18, 0),
            "duration_minutes": 90,
        },
        "baby_and_me": {
            "host": educator,
            "name": "Baby and Me Playgroup",
            "description": "Songs, play and time with other parents for babies up to 18 months and their "
            "grown-ups. Drop in any week.",
            "kind": Kind.PARENT_GROUP,
            "language": "en",
            "ages_min_months": 0,
            "ages_max_months": 18,
            "location": educator.locations.first(),
            "capacity": 12,
            "rrule": "FREQ=WEEKLY",
            "starts_on": baby_start,
            "exdates": [holiday.isoformat()],
            "start_time": dt.time(10, 0),
            "duration_minutes": 60,
        },
        "reflective_supervision": {
            "host": imh,
            "name": "Reflective Supervision Group for IMH Clinicians",
            "description": "A monthly reflective supervision and consultation group (RSC) for clinicians "
            "working toward or keeping their endorsement.",
            "kind": Kind.REFLECTIVE_SUPERVISION_GROUP,
            "audience": Audience.PROVIDERS,
            "language": "en",
            "location": None,
            "online": True,
            "video_url": "https://video.example.org/harbor-imh-rsc",
            "capacity": 8,
            "rrule": "FREQ=MONTHLY;BYDAY=2TH;COUNT=12",
            "starts_on": first_session("FREQ=MONTHLY;BYDAY=2TH", today),
            "start_time": dt.time(12, 0),
            "duration_minutes": 90,
            "domains": ["reflection", "working_with_others", "thinking"],
        },
        "training": {
            "host": social,
            "name": "Introduction to Infant Mental Health: Relationships First",
            "description": "A two-day training on infant mental health principles for early childhood "
            "providers (12 hours).",
            "kind": Kind.TRAINING,
            "audience": Audience.PROVIDERS,
            "language": "en",
            "location": social.locations.first(),
            "capacity": 30,
            "rrule": "FREQ=DAILY;COUNT=2",
            "starts_on": first_session("FREQ=WEEKLY;BYDAY=FR", today + dt.timedelta(days=20)),
            "start_time": dt.time(9, 0),
            "duration_minutes": 360,
            "domains": ["theoretical_foundations", "direct_service_skills"],
        },
    }


def _registration(group: Group, user: Any, provider: Any = None) -> Registration:
    existing = group.registrations.filter(user=user).first()
    if existing is not None:
        return existing
    name = provider.name if provider is not None else (user.get_full_name() or user.username)
    registrant = Registrant(name=name, email=user.email, user=user, provider=provider)
    # Seeding tells nobody (as every app's demo seed): no confirmation is queued.
    return register(group_id=group.pk, registrant=registrant, notify=False)


def seed(world: dict[str, Any], stdout: Writer) -> None:
    today = timezone.localdate()
    groups: dict[str, Group] = world.setdefault("groups", {})
    made = 0
    for key, fields in _groups(world, today).items():
        host = fields.pop("host")
        group, created = Group.objects.get_or_create(
            host=host,
            name=fields.pop("name"),
            defaults={**fields, "organization": host.organization, "time_zone": TIME_ZONE},
        )
        groups[key] = group
        made += created
    users, providers = world["users"], world["providers"]
    world["group_registrations"] = {
        "guardian": _registration(groups["baby_and_me"], users["guardian"]),
        "pediatrician": _registration(
            groups["reflective_supervision"], users["pediatrician"], providers["pediatrician"]
        ),
    }
    stdout.write(f"groups: {len(groups)} groups and events ({made} new), 2 registrations")
