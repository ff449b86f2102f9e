"""What a family hears about referrals for its child, in each guardian's language.

- Its own request for help (``source = family``): every status change
  (``notify_family``, kind ``referral.status_changed``).
- A referral a provider made (``source = provider``): the steps a family needs to know
  (``notify_guardians``, kind ``referral.family_update``; the decision table is in
  docs/notices.md, "Families"): made, accepted or declined, first appointment (with its
  time), completed (with the outcome), cancelled. Not "received" (the recipient opened
  it: nothing for the family to do or expect).

In the app always; by e-mail unless the guardian turned referral e-mails off on the
settings page (``people.preferences.referral_emails_wanted``); by text to a guardian who
chose texts (``people.texts.text_person``: a status line and a sign-in link). Like every referral
e-mail: a link only, nothing about the child. The people are the child's household,
less anyone a court order keeps from hearing about the child
(``consent.recipients.family_recipients``): a notice to a guardian is an exit of the
child's data like any other."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.contrib.auth.models import User
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from consent.recipients import family_recipients
from outbox.services import outbox_notice_and_email
from people.preferences import language_of, referral_emails_wanted
from people.texts import text_person
from referral_hub.sitelinks import absolute_url
from referrals.models import NextStep, Referral, ReferralStatus

S = ReferralStatus

# The family portal's words for each status (kept with the e-mail so both agree).
STATUS_WORDS: dict[str, Promise] = {
    S.SENT: pgettext_lazy("referral status for a family", "Sent"),
    S.RECEIVED: pgettext_lazy("referral status for a family", "Received"),
    S.ACCEPTED: pgettext_lazy("referral status for a family", "Accepted"),
    S.DECLINED: pgettext_lazy("referral status for a family", "Declined"),
    S.SCHEDULED: pgettext_lazy("referral status for a family", "Appointment scheduled"),
    S.COMPLETED: pgettext_lazy("referral status for a family", "Completed"),
    S.CANCELLED: pgettext_lazy("referral status for a family", "Cancelled"),
}
PORTAL_PATH = "/portal/referrals/"


def status_word(status: str) -> str:
    """The status in the active language."""
    word = STATUS_WORDS.get(status)
    return str(word) if word is not None else status


def _tell_household(
    referral: Referral,
    *,
    key: str,
    kind: str,
    email_kind: str,
    payload: Callable[[], dict[str, object]],
    subject: Promise,
    body: Promise,
    text: Promise,
    words: Mapping[str, object] | None = None,
    suppress_email: bool = False,
) -> None:
    """Each person ``family_audience`` allows, in their language: a notice in the app,
    an e-mail unless they turned those off, and a text if they chose texts (once per
    ``key`` and person). ``subject``, ``body`` and ``text`` are lazy, translated for each
    reader and filled with ``words`` (lazy words too) and the portal's ``link``;
    ``payload`` is built in the reader's language."""
    for user in family_audience(referral):
        language = language_of(user)
        with translation.override(language):
            filled = {name: str(word) for name, word in (words or {}).items()}
            filled["link"] = absolute_url(PORTAL_PATH)
            outbox_notice_and_email(
                user=user,
                key=f"{key}:{user.pk}",
                kind=kind,
                email_kind=email_kind,
                language=language,
                payload=payload(),
                subject=str(subject) % filled,
                body=str(body) % filled,
                email=not suppress_email and referral_emails_wanted(user),
            )
            if not suppress_email:
                text_person(user=user, key=f"{key}:{user.pk}:sms", kind=kind, body=str(text) % filled)


def notify_family(referral: Referral, *, suppress_email: bool = False) -> None:
    """The family's own request for help: every status change, in the app, by e-mail and
    by text as each guardian chose (``_tell_household``), after commit."""
    status = referral.status
    _tell_household(
        referral,
        key=f"referral:{referral.pk}:{status}:family",
        kind="referral.status_changed",
        email_kind="referral",
        payload=lambda: {"referral_id": referral.pk, "status": status, "label": status_word(status)},
        subject=_lazy("Update on your referral: %(status)s"),
        body=_lazy(
            "Your request for help has a new status: %(status)s.\n\n"
            "Sign in to see it: %(link)s\n\n"
            "For privacy, details are only shown after you sign in."
        ),
        text=_lazy("Referral Hub: your request for help is now: %(status)s. Sign in to see it: %(link)s"),
        words={"status": STATUS_WORDS.get(status, status)},
        suppress_email=suppress_email,
    )


