"""A family's next steps on a referral (issue 27): what the family is asked to do ("call
to schedule", "bring the insurance card", "fill in the intake form"), and marking it done.

Who may do what is the referral's own gate (``referrals.policies.access_referral``, which
asks the decision point: a consent covering the recipient or the referrer now, or a
guardian of the child by ``consent.policies.is_guardian_of``); nothing here adds a rule:

- see the steps: the referrer, the recipient and the child's guardians, while the
  referral is theirs to read (a stub, the provider's consent ended, shows none: 403
  ``consent_required``); anyone else gets the referral's 404;
- add one: the recipient or the referrer, while the referral is open (403
  ``not_allowed`` for a guardian, 409 ``referral_closed`` once it is closed);
- mark one done (or not done): a guardian of the child only (403 ``not_allowed`` for a
  provider). The family's own record of its progress: providers read it.

Every read and write writes the access log (one row, ``demographics`` / ``referral``).
Adding a step tells the family (``referrals.family_notices.notify_step_added``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_record
from people.roles import Actor, signed_in
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.inputs import TextField
from referrals import policies
from referrals.family_notices import notify_step_added
from referrals.models import OPEN_STATUSES, NextStep, Referral, StepKind
from referrals.services import access_referral_logged, emails_are_suppressed

MAX_STEP_TEXT = 500
ADDERS = (policies.ROLE_RECIPIENT, policies.ROLE_REFERRER)


# --- input (bound by the API and the referral page alike) ---------------------------------


class StepAddForm(forms.Form):
    """A next step for the family: what kind of step, the family's words (English;
    Spanish optional), where to do it (a questionnaire needs its address), and by when."""

    kind = forms.ChoiceField(choices=StepKind.choices, label=_("Kind of step"))
    text_en = TextField(max_length=MAX_STEP_TEXT, label=_("What the family should do (English)"))
    text_es = TextField(required=False, max_length=MAX_STEP_TEXT, label=_("The same in Spanish"))
    url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label=_("Link (a questionnaire's address)")
    )
    due_on = forms.DateField(required=False, label=_("By when (optional)"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("kind") == StepKind.COMPLETE_QUESTIONNAIRE and not data.get("url"):
            self.add_error("url", _("Give the questionnaire's address."))
        return data


STEP_CODES = {"kind": ("invalid_kind", 400), "url": ("invalid_url", 400), "due_on": ("invalid_date", 400)}


class StepMarkForm(forms.Form):
    """Done (the default: ``{}`` marks the step done) or, with ``done: false``, not done
    after all."""

    done = forms.NullBooleanField(required=False)

    def is_done(self) -> bool:
        return self.cleaned_data.get("done") is not False


# --- reads ---------------------------------------------------------------------------------


@dataclass
class StepsAccess:
    referral: Referral
    role: str
    steps: list[NextStep]


def _audit(*, actor: Actor, referral: Referral, action: str, detail: str, consent_id: int | None) -> None:
    audit_record(
        actor=actor,
        action=action,
        child_id=referral.child_id,
        data_category="demographics",
        purpose="referral",
        consent_id=consent_id,
        object_type="referral",
        object_id=referral.pk,
        detail=detail,
    )


def _readable(actor: Actor, referral_id: int, *, what: str) -> policies.ReferralAccess:
    access = access_referral_logged(actor, referral_id, what=what)
    if access.restricted:
        raise ApplicationError(
            "consent_required",
            "Your access to this referral has ended (the family's consent changed, or you declined it).",
            status=403,
        )
    return access


def steps_open(*, actor: Actor, referral_id: int) -> StepsAccess:
    """The referral's next steps, for whoever may read the referral now; audited."""
    access = _readable(actor, referral_id, what="view")
    steps = list(
        NextStep.objects.filter(referral=access.referral).select_related("done_by", "referral__child")
    )
    _audit(
        actor=actor,
        referral=access.referral,
        action=Action.VIEW,
        detail="next steps",
        consent_id=access.consent.pk if access.consent else None,
    )
    return StepsAccess(access.referral, access.role, steps)


