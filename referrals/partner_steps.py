"""What a recipient without an account does from its one-time link (``/r/{token}/``,
issue 27): read the referral (only what the family's consent covers for it), then one
step per link — accept or decline, schedule, record the outcome — each step sending the
next link by e-mail (``referrals.partners``).

Refusals, each written to the access log (``denied``, as "<partner>, by link" where the
link is known) before it is raised: an altered or unknown token 404 ``link_invalid``; a
used one 409 ``link_used``; an expired one 410 ``link_expired``; a referral the family's
consent no longer covers the partner for 403 ``consent_required`` (the family revoked);
a step the referral is no longer at (cancelled, already answered) 409
``invalid_transition``.

Opening a link (GET) reads but never uses it (mail scanners open links); the step's
form (POST) uses it, under the referral's row lock, so two submissions of one link
cannot both act.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_denied
from consent.models import Consent
from consent.policies import categories_covered, consent_for
from referral_hub.errors import ApplicationError
from referrals import services
from referrals.models import PartnerLink, PartnerLinkStep, Referral, ReferralEvent, ReferralStatus, Screening
from referrals.partners import link_id_of, link_issue, token_hash
from referrals.screening import CAREGIVER_INSTRUMENTS

S = ReferralStatus
STEP_STATUSES = {
    PartnerLinkStep.RESPOND: (S.SENT, S.RECEIVED),
    PartnerLinkStep.SCHEDULE: (S.ACCEPTED,),
    PartnerLinkStep.COMPLETE: (S.ACCEPTED, S.SCHEDULED),
}
# The verbs each step's page offers, and the step whose link follows each.
STEP_VERBS = {
    PartnerLinkStep.RESPOND: ("accept", "decline"),
    PartnerLinkStep.SCHEDULE: ("schedule", "complete"),
    PartnerLinkStep.COMPLETE: ("complete",),
}
NEXT_STEP = {"accept": PartnerLinkStep.SCHEDULE, "schedule": PartnerLinkStep.COMPLETE}


@dataclass
class PartnerPage:
    """What the link's page may show: the partner's name, the referral's parties and
    status, and only the data categories the family's consent covers the partner for."""

    link: PartnerLink
    referral: Referral
    partner_name: str
    consent: Consent
    shown: list[str]
    screenings: list[Screening] = field(default_factory=list)
    events: list[ReferralEvent] = field(default_factory=list)

    @property
    def verbs(self) -> tuple[str, ...]:
        return STEP_VERBS[PartnerLinkStep(self.link.step)]

    @property
    def shows_child(self) -> bool:
        return "demographics" in self.shown


def _refuse(
    code: str, message: str, status: int, *, link: PartnerLink | None = None, what: str = "open"
) -> ApplicationError:
    """Log the refusal for the child (when the link names one) and return the error."""
    referral = link.referral if link is not None else None
    audit_denied(
        actor=None,
        actor_label=services.partner_label(referral.to_provider.name) if referral is not None else "",
        action=Action.VIEW if what == "open" else Action.UPDATE,
        child_id=referral.child_id if referral is not None else None,
        purpose="referral",
        object_type="partner_link",
        object_id=link.pk if link is not None else "",
        detail=f"partner link {what}: refused ({code})",
    )
    extra: dict[str, Any] = {}
    if code == "link_expired" and link is not None:
        extra["expired_at"] = link.expires_at.isoformat()
    return ApplicationError(code, message, status=status, extra=extra)


def _link(token: str, *, what: str, for_update: bool = False) -> PartnerLink:
    link_id = link_id_of(token)
    qs = PartnerLink.objects.select_related("referral__to_provider", "referral__from_provider")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    link = qs.filter(pk=link_id).first() if link_id is not None else None
    if link is None:
        raise _refuse("link_invalid", "This link is not valid: it may have been altered.", 404, what=what)
    if not link.token_hash or link.token_hash != token_hash(token):
        raise _refuse(
            "link_invalid", "This link is not valid: a newer one was sent.", 404, link=link, what=what
        )
    if link.used_at is not None:
        raise _refuse("link_used", "This link was already used.", 409, link=link, what=what)
    if link.expires_at <= timezone.now():
        raise _refuse("link_expired", "This link has expired.", 410, link=link, what=what)
    return link


