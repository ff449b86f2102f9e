"""What a registrant is told, through the outbox: the confirmation when they register
(a place or a place in line), "a place opened for you" when the waitlist moves, and a
reminder the day before each session.

When the host cancels the group, everyone still registered or in line is told.

E-mail whenever the registration has an address; a text as well when the registrant
ticked text reminders and gave a number (quiet hours in the group's zone: the outbox
holds a night text until morning). In the registrant's language. Every row is keyed by
the registration (and the session, for reminders), so nothing is sent twice. A notice
names the group, when and where it meets, and a link: never a child (a registration
holds none), never the video link (the page behind the sign-in, or the result page,
shows it to registered people)."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.links import MINTER
from groups.models import Group, Registration, RegistrationStatus
from groups.selectors import next_sessions
from groups.words import session_when
from outbox.links import LINK_MARK
from outbox.services import outbox_email, outbox_text
from people.texts import stop_footer
from referral_hub.sitelinks import absolute_url

KIND_REGISTERED = "group.registered"
KIND_WAITLISTED = "group.waitlisted"
KIND_PROMOTED = "group.promoted"
KIND_REMINDER = "group.reminder"
KIND_CANCELLED = "group.cancelled"
KIND_HOURS_NOT_COUNTED = "group.hours_not_counted"

# Why a provider's attendance could not become a portfolio entry, in their words.
HOURS_REFUSED_BECAUSE = {
    "consultant_not_eligible": gettext_lazy(
        "the facilitator is not on record as eligible to give reflective supervision/consultation"
    ),
    "too_many_hours": gettext_lazy("it would go over the hours your portfolio can count for one entry"),
}


def calendar_url(group: Group) -> str:
    """The group's .ics file (the API's), "" until that route exists."""
    try:
        return absolute_url(reverse("api-group-calendar", kwargs={"group_id": group.pk}))
    except NoReverseMatch:
        return ""


def _place(group: Group) -> str:
    location = group.location
    if location is None:
        return _("By video (the link is on your registration page)")
    # As the group's page and the directory show the location: name, street, city.
    parts = [location.name, location.address_1, f"{location.city}, {location.state} {location.zip}"]
    return ", ".join(part for part in parts if part)


def _lines(registration: Registration, first: dt.datetime | None) -> list[str]:
    group = registration.group
    lines = [_("Group: %(name)s") % {"name": group.name}]
    if first is not None:
        lines.append(_("When: %(when)s") % {"when": session_when(first, group.time_zone)})
    lines.append(_("Where: %(place)s") % {"place": _place(group)})
    lines.append(_("Details: %(url)s") % {"url": absolute_url(reverse("group-page", args=[group.pk]))})
    ics = calendar_url(group)
    if ics:
        lines.append(_("Add it to your calendar: %(url)s") % {"url": ics})
    return lines


def _tell_registrant(
    registration: Registration,
    *,
    key: str,
    kind: str,
    subject: str,
    opening: str,
    text: str,
    first: dt.datetime | None,
) -> int:
    """Queue the e-mail (and the text) of one piece of news, in the caller's language
    override (the registrant's)."""
    group = registration.group
    greeting = _("Hello %(name)s,") % {"name": registration.name}
    lines = _lines(registration, first)
    # Without an account the e-mail is the way back to the registration (see, cancel).
    link = (MINTER, registration.pk) if registration.user_id is None else None
    if link is not None:
        lines.append(_("See or cancel your registration: %(url)s") % {"url": LINK_MARK})
    body = "\n\n".join([greeting, opening, "\n".join(lines), _("Referral Hub")])
    queued = outbox_email(
        key=f"{key}:email",
        to_address=registration.email,
        subject=subject,
        body=body,
        kind=kind,
        recipient_id=registration.user_id,
        language=registration.language,
        link=link,
    )
    count = int(queued is not None)
    if registration.texts_ok and registration.phone:
        page = absolute_url(reverse("group-page", args=[group.pk]))
        count += (
            outbox_text(
                key=f"{key}:text",
                to_number=registration.phone,
                body=f"Referral Hub: {text} {page} {stop_footer()}",
                kind=kind,
                recipient_id=registration.user_id,
                language=registration.language,
                time_zone=group.time_zone,
            )
            is not None
        )
    return count


def _first_session(group: Group) -> dt.datetime | None:
    starts = next_sessions(group, limit=1)
    return starts[0] if starts else None


def notify_registered(registration: Registration) -> None:
    """The confirmation: a place, or a place in line (call inside the registering
    transaction; sent after it commits)."""
    group = registration.group
    with translation.override(registration.language):
        first = _first_session(group)
        if registration.status == RegistrationStatus.WAITLISTED:
            _tell_registrant(
                registration,
                key=f"group.registered:{registration.pk}",
                kind=KIND_WAITLISTED,
                subject=_("You are on the waitlist: %(name)s") % {"name": group.name},
                opening=_("You are on the waitlist. We will write as soon as a place opens for you."),
                text=_("You are on the waitlist for %(name)s. We will tell you when a place opens.")
                % {"name": group.name},
                first=first,
            )
            return
        _tell_registrant(
            registration,
            key=f"group.registered:{registration.pk}",
            kind=KIND_REGISTERED,
            subject=_("You have a place: %(name)s") % {"name": group.name},
            opening=_("You have a place in this group. We will remind you the day before each session."),
            text=_("You have a place in %(name)s.") % {"name": group.name}
            + (" " + session_when(first, group.time_zone) if first else ""),
            first=first,
        )


def notify_promoted(registration: Registration) -> None:
    """ "A place opened for you": the waitlist moved (inside the cancelling transaction)."""
    group = registration.group
    with translation.override(registration.language):
        first = _first_session(group)
        _tell_registrant(
            registration,
            key=f"group.promoted:{registration.pk}",
            kind=KIND_PROMOTED,
            subject=_("A place opened for you: %(name)s") % {"name": group.name},
            opening=_("Good news: a place opened for you in this group. You have it now; nothing to do."),
            text=_("A place opened for you in %(name)s. You have it now.") % {"name": group.name},
            first=first,
        )


def notify_reminder(registration: Registration, session: dt.datetime) -> int:
    """The reminder for one session (key: registration and session start)."""
    group = registration.group
    with translation.override(registration.language):
        when = session_when(session, group.time_zone)
        return _tell_registrant(
            registration,
            key=f"group.reminder:{registration.pk}:{session.astimezone(dt.UTC):%Y%m%dT%H%M}",
            kind=KIND_REMINDER,
            subject=_("Reminder: %(name)s, %(when)s") % {"name": group.name, "when": when},
            opening=_("A reminder: your group meets soon."),
            text=_("Reminder: %(name)s meets %(when)s.") % {"name": group.name, "when": when},
            first=session,
        )


def notify_cancelled(registration: Registration) -> None:
    """The host cancelled the group: it will not meet again (inside the cancelling
    transaction; sent after it commits)."""
    group = registration.group
    with translation.override(registration.language):
        _tell_registrant(
            registration,
            key=f"group.cancelled:{registration.pk}",
            kind=KIND_CANCELLED,
            subject=_("Cancelled: %(name)s") % {"name": group.name},
            opening=_(
                "We are sorry: this group has been cancelled and will not meet. You do not need to do anything."
            ),
            text=_("%(name)s has been cancelled and will not meet.") % {"name": group.name},
            first=None,
        )


def notify_hours_not_counted(registration: Registration, session: dt.datetime, code: str) -> None:
    """The attendee was marked present, but the hours could not be added to their
    endorsement portfolio (``code``: the refusal's): why, and what to do. Once per
    registration and session, however often the host saves the marks."""
    group = registration.group
    with translation.override(registration.language):
        when = session_when(session, group.time_zone)
        reason = HOURS_REFUSED_BECAUSE.get(code) or _("it did not meet the portfolio's rules")
        _tell_registrant(
            registration,
            key=f"{KIND_HOURS_NOT_COUNTED}:{registration.pk}:{session.astimezone(dt.UTC):%Y%m%dT%H%M}",
            kind=KIND_HOURS_NOT_COUNTED,
            subject=_("Your hours were not added: %(name)s") % {"name": group.name},
            opening=_(
                "You were marked present on %(when)s, but the hours could not be added to your "
                "endorsement portfolio: %(reason)s. You can add them yourself in your portfolio, "
                "or ask the host."
            )
            % {"when": when, "reason": reason},
            text=_("Your hours at %(name)s were not added to your portfolio: see your e-mail.")
            % {"name": group.name},
            first=None,
        )