def attach_steps(referrals: list[Referral], *, language: str) -> None:
    """Give each referral, already read through its gate (the referral page, the family's
    referrals page: both audited there), its ``family_steps`` in one query, each with
    ``family_text`` in ``language``."""
    by_referral: dict[int, list[NextStep]] = {r.pk: [] for r in referrals}
    for step in NextStep.objects.filter(referral_id__in=list(by_referral)):
        step.family_text = step.text_in(language)  # type: ignore[attr-defined]  # read by the templates
        by_referral[step.referral_id].append(step)
    for referral in referrals:
        referral.family_steps = by_referral[referral.pk]  # type: ignore[attr-defined]  # read by the templates


def may_add(role: str, referral: Referral) -> bool:
    """Whether the referral page offers this role the "add a next step" form."""
    return role in ADDERS and referral.status in OPEN_STATUSES


# --- writes --------------------------------------------------------------------------------


def step_add(
    *,
    actor: Actor,
    referral_id: int,
    kind: str,
    text_en: str,
    text_es: str = "",
    url: str = "",
    due_on: datetime.date | None = None,
) -> NextStep:
    """The recipient or the referrer asks the family to do something; each guardian the
    family notices reach is told (in the app, and by e-mail without details). The access
    check runs before the transaction, so a refusal's access-log row stays."""
    access = _readable(actor, referral_id, what="add step")
    if access.role not in ADDERS:
        raise ApplicationError(
            "not_allowed", "Only the referral's providers can add a next step.", status=403
        )
    with transaction.atomic():
        return _do_step_add(
            actor=actor, access=access, kind=kind, text_en=text_en, text_es=text_es, url=url, due_on=due_on
        )


def _do_step_add(
    *,
    actor: Actor,
    access: policies.ReferralAccess,
    kind: str,
    text_en: str,
    text_es: str,
    url: str,
    due_on: datetime.date | None,
) -> NextStep:
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=access.referral.pk)
    if referral.status not in OPEN_STATUSES:
        raise ApplicationError(
            "referral_closed",
            f"Referral #{referral.pk} is {referral.status}: no new steps.",
            status=409,
            extra={"status": referral.status},
        )
    step = NextStep.objects.create(
        referral=referral,
        kind=kind,
        text_en=text_en.strip(),
        text_es=text_es.strip(),
        url=url,
        due_on=due_on,
        created_by=signed_in(actor),
        created_at=timezone.now(),
    )
    _audit(
        actor=actor,
        referral=referral,
        action=Action.UPDATE,
        detail=f"next step #{step.pk} added ({kind})",
        consent_id=access.consent.pk if access.consent else None,
    )
    notify_step_added(step, referral, suppress_email=emails_are_suppressed())
    return step


def step_mark(*, actor: Actor, step_id: int, done: bool = True, referral_id: int | None = None) -> NextStep:
    """A guardian of the child marks a step done (or not done after all). Marking a done
    step done again changes nothing (the first time and person stay). The access check
    runs before the transaction, so a refusal's access-log row stays."""
    referral_of = NextStep.objects.filter(pk=step_id).values_list("referral_id", flat=True).first()
    if referral_of is None or (referral_id is not None and referral_of != referral_id):
        if referral_id is not None:
            access_referral_logged(actor, referral_id, what="mark step")  # logs a foreign referral
        raise NotFound("Step")
    access = _readable(actor, referral_of, what="mark step")
    if access.role != policies.ROLE_GUARDIAN:
        raise ApplicationError("not_allowed", "Only the child's family can mark a step done.", status=403)
    with transaction.atomic():
        step = NextStep.objects.select_for_update().get(pk=step_id)
        if done and step.done_at is None:
            step.done_at, step.done_by = timezone.now(), signed_in(actor)
        elif not done:
            step.done_at, step.done_by = None, None
        step.save(update_fields=["done_at", "done_by"])
        _audit(
            actor=actor,
            referral=access.referral,
            action=Action.UPDATE,
            detail=f"next step #{step.pk} marked {'done' if done else 'not done'}",
            consent_id=None,
        )
    return step


def access_step(actor: Actor, step_id: int) -> tuple[NextStep, policies.ReferralAccess]:
    """A step and the reader's access to its referral (FHIR read); audited like a read."""
    step = NextStep.objects.select_related("referral").filter(pk=step_id).first()
    if step is None:
        raise NotFound("Step")
    access = access_referral_logged(actor, step.referral_id, what="view")
    if access.restricted:
        raise NotFound("Step")
    _audit(
        actor=actor,
        referral=access.referral,
        action=Action.EXPORT,
        detail=f"next step #{step.pk} fhir",
        consent_id=access.consent.pk if access.consent else None,
    )
    return step, access