def _checked(token: str, *, what: str, for_update: bool = False) -> tuple[PartnerLink, Consent]:
    """The link, and the consent covering its partner now (the decision point's
    per-provider form): refused when the family no longer shares with the partner."""
    link = _link(token, what=what, for_update=for_update)
    referral = link.referral
    consent = consent_for(
        provider=referral.to_provider,
        child_id=referral.child_id,
        purpose="referral",
        categories=referral.data_categories or ["demographics"],
    )
    if consent is None:
        raise _refuse(
            "consent_required",
            "The family no longer shares this referral with you.",
            403,
            link=link,
            what=what,
        )
    if referral.status not in STEP_STATUSES[PartnerLinkStep(link.step)]:
        raise _refuse(
            "invalid_transition",
            "This referral has moved on (it was answered or cancelled): this link has nothing left to do.",
            409,
            link=link,
            what=what,
        )
    return link, consent


def partner_link_open(*, token: str) -> PartnerPage:
    """The link's page: an audited read of what the consent covers (one row per category
    shown, as "<partner>, by link"), and receipt on the first open (``sent`` ->
    ``received``, on the timeline)."""
    link, consent = _checked(token, what="open")
    referral = link.referral
    partner = referral.to_provider
    shown = categories_covered(
        provider=partner,
        child_id=referral.child_id,
        purpose="referral",
        categories=referral.data_categories or ["demographics"],
    )
    with transaction.atomic():
        if referral.status == S.SENT:
            now = timezone.now()
            if Referral.objects.filter(pk=referral.pk, status=S.SENT).update(
                status=S.RECEIVED, received_at=now, updated_at=now
            ):
                referral.status, referral.received_at = S.RECEIVED, now
                ReferralEvent.objects.create(
                    referral=referral,
                    partner_name=partner.name,
                    from_status=S.SENT,
                    to_status=S.RECEIVED,
                    at=now,
                )
        services.referral_read_by_link(referral=referral, consent=consent, categories=shown)
    child_referral = Referral.objects.select_related("child").get(pk=referral.pk)
    screening_categories = {"screening_results", "caregiver_screening"} & set(shown)
    screenings = [
        s
        for s in referral.screenings.all()
        if ("caregiver_screening" if s.instrument in CAREGIVER_INSTRUMENTS else "screening_results")
        in screening_categories
    ]
    return PartnerPage(
        link=link,
        referral=child_referral,
        partner_name=partner.name,
        consent=consent,
        shown=shown,
        screenings=screenings,
        events=list(referral.events.all()),
    )


@dataclass(frozen=True)
class StepInput:
    verb: str
    changes: dict[str, Any]
    note: str


def partner_link_act(*, token: str, step: StepInput, language: str = "en") -> Referral:
    """Do the link's step (``step.verb`` one the link offers), use the link, and send the
    next step's link. The link is locked and re-checked inside the transaction."""
    if step.verb == "schedule":
        step.changes["appointment_at"] = services.future_appointment(step.changes["appointment_at"])
    # Checked (and a refusal logged) outside the step's transaction, so the log row
    # survives the refusal; checked again under the lock inside.
    _checked(token, what=step.verb)
    with transaction.atomic():
        link, consent = _checked(token, what=step.verb, for_update=True)
        if step.verb not in STEP_VERBS[PartnerLinkStep(link.step)]:
            raise ApplicationError("invalid_transition", "This link cannot do that.", status=409)
        PartnerLink.objects.filter(pk=link.pk).update(used_at=timezone.now())
        referral = services.apply_partner_transition(
            referral_pk=link.referral_id,
            verb=step.verb,
            changes=step.changes,
            note=step.note,
            consent=consent,
            partner_name=link.referral.to_provider.name,
        )
        following = NEXT_STEP.get(step.verb)
        if following is not None:
            link_issue(referral=referral, step=following, language=language)
    return referral


def link_expires_at(page: PartnerPage) -> datetime.datetime:
    return page.link.expires_at
