"""The reminder the day before each session: a scheduled job (``groups.tasks``, hourly)
that queues, for every registered place, one reminder per session starting within the
next 24 hours. Idempotent: the outbox key names the registration and the session, so a
second run (or a second worker) queues nothing new."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from groups.models import Group, Registration, RegistrationStatus
from groups.notices import notify_reminder
from groups.schedule import ScheduleError, occurrences

AHEAD = dt.timedelta(hours=24)
logger = logging.getLogger(__name__)


def groups_send_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue the reminders due at ``now``; returns how many were looked at and queued."""
    now = now or timezone.now()
    registered = Registration.objects.filter(group=OuterRef("pk"), status=RegistrationStatus.REGISTERED)
    groups = Group.objects.filter(published=True, cancelled_at__isnull=True).filter(Exists(registered))
    sessions = queued = 0
    for group in groups.select_related("location"):
        try:
            starts = occurrences(group.schedule, after=now, before=now + AHEAD)
        except ScheduleError as error:  # a stored schedule is checked when saved: say so loudly
            logger.error("group %s: schedule unusable (%s); no reminders sent", group.pk, error.code)
            continue
        people = list(
            group.registrations.filter(status=RegistrationStatus.REGISTERED).select_related("group")
        )
        for start in starts:
            sessions += 1
            with transaction.atomic():
                for registration in people:
                    registration.group = group
                    queued += notify_reminder(registration, start)
    return {"sessions": sessions, "queued": queued}
