"""How the referrals' in-app notifications read in the notice centre (registered in
``ReferralsConfig.ready``). Payloads hold ids and a status, never the child."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from notices.kinds import NoticeKind, register
from referrals.models import ReferralStatus

Payload = dict[str, Any]


def _url(payload: Payload) -> str:
    return f"/referrals/{int(payload['referral_id'])}/"


def _status_label(status: str) -> str:
    try:
        return str(ReferralStatus(status).label).lower()
    except ValueError:
        return status


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