# The steps of a provider's referral a family is told of (docs/notices.md, "Families").
FAMILY_STEPS = (S.SENT, S.ACCEPTED, S.DECLINED, S.SCHEDULED, S.COMPLETED, S.CANCELLED)
FAMILY_KIND = "referral.family_update"


def family_audience(referral: Referral) -> list[User]:
    """The members of the child's household to tell (``consent.recipients``: never a
    person a court order's ``no_contact`` or ``no_information`` restriction covers, so
    always within the decision point's ``guardian`` relation)."""
    return [g.user for g in family_recipients(referral.child_id)]


def portal_link(referral: Referral) -> str:
    return f"{PORTAL_PATH}#referral-{referral.pk}"


def family_payload(referral: Referral) -> dict[str, object]:
    """Ids, the status, and for the family's own eyes (in the app only) the appointment
    time and the outcome code; the title is built when read (``referrals.notices``)."""
    payload: dict[str, object] = {
        "referral_id": referral.pk,
        "status": referral.status,
        "label": status_word(referral.status),
        "url": portal_link(referral),
    }
    if referral.status == S.SCHEDULED and referral.appointment_at is not None:
        payload["appointment_at"] = referral.appointment_at.isoformat()
    if referral.status == S.COMPLETED and referral.outcome:
        payload["outcome"] = referral.outcome
    return payload


def notify_guardians(referral: Referral, *, suppress_email: bool = False) -> None:
    """A provider's referral reached a step the family should know (``FAMILY_STEPS``):
    each guardian the decision point allows gets a notice in the app, and an e-mail
    (news, a link, nothing about the child) unless they turned those off, and a text
    (the status and a link) if they chose texts; in their language, in the caller's
    transaction, once per referral, step and guardian."""
    if referral.source != "provider" or referral.status not in FAMILY_STEPS:
        return
    _tell_household(
        referral,
        key=f"referral:{referral.pk}:{referral.status}:guardian",
        kind=FAMILY_KIND,
        email_kind="referral.family",
        payload=lambda: family_payload(referral),
        subject=_lazy("News about a referral for your child"),
        body=_lazy(
            "There is news about a referral for your child.\n\n"
            "Sign in to read it: %(link)s\n\n"
            "For privacy, we never put details about your child in an e-mail. "
            "You can turn these e-mails off in your account settings."
        ),
        text=_lazy(
            "Referral Hub: news about a referral for your child: %(status)s. Sign in to see it: %(link)s"
        ),
        words={"status": STATUS_WORDS.get(referral.status, referral.status)},
        suppress_email=suppress_email,
    )


STEP_KIND = "referral.step_added"


def notify_step_added(step: NextStep, referral: Referral, *, suppress_email: bool = False) -> None:
    """A provider asked the family to do something (``referrals.steps.step_add``): each
    guardian ``family_audience`` allows gets a notice in the app (the step's kind code and
    ids; the words are read on the referrals page), an e-mail that says only that there
    is something to do, with a link, and a text saying the same to a guardian who chose
    texts (never the step's words: a provider writes them, and they may name the child);
    in their language, once per step and person."""
    _tell_household(
        referral,
        key=f"referral:{referral.pk}:step:{step.pk}:guardian",
        kind=STEP_KIND,
        email_kind="referral.family",
        payload=lambda: {
            "referral_id": referral.pk,
            "step_id": step.pk,
            "step_kind": step.kind,
            "url": f"{PORTAL_PATH}#step-{step.pk}",
        },
        subject=_lazy("Something to do for a referral for your child"),
        body=_lazy(
            "A provider asked you to do something for a referral for your child.\n\n"
            "Sign in to see what it is: %(link)s\n\n"
            "For privacy, we never put details about your child in an e-mail. "
            "You can turn these e-mails off in your account settings."
        ),
        text=_lazy(
            "Referral Hub: a provider asked you to do something for a referral for your "
            "child. Sign in to see it: %(link)s"
        ),
        suppress_email=suppress_email,
    )
