"""How the referrals' in-app notifications read in the notice centre (registered in
``ReferralsConfig.ready``). Payloads hold ids and a status, never the child."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from notices.kinds import NoticeKind, payload_url, register
from people.templatetags.preferences import when
from referrals.models import Outcome, ReferralStatus, StepKind

Payload = dict[str, Any]


def _url(payload: Payload) -> str:
    return f"/referrals/{int(payload['referral_id'])}/"


def _status_label(status: str) -> str:
    """The status as a word in a sentence, in the active language."""
    words: dict[str, str] = {
        ReferralStatus.SENT: pgettext("referral status in a sentence", "sent"),
        ReferralStatus.RECEIVED: pgettext("referral status in a sentence", "received"),
        ReferralStatus.ACCEPTED: pgettext("referral status in a sentence", "accepted"),
        ReferralStatus.DECLINED: pgettext("referral status in a sentence", "declined"),
        ReferralStatus.SCHEDULED: pgettext("referral status in a sentence", "scheduled"),
        ReferralStatus.COMPLETED: pgettext("referral status in a sentence", "completed"),
        ReferralStatus.CANCELLED: pgettext("referral status in a sentence", "cancelled"),
    }
    return words.get(status, status)


def _status_category(payload: Payload) -> str:
    return (
        "outcome"
        if payload.get("status") in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED)
        else ("referral_update")
    )


def _status_title(payload: Payload) -> str:
    number = int(payload["referral_id"])
    status = str(payload.get("status", ""))
    if status == ReferralStatus.COMPLETED:
        return _("Outcome back: referral #%(number)d was completed. See the outcome.") % {"number": number}
    if status == ReferralStatus.DECLINED:
        return _("Referral #%(number)d was declined. See the reason.") % {"number": number}
    return _("Referral #%(number)d is now %(status)s.") % {"number": number, "status": _status_label(status)}


CLOCK_TITLES = {
    "referral.clock.contact.reminder": lambda n: (
        _("Reminder: referral #%(number)d is waiting for first contact (7-day target).") % {"number": n}
    ),
    "referral.clock.contact.overdue": lambda n: (
        _("Referral #%(number)d you sent has had no first contact within 7 days.") % {"number": n}
    ),
    "referral.clock.appointment.reminder": lambda n: (
        _("Reminder: referral #%(number)d needs a first appointment (45-day target).") % {"number": n}
    ),
    "referral.clock.appointment.overdue": lambda n: (
        _("Referral #%(number)d you sent has no appointment within 45 days.") % {"number": n}
    ),
}


def _clock_title(kind: str) -> NoticeKind:
    return NoticeKind(
        category="reminder", title=lambda p: CLOCK_TITLES[kind](int(p["referral_id"])), url=_url
    )


# --- what a family reads (``referrals.family_notices``; docs/notices.md, "Families") -----


def _local_time(payload: Payload) -> str:
    """The appointment in the reader's zone (the page's active zone), labelled."""
    return when(datetime.datetime.fromisoformat(str(payload["appointment_at"])))


def _outcome_words(code: str) -> str:
    words: dict[str, str] = {
        Outcome.CONNECTED: _("your child is connected to the services"),
        Outcome.EVALUATED_NOT_ELIGIBLE: _("your child was seen and does not qualify for this service"),
        Outcome.FAMILY_DECLINED: _("you chose not to go ahead"),
        Outcome.UNREACHABLE: _("the provider could not reach you"),
    }
    return words.get(code, _("see the outcome"))


def _family_title(payload: Payload) -> str:
    n = {"number": int(payload["referral_id"])}
    status = str(payload.get("status", ""))
    if status == ReferralStatus.SENT:
        return (
            _(
                "Your child was referred for more support (referral #%(number)d). The provider it was "
                "sent to will get in touch with you: see who it is and what happens next."
            )
            % n
        )
    if status == ReferralStatus.ACCEPTED:
        return (
            _(
                "Referral #%(number)d was accepted. The provider will contact you to set up a first appointment."
            )
            % n
        )
    if status == ReferralStatus.DECLINED:
        return (
            _(
                "The provider could not take referral #%(number)d. The provider who referred your child "
                "will talk with you about other options; you can also ask a care coordinator for help."
            )
            % n
        )
    if status == ReferralStatus.SCHEDULED and payload.get("appointment_at"):
        return _("A first appointment is set for referral #%(number)d: %(when)s.") % {
            **n,
            "when": _local_time(payload),
        }
    if status == ReferralStatus.COMPLETED:
        done = _("Referral #%(number)d is complete: %(outcome)s.") % {
            **n,
            "outcome": _outcome_words(str(payload.get("outcome", ""))),
        }
        # The notice links to the referral's card, where the family answers (needs met).
        return f"{done} {_('Did it help? Tell us on your referrals page.')}"
    if status == ReferralStatus.CANCELLED:
        return (
            _(
                "Referral #%(number)d was cancelled by the provider who made it. Ask them if you have questions."
            )
            % n
        )
    return _("Referral #%(number)d is now %(status)s.") % {**n, "status": _status_label(status)}


def _family_category(payload: Payload) -> str:
    status = payload.get("status")
    if status == ReferralStatus.SENT:
        return "referral"
    return "outcome" if status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED) else "referral_update"


def _rescheduled_title(payload: Payload) -> str:
    if payload.get("appointment_at"):
        return _("The appointment for referral #%(number)d moved to %(when)s.") % {
            "number": int(payload["referral_id"]),
            "when": _local_time(payload),
        }
    return _("The appointment for referral #%(number)d moved: see the new time.") % {
        "number": int(payload["referral_id"])
    }


def _family_url(payload: Payload) -> str | None:
    return payload_url(payload) or _url(payload)


def _step_title(payload: Payload) -> str:
    """A new next step for the family: its kind in the reader's words (the step's own
    words are on the referrals page)."""
    kind = str(payload.get("step_kind", ""))
    words = str(StepKind(kind).label) if kind in StepKind.values else _("a new step")
    return _("Something to do for referral #%(number)d: %(step)s.") % {
        "number": int(payload["referral_id"]),
        "step": words,
    }


def _partner_unreachable_title(payload: Payload) -> str:
    return _(
        "Referral #%(number)d: %(partner)s could not be sent the link for the next step "
        "(their number replied STOP to our texts). Please call them."
    ) % {"number": int(payload["referral_id"]), "partner": str(payload.get("partner", ""))}


def register_notice_kinds() -> None:
    register(
        "referral.received",
        NoticeKind(
            category="referral",
            title=lambda p: (
                _("New referral #%(number)d is waiting for you.") % {"number": int(p["referral_id"])}
            ),
            url=_url,
        ),
    )
    register("referral.status_changed", NoticeKind(category=_status_category, title=_status_title, url=_url))
    for kind in CLOCK_TITLES:
        register(kind, _clock_title(kind))
    register(
        "referral.family_update", NoticeKind(category=_family_category, title=_family_title, url=_family_url)
    )
    register(
        "referral.rescheduled",
        NoticeKind(category="referral_update", title=_rescheduled_title, url=_family_url),
    )
    register(
        "referral.step_added", NoticeKind(category="referral_update", title=_step_title, url=_family_url)
    )
    register(
        "referral.partner_unreachable",
        NoticeKind(category="referral_update", title=_partner_unreachable_title, url=_url),
    )
