"""What the endorsement process tells people, in the notice centre and by e-mail.

Each step an applicant or a reviewer should know of is one ``Step``: its notice title, its
e-mail subject and body (written in the recipient's language, ``people.preferences.
language_of``) and where it links. Everything leaves through ``_tell`` (one call site:
``outbox_notice_and_email``, in the caller's transaction), keyed so a step is told once.

Payloads carry the application (or endorsement) id and the category code; titles are made
when shown, so the notice page reads in the viewer's language. Never a reference's answer,
a reviewer's name or anything about a child: the e-mail is a sentence and a link.

| kind | to | when |
|---|---|---|
| ``endorsement.application.submitted`` | applicant | they submit (each round) |
| ``endorsement.reference.received`` | applicant | a reference answers (not what they said) |
| ``endorsement.application.more_info`` | applicant | deferred or on hold: feedback to act on |
| ``endorsement.application.decided`` | applicant | approved |
| ``endorsement.renewal.due`` | holder | the renewal is due (grace period begins) |
| ``endorsement.renewal.lapsed`` | holder | the endorsement lapsed |
| ``endorsement.review.assigned`` | reviewer | a curator assigns them |
| ``endorsement.review.second_needed`` | reviewer | the other reviewer decided; theirs is awaited |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext as _

from directory.models import EndorsementCategory
from notices.kinds import NoticeKind, register
from outbox.services import outbox_notice_and_email
from people.preferences import language_of
from referral_hub.sitelinks import absolute_url

Payload = dict[str, Any]


def _category(payload: Payload) -> str:
    try:
        return str(EndorsementCategory(payload.get("category", "")).label)
    except ValueError:
        return str(payload.get("category", ""))


def _application_url(payload: Payload) -> str:
    return f"/endorsement/applications/{int(payload['application_id'])}/"


def _portfolio_url(payload: Payload) -> str:
    return "/endorsement/"


def _words(payload: Payload) -> dict[str, Any]:
    return {"category": _category(payload), "number": int(payload.get("application_id") or 0)}


@dataclass(frozen=True)
class Step:
    category: str
    title: Callable[[Payload], str]
    url: Callable[[Payload], str]


STEPS: dict[str, Step] = {
    "endorsement.application.submitted": Step(
        "endorsement",
        lambda p: (
            _("Your application for %(category)s was submitted. A curator will assign two reviewers.")
            % _words(p)
        ),
        _application_url,
    ),
    "endorsement.reference.received": Step(
        "endorsement",
        lambda p: _("A reference answered for your application for %(category)s.") % _words(p),
        _application_url,
    ),
    "endorsement.application.more_info": Step(
        "endorsement",
        lambda p: (
            _("Your application for %(category)s needs more from you: read the feedback, then submit again.")
            % _words(p)
        ),
        _application_url,
    ),
    "endorsement.application.decided": Step(
        "endorsement",
        lambda p: _("Your application for %(category)s was approved: you are endorsed.") % _words(p),
        _application_url,
    ),
    "endorsement.renewal.due": Step(
        "reminder",
        lambda p: (
            _("Your %(category)s endorsement is due for renewal: renew it before it lapses.") % _words(p)
        ),
        _portfolio_url,
    ),
    "endorsement.renewal.lapsed": Step(
        "reminder",
        lambda p: _("Your %(category)s endorsement lapsed: it was not renewed in time.") % _words(p),
        _portfolio_url,
    ),
    "endorsement.review.assigned": Step(
        "endorsement",
        lambda p: _("You are asked to review application #%(number)d (%(category)s).") % _words(p),
        _application_url,
    ),
    "endorsement.review.second_needed": Step(
        "endorsement",
        lambda p: (
            _("The other reviewer decided on application #%(number)d (%(category)s): your review is needed.")
            % _words(p)
        ),
        _application_url,
    ),
}


def register_notice_kinds() -> None:
    for kind, step in STEPS.items():
        register(kind, NoticeKind(category=step.category, title=step.title, url=step.url))


def _tell(user: User | None, kind: str, *, key: str, payload: Payload) -> None:
    """One person told of one step: a notice and an e-mail (a sentence and a link), both
    in the recipient's language."""
    if user is None:
        return
    step = STEPS[kind]
    language = language_of(user)
    with translation.override(language):
        title = step.title(payload)
        subject = title if len(title) <= 120 else title[:117] + "…"
        body = _("%(title)s\n\nSee it here: %(link)s\n") % {
            "title": title,
            "link": absolute_url(step.url(payload)),
        }
    outbox_notice_and_email(
        user=user,
        key=f"{kind}:{key}:{user.pk}",
        kind=kind,
        language=language,
        payload={**payload, "label": title, "url": step.url(payload)},
        subject=subject,
        body=body,
    )


def tell_applicant(application: Any, kind: str, *, key: str) -> None:
    """``application``: an ``Application`` (its provider's account is told)."""
    _tell(
        application.provider.user,
        kind,
        key=f"{application.pk}:{key}",
        payload={"application_id": application.pk, "category": application.category},
    )


def tell_reviewer(reviewer: User, application: Any, kind: str) -> None:
    _tell(
        reviewer,
        kind,
        key=f"{application.pk}:r{application.round}",
        payload={"application_id": application.pk, "category": application.category},
    )


def tell_holder(endorsement: Any, kind: str, *, key: str) -> None:
    """``endorsement``: a directory ``Endorsement`` granted by this process."""
    _tell(
        endorsement.provider.user,
        kind,
        key=f"{endorsement.pk}:{key}",
        payload={"endorsement_id": endorsement.pk, "category": endorsement.category},
    )
