"""Registering for a group: a place while there is one, else the waitlist (first come,
first served); a cancelled place goes to the head of the waitlist.

Every change locks the group's row first (``select_for_update``; on SQLite every
transaction begins IMMEDIATE), so two families cannot take the last place together."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from directory.models import Provider
from groups.models import ACTIVE_STATUSES, Group, Registration, RegistrationStatus
from groups.notices import notify_promoted, notify_registered


class RegistrationRefused(Exception):
    """A registration cannot be made; ``code`` for the 4xx answer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Registrant:
    """Who takes the place: an account (``user``), a provider attending as themselves
    (``provider``), or a family without an account (name and a way to reach it)."""

    name: str
    email: str = ""
    phone: str = ""
    language: str = "en"
    texts_ok: bool = False
    user: User | None = None
    provider: Provider | None = None


def _locked(group_id: int) -> Group:
    group = Group.objects.select_for_update().filter(pk=group_id).first()
    if group is None or not group.published:
        raise RegistrationRefused("group_not_found", "No such group.")
    if group.cancelled_at is not None:
        raise RegistrationRefused("group_cancelled", "This group has been cancelled.")
    return group


def registered_count(group: Group) -> int:
    return group.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def register(*, group_id: int, registrant: Registrant, notify: bool = True) -> Registration:
    """A place in the group, or a place on its waitlist when it is full. Registering
    again with the same account returns the existing registration. The confirmation
    (e-mail, and text when chosen) is queued in the same transaction."""
    if not registrant.email and not registrant.phone and registrant.user is None:
        raise RegistrationRefused("contact_required", "Give an e-mail address or a phone number.")
    with transaction.atomic():
        group = _locked(group_id)
        if registrant.user is not None:
            existing = group.registrations.filter(user=registrant.user, status__in=ACTIVE_STATUSES).first()
            if existing is not None:
                return existing
        if registered_count(group) < group.capacity:
            status = RegistrationStatus.REGISTERED
        elif group.waitlist_open:
            status = RegistrationStatus.WAITLISTED
        else:
            raise RegistrationRefused("group_full", "This group is full and has no waitlist.")
        registration = Registration.objects.create(
            group=group,
            user=registrant.user,
            provider=registrant.provider,
            name=registrant.name,
            email=registrant.email,
            phone=registrant.phone,
            language=registrant.language,
            texts_ok=registrant.texts_ok,
            status=status,
        )
        if notify:  # the demo seed places people without writing to them
            notify_registered(registration)
        return registration


def cancel(*, registration_id: int) -> list[Registration]:
    """Cancel a registration; when it held a place, the head of the waitlist takes it
    and is told ("a place opened for you"). Returns the registrations promoted (none or
    one)."""
    with transaction.atomic():
        registration = Registration.objects.select_related("group").get(pk=registration_id)
        group = _locked(registration.group_id)
        held_place = registration.status == RegistrationStatus.REGISTERED
        if registration.status == RegistrationStatus.CANCELLED:
            return []
        now = timezone.now()
        registration.status = RegistrationStatus.CANCELLED
        registration.status_changed_at = now
        registration.save(update_fields=["status", "status_changed_at"])
        if not held_place:
            return []
        return _promote(group)


def _promote(group: Group) -> list[Registration]:
    promoted: list[Registration] = []
    free = group.capacity - registered_count(group)
    line = group.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("created_at", "pk")
    for waiting in line[: max(free, 0)]:
        waiting.status = RegistrationStatus.REGISTERED
        waiting.status_changed_at = timezone.now()
        waiting.save(update_fields=["status", "status_changed_at"])
        notify_promoted(waiting)
        promoted.append(waiting)
    return promoted
