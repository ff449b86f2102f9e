"""Every write in referrals: sending, the lifecycle transitions, opening (receipt), and
care-team membership. Keyword-only and typed; each records audit rows and queues its
notifications with ``transaction.on_commit`` so nothing is announced that rolled back.

Concurrency: a transition locks the referral row (``select_for_update``; on SQLite the
``BEGIN IMMEDIATE`` write lock serializes the same way) and re-checks the status under
the lock, so of several concurrent conflicting transitions exactly one wins and the
others get 409 ``invalid_transition``. Receipt is a conditional ``UPDATE ... WHERE
status = 'sent'``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_denied, audit_list_read, audit_record
from cases.models import TeamRole
from cases.services import care_team_member_add, case_get_or_create, providers_of_consent
from consent.access_words import PARTNER_LINK_ROLE
from consent.decision import decide
from consent.hooks import AccessEnd
from consent.models import CATEGORY_FIELDS, Consent
from consent.policies import consent_for
from directory.listings import no_capacity_warning
from directory.models import Provider
from directory.roles import provider_of
from families.models import Child, Guardian
from outbox.models import Channel as OutboxChannel
from outbox.models import OutboxMessage
from outbox.services import outbox_email, outbox_in_app_update_payload, outbox_notify
from people.preferences import language_of, referral_emails_wanted
from people.roles import Actor, signed_in
from people.texts import text_person
from referral_hub.errors import ApplicationError, FieldError, NotFound
from referral_hub.ids import parse_id
from referral_hub.sitelinks import absolute_url
from referrals import policies
from referrals.drafts import referral_draft_drop
from referrals.family_notices import family_audience, notify_family, notify_guardians, portal_link
from referrals.models import (
    ConcernType,
    NeedsMet,
    PartnerLinkStep,
    Referral,
    ReferralEvent,
    ReferralSource,
    ReferralStatus,
    Screening,
    Urgency,
)
from referrals.partners import can_get_link, link_issue
from referrals.screening import ScreeningResult
from referrals.targets import target_for

# Categories a sender may attach on top of the ones screenings imply.
ATTACHABLE_CATEGORIES = ("developmental_history", "family_history")

S = ReferralStatus


# The longest reason or note a person may write (``referrals.inputs`` refuses longer).
MAX_TEXT = 5000


def _bad(field: str, message: str, code: str = "invalid") -> FieldError:
    return FieldError(code, field, message)


_emails_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "referral_emails_off", default=False
)


@contextlib.contextmanager
def emails_suppressed() -> Iterator[None]:
    """No notification emails for writes inside this block (demo seeding, benchmarks)."""
    token = _emails_suppressed.set(True)
    try:
        yield
    finally:
        _emails_suppressed.reset(token)


def emails_are_suppressed() -> bool:
    """Inside ``emails_suppressed()`` (other modules' writes ask it too)."""
    return _emails_suppressed.get()


def _email_on_commit(user: User | None, subject: str, path: str, *, key: str) -> None:
    """An outbox e-mail (sent after commit, retried until delivered) with a link only:
    no child's name or details ever leave in mail."""
    if user is None or not user.email or _emails_suppressed.get():
        return
    address = user.email
    body = (
        "You have an update on Referral Hub.\n\n"
        f"Sign in to see it: {absolute_url(path)}\n\n"
        "For privacy, details are only shown after you sign in."
    )
    outbox_email(
        key=key,
        to_address=address,
        subject=subject,
        body=body,
        kind="referral",
        recipient_id=user.pk,
        language=language_of(user),
    )


NEW_REFERRAL_SUBJECT = {"en": "New referral on Referral Hub", "es": "Nueva remisión en Referral Hub"}


def partner_label(name: str) -> str:
    """The access log's label for a partner acting from a link: its name and the role
    the family's page words as "<name>, by link" (``consent.access_words``)."""
    return f"{name} ({PARTNER_LINK_ROLE})"


def _known(user_ids: Iterable[int | None]) -> list[int]:
    """User ids that exist (a listing without an account has none)."""
    return [user_id for user_id in user_ids if user_id is not None]


def audit_referral(
    *,
    actor: Actor | None,
    referral: Referral,
    action: str,
    consent: Consent | None = None,
    detail: str = "",
    outcome: str | None = None,
    actor_label: str = "",
) -> None:
    """One row per data category the referral carries (ASTM E2147: category + purpose).
    ``actor_label``: a partner acting from a link (no account), ``partner_label``."""
    for category in referral.data_categories or ["demographics"]:
        kwargs: dict[str, Any] = dict(
            actor=actor,
            actor_label=actor_label,
            action=action,
            child_id=referral.child_id,
            data_category=category,
            purpose="referral",
            consent=consent,
            object_type="referral",
            object_id=referral.pk,
            detail=detail,
        )
        if outcome is not None:
            kwargs["outcome"] = outcome
        audit_record(**kwargs)


def request_fingerprint(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


# --- sending ---------------------------------------------------------------------------


@dataclass
class SendResult:
    referral: Referral
    replayed: bool = False


@dataclass
class ReferralDraft:
    """A referral that passed every check and may be written."""

    from_provider: Provider
    to_provider: Provider
    child_id: int
    reason: str
    urgency: str
    concern_type: str
    categories: list[str]
    results: list[Any]
    consent: Any  # the Consent covering the recipient
    record_only: bool = False


def referral_send(
    *,
    actor: Actor,
    child_id: int,
    to_provider_id: int,
    reason: str,
    urgency: str = Urgency.ROUTINE,
    concern_type: str = ConcernType.OTHER,
    screenings: Sequence[ScreeningResult] = (),
    data_categories: Iterable[str] = (),
    idempotency_key: str = "",
    fingerprint: str = "",
    record_only: bool = False,
) -> SendResult:
    """Send a referral from the actor's provider listing, with the values
    ``referrals.inputs.ReferralSendForm`` checked (screenings already scored).

    A recipient without an account (a listing nobody claimed, or a partner named on the
    referral) gets a one-time link by e-mail (``referrals.partners``). ``record_only``:
    a referral the sender already made by phone or fax, recorded so it counts in the
    loop; nothing is sent to the recipient and the sender enters its answer and outcome.

    Refusals: 403 ``not_a_provider``; 400 naming ``to_provider`` (no such listing, or
    yourself: ``invalid_recipient``); 400
    ``recipient_has_no_account`` (no account and no e-mail address, unless record-only); 403 ``consent_required`` when the sender is not
    covered for ``referral`` about the child, or no active consent covers the recipient
    for ``referral`` and every attached category (the attempt is audited as denied and
    nothing is stored); 422 ``idempotency_key_reused`` for a reused key with a different
    body. A replay of the same key and body returns the first referral (``replayed``).
    Tiers: ``check_referral_send`` (refusals), ``do_referral_send`` (the write),
    ``notify_referral_sent`` (after commit).
    """
    from_provider = check_sender(actor=actor, idempotency_key=idempotency_key)
    if idempotency_key:
        replay = _replay(actor, from_provider, idempotency_key, fingerprint)
        if replay is not None:
            _replay_gate(actor, replay.referral)
            return replay
    draft = check_referral_send(
        actor=actor,
        from_provider=from_provider,
        child_id=child_id,
        to_provider_id=to_provider_id,
        reason=reason,
        urgency=urgency,
        concern_type=concern_type,
        screenings=screenings,
        data_categories=data_categories,
        record_only=record_only,
    )
    return do_referral_send(
        actor=actor, draft=draft, idempotency_key=idempotency_key, fingerprint=fingerprint
    )


def check_sender(*, actor: Actor, idempotency_key: str) -> Provider:
    from_provider = provider_of(actor)
    if from_provider is None:
        raise ApplicationError("not_a_provider", "Only providers can send referrals.", status=403)
    if len(idempotency_key) > 200:
        raise _bad("Idempotency-Key", "at most 200 characters.")
    return from_provider


def _check_categories(data_categories: Iterable[str], results: Sequence[ScreeningResult]) -> list[str]:
    """Demographics always, plus what the sender attached and what the screenings carry,
    in the consent form's order."""
    categories = ["demographics"]
    for extra in data_categories:
        if extra not in categories:
            categories.append(extra)
    for result in results:
        if result.data_category not in categories:
            categories.append(result.data_category)
    categories.sort(key=list(CATEGORY_FIELDS).index)
    return categories


def _check_recipient(to_pk: int, from_provider: Provider, record_only: bool = False) -> Provider:
    to_provider = Provider.objects.select_related("organization").filter(pk=to_pk).first()
    if to_provider is None:
        raise _bad("to_provider", _("There is no such provider in the directory."))
    if to_provider.user_id is None and not can_get_link(to_provider) and not record_only:
        raise ApplicationError(
            "recipient_has_no_account",
            "This provider has no Referral Hub account, and no e-mail address or mobile number for a "
            "link: record a referral you made by phone or fax (record_only) instead.",
            status=400,
            extra={"field": "to_provider"},
        )
    if to_provider.pk == from_provider.pk:
        raise _bad("to_provider", _("You cannot refer to yourself."), code="invalid_recipient")
    return to_provider


def _check_consents(
    *, actor: Actor, from_provider: Provider, to_provider: Provider, child_pk: int, categories: list[str]
) -> Any:
    """The consent covering the recipient. The sender must itself be allowed to see the
    child (no referrals about strangers): the same 403 whether the child is missing or
    simply not covered, so ids leak nothing. A refusal is audited."""
    sender_consent = consent_for(provider=from_provider, child_id=child_pk, purpose="referral")
    recipient_cover = (
        consent_for(provider=to_provider, child_id=child_pk, purpose="referral", categories=categories)
        if sender_consent is not None
        else None
    )
    if sender_consent is not None and recipient_cover is not None:
        return recipient_cover
    child_exists = sender_consent is not None
    audit_denied(
        actor=actor,
        action=Action.DISCLOSE,
        child_id=child_pk if child_exists else None,
        data_category=",".join(categories)[:40],
        purpose="referral",
        object_type="referral",
        detail=(
            f"referral to provider {to_provider.pk} refused: "
            + ("sender not covered" if not child_exists else "no consent covers the recipient")
        ),
    )
    raise ApplicationError(
        "consent_required",
        "No active consent covers this recipient for a referral with the data attached."
        if child_exists
        else "You are not covered by a consent for this child.",
        status=403,
        # The recipient's id, so the family can be asked to share with it (a partner
        # named on the referral has just been given one).
        extra={"data_categories": categories, "to_provider": to_provider.pk} if child_exists else {},
    )


def check_referral_send(
    *,
    actor: Actor,
    from_provider: Provider,
    child_id: int,
    to_provider_id: int,
    reason: str,
    urgency: str,
    concern_type: str,
    screenings: Sequence[ScreeningResult],
    data_categories: Iterable[str],
    record_only: bool = False,
) -> ReferralDraft:
    """Every refusal of ``referral_send``, in order; nothing is written but the audit
    row of a consent refusal."""
    categories = _check_categories(data_categories, screenings)
    child_pk = child_id
    to_provider = _check_recipient(to_provider_id, from_provider, record_only)
    consent = _check_consents(
        actor=actor,
        from_provider=from_provider,
        to_provider=to_provider,
        child_pk=child_pk,
        categories=categories,
    )
    return ReferralDraft(
        from_provider=from_provider,
        to_provider=to_provider,
        child_id=child_pk,
        reason=reason,
        urgency=urgency,
        concern_type=concern_type,
        categories=categories,
        results=list(screenings),
        consent=consent,
        record_only=record_only,
    )


def do_referral_send(
    *, actor: Actor, draft: ReferralDraft, idempotency_key: str, fingerprint: str
) -> SendResult:
    """Write a checked referral in one transaction and notify the recipient after commit.
    Two requests with the same idempotency key that race: the loser replays the winner."""
    try:
        with transaction.atomic():
            referral = _create(
                actor=actor, draft=draft, idempotency_key=idempotency_key, fingerprint=fingerprint
            )
            notify_referral_sent(referral=referral, to_provider=draft.to_provider)
            notify_guardians(referral, suppress_email=_emails_suppressed.get())
            referral_draft_drop(
                sender=draft.from_provider, child_id=draft.child_id, to_provider_id=draft.to_provider.pk
            )
    except IntegrityError:
        if idempotency_key:
            replay = _replay(actor, draft.from_provider, idempotency_key, fingerprint)
            if replay is not None:
                _replay_gate(actor, replay.referral)
                return replay
        raise
    return SendResult(referral)


def notify_referral_sent(*, referral: Referral, to_provider: Provider) -> None:
    """Through the outbox, after commit: the recipient's bell and an e-mail; a recipient
    without an account, the first of its one-time links. Nothing for a record-only
    referral (it was made by phone or fax)."""
    if referral.record_only:
        return
    recipient = to_provider.user
    if recipient is None:
        if not _emails_suppressed.get():
            link_issue(referral=referral, step=PartnerLinkStep.RESPOND)
        return
    outbox_notify(
        recipient.pk,
        "referral.received",
        {"referral_id": referral.pk, "status": S.SENT, "label": f"New referral #{referral.pk}"},
    )
    _email_on_commit(
        recipient,
        NEW_REFERRAL_SUBJECT.get(language_of(recipient), NEW_REFERRAL_SUBJECT["en"]),
        f"/referrals/{referral.pk}/",
        key=f"referral:{referral.pk}:sent:email",
    )


def _replay_gate(actor: Actor, referral: Referral) -> None:
    """A replay answers with the whole referral: only while the sender is still covered."""
    if policies.referrer_consent(referral) is None:
        _audit_stub(actor=actor, referral=referral, what="idempotent replay")
        raise ApplicationError(
            "consent_required", "You are not covered by a consent for this child.", status=403
        )


def _replay(actor: Actor, from_provider: Provider, key: str, fingerprint: str) -> SendResult | None:
    """The first referral sent with this key, if the body matches; the replay returns
    the full referral again, so it is an audited read."""
    existing = Referral.objects.filter(from_provider=from_provider, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise ApplicationError(
            "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request body.",
            status=422,
        )
    audit_referral(actor=actor, referral=existing, action=Action.VIEW, detail="idempotent replay")
    return SendResult(existing, replayed=True)


def _create(*, actor: Actor, draft: ReferralDraft, idempotency_key: str, fingerprint: str) -> Referral:
    child = Child.objects.get(pk=draft.child_id)
    case = case_get_or_create(child=child)
    now = timezone.now()
    referral = Referral.objects.create(
        case=case,
        child=child,
        from_provider=draft.from_provider,
        to_provider=draft.to_provider,
        created_by=signed_in(actor),
        reason=draft.reason,
        concern_type=draft.concern_type,
        urgency=draft.urgency,
        data_categories=draft.categories,
        status=S.SENT,
        sent_at=now,
        contact_due_at=now + target_for(draft.urgency).first_contact,
        appointment_due_at=now + target_for(draft.urgency).first_appointment,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint if idempotency_key else "",
        record_only=draft.record_only,
    )
    Screening.objects.bulk_create(
        [
            Screening(
                referral=referral,
                instrument=r.instrument,
                administered_on=r.administered_on,
                inputs=r.inputs,
                result=r.result,
            )
            for r in draft.results
        ]
    )
    ReferralEvent.objects.create(
        referral=referral,
        actor=signed_in(actor),
        from_status="",
        to_status=S.SENT,
        at=now,
        # Sending to a provider with no capacity is allowed; the warning stays on record.
        note=no_capacity_warning(draft.to_provider),
    )
    guardian_user_ids = Guardian.objects.filter(family_id=child.family_id).values_list("user_id", flat=True)
    policies.grant_referral_access(
        referral=referral,
        user_ids=[signed_in(actor).pk, *_known([draft.to_provider.user_id, *guardian_user_ids])],
    )
    audit_referral(
        actor=actor, referral=referral, action=Action.DISCLOSE, consent=draft.consent, detail="referral sent"
    )
    return referral


def check_family_recipient(*, to_provider_id: int) -> Provider:
    """The provider a family asks for help: in the directory and able to receive
    referrals (it has an account). 400 ``unknown_provider`` / ``recipient_has_no_account``."""
    to_pk = parse_id(to_provider_id)
    to_provider = (
        Provider.objects.select_related("organization", "user").filter(pk=to_pk).first()
        if to_pk is not None
        else None
    )
    if to_provider is None:
        raise ApplicationError(
            "unknown_provider", "No such provider in the directory.", extra={"field": "provider"}
        )
    if to_provider.user_id is None:
        raise ApplicationError(
            "recipient_has_no_account",
            "This provider cannot receive requests through Referral Hub yet. Call them, or ask "
            "a care coordinator to help you find someone.",
            status=400,
            extra={"field": "provider"},
        )
    return to_provider


def referral_send_for_family(
    *,
    actor: Actor,
    child: Child,
    to_provider: Provider,
    reason: str,
    concern_type: str,
    consent: Consent,
) -> Referral:
    """A family's own request for help becomes a referral (``source = family``, no
    referring provider) in the provider's inbox: same lifecycle, clocks and
    notifications as any referral. Called inside the caller's transaction, right after
    the guardian signed ``consent`` (which must cover the recipient for ``referral``
    and ``demographics``); the family hears each status change (``notify_family``)."""
    cover = consent_for(
        provider=to_provider, child_id=child.pk, purpose="referral", categories=["demographics"]
    )
    if cover is None:
        raise ApplicationError(
            "consent_required", "No active consent covers this provider for a referral.", status=403
        )
    case = case_get_or_create(child=child)
    now = timezone.now()
    referral = Referral.objects.create(
        case=case,
        child=child,
        from_provider=None,
        source=ReferralSource.FAMILY,
        to_provider=to_provider,
        created_by=signed_in(actor),
        reason=reason,
        concern_type=concern_type,
        urgency=Urgency.ROUTINE,
        data_categories=["demographics"],
        status=S.SENT,
        sent_at=now,
        contact_due_at=now + target_for(Urgency.ROUTINE).first_contact,
        appointment_due_at=now + target_for(Urgency.ROUTINE).first_appointment,
    )
    ReferralEvent.objects.create(
        referral=referral, actor=signed_in(actor), from_status="", to_status=S.SENT, at=now
    )
    guardian_user_ids = Guardian.objects.filter(family_id=child.family_id).values_list("user_id", flat=True)
    policies.grant_referral_access(
        referral=referral, user_ids=_known([to_provider.user_id, *guardian_user_ids])
    )
    audit_referral(
        actor=actor, referral=referral, action=Action.DISCLOSE, consent=cover, detail="family request sent"
    )
    notify_referral_sent(referral=referral, to_provider=to_provider)
    notify_family(referral, suppress_email=_emails_suppressed.get())
    return referral


# --- opening (receipt) ------------------------------------------------------------------


def audit_refused(*, actor: Actor, model: type[Referral], object_id: int, action: str, what: str) -> None:
    """A refused attempt on a referral or a case (missing, never shared, or no longer
    covered by consent) goes to the child's access log as ``denied``, like the portal's
    refusals: the family sees who tried. Written in its own transaction, before the
    refusal is raised; an id that names nothing is logged on the actor's chain."""
    if not actor.is_authenticated:
        return
    pk = parse_id(object_id)
    child_id = model.objects.filter(pk=pk).values_list("child_id", flat=True).first() if pk else None
    object_type = "referral" if model is Referral else "case"
    audit_denied(
        actor=actor,
        action=action,
        child_id=child_id,
        purpose="referral" if model is Referral else "care_coordination",
        object_type=object_type,
        object_id=pk if pk is not None else str(object_id)[:64],
        detail=f"{what}: refused ({object_type} not shared with this account)",
    )


def access_referral_logged(actor: Actor, referral_id: int, *, what: str) -> policies.ReferralAccess:
    """``policies.access_referral``, with a refusal logged for the child."""
    try:
        return policies.access_referral(actor, referral_id)
    except NotFound:
        action = Action.VIEW if what == "view" else Action.UPDATE
        audit_refused(actor=actor, model=Referral, object_id=referral_id, action=action, what=what)
        raise


def referral_open(*, actor: Actor, referral_id: int) -> policies.ReferralAccess:
    """Open a referral's details: access check, receipt on the recipient's first open
    (``sent`` -> ``received``), and an audit row per data category read."""
    access = access_referral_logged(actor, referral_id, what="view")
    referral = access.referral
    if access.restricted:
        _audit_stub(actor=actor, referral=referral, what="view")
        return access
    with transaction.atomic():
        if access.role == policies.ROLE_RECIPIENT and referral.status == S.SENT:
            now = timezone.now()
            if Referral.objects.filter(pk=referral.pk, status=S.SENT).update(
                status=S.RECEIVED, received_at=now, updated_at=now
            ):
                referral.status, referral.received_at = S.RECEIVED, now
                ReferralEvent.objects.create(
                    referral=referral,
                    actor=signed_in(actor),
                    from_status=S.SENT,
                    to_status=S.RECEIVED,
                    at=now,
                )
                _notify_referrer(referral)
        audit_referral(actor=actor, referral=referral, action=Action.VIEW, consent=access.consent)
    return access


# --- lifecycle ---------------------------------------------------------------------------

# verb -> (who may do it, from which statuses, to which status)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "accept": (policies.ROLE_RECIPIENT, (S.SENT, S.RECEIVED), S.ACCEPTED),
    "decline": (policies.ROLE_RECIPIENT, (S.SENT, S.RECEIVED), S.DECLINED),
    "schedule": (policies.ROLE_RECIPIENT, (S.ACCEPTED,), S.SCHEDULED),
    # An outcome can close the loop without an appointment (e.g. the family is unreachable).
    "complete": (policies.ROLE_RECIPIENT, (S.ACCEPTED, S.SCHEDULED), S.COMPLETED),
    "cancel": (policies.ROLE_REFERRER, (S.SENT, S.RECEIVED, S.ACCEPTED, S.SCHEDULED), S.CANCELLED),
}


def available_actions(role: str, status: str, *, record_only: bool = False) -> list[str]:
    """What ``role`` may do to a referral in ``status`` now: the transitions, and
    ``reschedule`` for the recipient of a scheduled one. The referrer of a record-only
    referral also enters the recipient's steps."""
    roles = {role, policies.ROLE_RECIPIENT} if record_only and role == policies.ROLE_REFERRER else {role}
    verbs = [verb for verb, (who, froms, _) in TRANSITIONS.items() if who in roles and status in froms]
    if role == policies.ROLE_RECIPIENT and status == S.SCHEDULED:
        verbs.insert(0, "reschedule")
    return verbs


def _transition(*, actor: Actor, referral_id: int, verb: str, changes: dict[str, Any], note: str) -> Referral:
    role, from_statuses, to_status = TRANSITIONS[verb]
    access = access_referral_logged(actor, referral_id, what=verb)
    if access.restricted:
        _audit_stub(actor=actor, referral=access.referral, what=verb)
        raise ApplicationError(
            "consent_required",
            "Your access to this referral has ended (the family's consent changed, or you declined it): "
            "you can no longer act on it.",
            status=403,
            extra={"action": verb},
        )
    if access.role != role and not _records_for_recipient(access, role):
        raise ApplicationError(
            "not_allowed", f"Only the referral's {role} can {verb} it.", status=403, extra={"action": verb}
        )
    return _apply_transition(
        actor=actor,
        referral_pk=access.referral.pk,
        verb=verb,
        changes=changes,
        note=note,
        consent=access.consent,
    )


def _records_for_recipient(access: policies.ReferralAccess, role: str) -> bool:
    """A record-only referral (made by phone or fax): its referrer enters the recipient's
    answer, appointment and outcome."""
    return (
        access.referral.record_only
        and access.role == policies.ROLE_REFERRER
        and role == policies.ROLE_RECIPIENT
    )


def _apply_transition(
    *,
    actor: Actor | None,
    referral_pk: int,
    verb: str,
    changes: dict[str, Any],
    note: str,
    consent: Consent | None,
    partner_name: str = "",
) -> Referral:
    """The transition's write, once its actor was allowed: the row locked and its status
    re-checked (409 ``invalid_transition``), the timeline row, the audit rows and the
    notices. ``actor`` None with ``partner_name``: a recipient without an account acting
    from a link (``referrals.partners``)."""
    role, from_statuses, to_status = TRANSITIONS[verb]
    user = actor if isinstance(actor, User) else None
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("child", "from_provider", "to_provider", "case")
            .get(pk=referral_pk)
        )
        if referral.status not in from_statuses:
            raise ApplicationError(
                "invalid_transition",
                f"Cannot {verb} a referral that is {referral.status}.",
                status=409,
                extra={"status": referral.status, "action": verb},
            )
        now = timezone.now()
        previous = referral.status
        for field, value in changes.items():
            setattr(referral, field, value)
        referral.status = to_status
        if verb in ("accept", "decline"):
            referral.responded_at = now
        if verb == "schedule":
            referral.scheduled_at = now
        if verb in ("complete", "cancel"):
            referral.closed_at = now
        if referral.received_at is None and previous == S.SENT and role == policies.ROLE_RECIPIENT:
            referral.received_at = now
        referral.save()
        ReferralEvent.objects.create(
            referral=referral,
            actor=user,
            partner_name=partner_name if user is None else "",
            from_status=previous,
            to_status=to_status,
            at=now,
            note=note,
            appointment_at=changes.get("appointment_at"),
            needs_met=changes.get("needs_met", ""),
            barriers=changes.get("barriers", []),
        )
        audit_referral(
            actor=actor,
            referral=referral,
            action=Action.UPDATE,
            consent=consent,
            detail=f"{previous} -> {to_status}",
            actor_label=partner_label(partner_name) if partner_name and user is None else "",
        )
        if verb == "accept":
            _join_care_team(referral)
        if verb == "decline" and referral.to_provider.user_id:
            # Need to know: a recipient who declined has no further use for the child's data.
            policies.revoke_referral_access(referral_ids=[referral.pk], user_id=referral.to_provider.user_id)
        if role == policies.ROLE_RECIPIENT and not referral.record_only:
            _notify_referrer(referral)
        elif role != policies.ROLE_RECIPIENT and referral.to_provider.user_id is not None:
            outbox_notify(
                referral.to_provider.user_id,
                "referral.status_changed",
                {
                    "referral_id": referral.pk,
                    "status": to_status,
                    "label": f"Referral #{referral.pk} {to_status}",
                },
            )
        notify_guardians(referral, suppress_email=_emails_suppressed.get())
    return referral


def _notify_referrer(referral: Referral) -> None:
    if referral.from_provider is None:
        notify_family(referral, suppress_email=_emails_suppressed.get())
        return
    user_id = referral.from_provider.user_id
    if user_id is None:
        return
    outbox_notify(
        user_id,
        "referral.status_changed",
        {
            "referral_id": referral.pk,
            "status": referral.status,
            "label": f"Referral #{referral.pk} {referral.status}",
        },
    )
    if referral.status in (S.DECLINED, S.COMPLETED):
        _email_on_commit(
            referral.from_provider.user,
            f"Referral #{referral.pk} was {referral.status}",
            f"/referrals/{referral.pk}/",
            key=f"referral:{referral.pk}:{referral.status}:email",
        )


# The lifecycle services take what ``referrals.inputs`` (``TRANSITION_FORMS``) checked:
# choices as codes, notes as stripped text within ``MAX_TEXT``, appointments as aware
# date-times.


def referral_accept(*, actor: Actor, referral_id: int, note: str = "") -> Referral:
    """Recipient accepts (from sent/received). Joins the care team when consent covers
    ``care_coordination`` (recipient, and the referrer if covered too)."""
    return _transition(actor=actor, referral_id=referral_id, verb="accept", changes={}, note=note)


def referral_decline(*, actor: Actor, referral_id: int, decline_reason: str, note: str = "") -> Referral:
    return _transition(
        actor=actor,
        referral_id=referral_id,
        verb="decline",
        changes={"decline_reason": decline_reason, "decline_note": note},
        note=note,
    )


def referral_schedule(
    *, actor: Actor, referral_id: int, appointment_at: datetime.datetime, note: str = ""
) -> Referral:
    when = _future_appointment(appointment_at)
    return _transition(
        actor=actor,
        referral_id=referral_id,
        verb="schedule",
        changes={"appointment_at": when},
        note=note,
    )


APPOINTMENT_MAX_YEARS = 5


def _years_after(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def _future_appointment(when: datetime.datetime) -> datetime.datetime:
    """An appointment time not in the past and at most ``APPOINTMENT_MAX_YEARS`` ahead (a
    year-9999 date is a typo, and one no reader's zone can show)."""
    now = timezone.now()
    if when < now:
        raise FieldError(
            "appointment_in_past",
            "appointment_at",
            _("The appointment is in the past; give a date and time still to come."),
        )
    if when > _years_after(now, APPOINTMENT_MAX_YEARS):
        raise FieldError(
            "appointment_too_far",
            "appointment_at",
            _("The appointment is more than %(years)s years ahead; check the year.")
            % {"years": APPOINTMENT_MAX_YEARS},
        )
    return when


def future_appointment(when: datetime.datetime) -> datetime.datetime:
    """``_future_appointment`` for the link's page (``referrals.partner_steps``)."""
    return _future_appointment(when)


def apply_partner_transition(
    *, referral_pk: int, verb: str, changes: dict[str, Any], note: str, consent: Consent, partner_name: str
) -> Referral:
    """A recipient without an account moves its referral from a link it was e-mailed
    (``referrals.partner_steps`` checked the link and the consent): the same transition,
    timeline, audit rows and notices as a signed-in recipient's, done as
    "<partner>, by link"."""
    return _apply_transition(
        actor=None,
        referral_pk=referral_pk,
        verb=verb,
        changes=changes,
        note=note,
        consent=consent,
        partner_name=partner_name,
    )


def referral_read_by_link(*, referral: Referral, consent: Consent, categories: list[str]) -> None:
    """The access log's rows for a partner reading a referral from its link: one per
    data category shown, as "<partner>, by link"."""
    for category in categories:
        audit_record(
            actor=None,
            actor_label=partner_label(referral.to_provider.name),
            action=Action.VIEW,
            child_id=referral.child_id,
            data_category=category,
            purpose="referral",
            consent=consent,
            object_type="referral",
            object_id=referral.pk,
            detail="referral read by link",
        )


# Reschedules of one referral within this window reach each person once (issue 23,
# finding 9: 33 reschedules had sent 33 e-mails). The notice and the e-mail carry a link
# only, so one of each says everything: the page shows the time in force.
RESCHEDULE_COALESCE = datetime.timedelta(minutes=30)


def _recent_reschedule_notice(*, referral: Referral, user_id: int, channel: str) -> OutboxMessage | None:
    """The reschedule notice (``channel``) for this person and referral from within the
    window still waiting to be delivered or read, if any: it covers this reschedule too."""
    rows = OutboxMessage.objects.filter(
        recipient_id=user_id,
        channel=channel,
        key__startswith=f"referral:{referral.pk}:rescheduled:",
        created_at__gte=timezone.now() - RESCHEDULE_COALESCE,
    )
    if channel == OutboxChannel.IN_APP:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-id").first()


def _rescheduled_audience(referral: Referral) -> list[tuple[User, str, bool]]:
    """Who hears of a new time (person, link, family?): the referrer while the decision
    point lets them see the child for the referral (a referrer whose consent ended sees a
    stub and hears nothing: issue 23, finding 3), and the family's guardians (the
    decision point's guardian relation, ``family_audience``)."""
    people: list[tuple[User, str, bool]] = []
    sender = referral.from_provider  # None for a family's own request
    if (
        sender is not None
        and sender.user is not None
        and decide(sender.user, child_id=referral.child_id, purpose="referral", categories="demographics")
    ):
        people.append((sender.user, f"/referrals/{referral.pk}/", False))
    for user in family_audience(referral):
        people.append((user, portal_link(referral), True))
    return people


def _rescheduled_payload(referral: Referral, path: str, family: bool) -> dict[str, Any]:
    """Ids and a link; for the family (in the app only) the new time, read in their zone
    when shown. A provider's notice carries no time: their access may end, the notice
    stays."""
    payload: dict[str, Any] = {
        "referral_id": referral.pk,
        "status": referral.status,
        "label": _("Referral #%(id)s rescheduled") % {"id": referral.pk},
        "url": path,
    }
    if family and referral.appointment_at is not None:
        payload["appointment_at"] = referral.appointment_at.isoformat()
    return payload


def _text_rescheduled(referral: Referral, user: User, *, key: str, path: str) -> None:
    """A guardian who chose texts hears of the new time by text too (a link, no time, no
    child), once per window like the e-mail."""
    if _emails_suppressed.get() or _recent_reschedule_notice(
        referral=referral, user_id=user.pk, channel=OutboxChannel.SMS
    ):
        return
    text_person(
        user=user,
        key=key,
        kind="referral.rescheduled",
        body=_(
            "Referral Hub: an appointment for your child's referral has a new date and time. Sign in to see it: %(link)s"
        )
        % {"link": absolute_url(path)},
    )


def _notify_rescheduled(referral: Referral, event: ReferralEvent) -> None:
    """The referrer (while covered) and the family's guardians: an in-app notice and an
    e-mail (a link only; no time, no child), and a text to a guardian who chose texts,
    each in the person's language, queued in the
    outbox in this transaction, at most one of each per person and referral within
    ``RESCHEDULE_COALESCE`` (while the earlier one is pending or unread)."""
    for user, path, family in _rescheduled_audience(referral):
        language = language_of(user)
        key = f"referral:{referral.pk}:rescheduled:{event.pk}:{user.pk}"
        with translation.override(language):
            payload = _rescheduled_payload(referral, path, family)
            pending = _recent_reschedule_notice(
                referral=referral, user_id=user.pk, channel=OutboxChannel.IN_APP
            )
            if pending is None:
                outbox_notify(
                    user.pk, "referral.rescheduled", payload, key=key + ":in_app", language=language
                )
            elif family:
                # The unread notice covers this move too: it tells the time now in force.
                outbox_in_app_update_payload(message_id=pending.pk, payload=payload)
            if family:
                _text_rescheduled(referral, user, key=key + ":sms", path=path)
            if (
                _emails_suppressed.get()
                or (family and not referral_emails_wanted(user))
                or _recent_reschedule_notice(referral=referral, user_id=user.pk, channel=OutboxChannel.EMAIL)
            ):
                continue
            outbox_email(
                key=key,
                to_address=user.email,
                subject=_("An appointment was rescheduled on Referral Hub"),
                body=_(
                    "An appointment for a referral has a new date and time.\n\n"
                    "Sign in to see it: %(link)s\n\n"
                    "For privacy, details are only shown after you sign in."
                )
                % {"link": absolute_url(path)},
                kind="referral",
                recipient_id=user.pk,
                language=language,
            )


def referral_reschedule(
    *, actor: Actor, referral_id: int, appointment_at: datetime.datetime, reason: str = ""
) -> Referral:
    """The recipient moves a scheduled appointment (still ``scheduled``): a timeline entry
    with the reason, an audit row, and a notice to the referrer and the family. 400
    ``appointment_in_past``; 409 ``invalid_transition`` unless the referral is scheduled."""
    when = _future_appointment(appointment_at)
    access = access_referral_logged(actor, referral_id, what="reschedule")
    if access.restricted or access.role != policies.ROLE_RECIPIENT:
        raise ApplicationError(
            "not_allowed",
            "Only the referral's recipient can reschedule it.",
            status=403,
            extra={"action": "reschedule"},
        )
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("child", "from_provider__user", "to_provider", "case")
            .get(pk=access.referral.pk)
        )
        if referral.status != S.SCHEDULED:
            raise ApplicationError(
                "invalid_transition",
                f"Cannot reschedule a referral that is {referral.status}: only a scheduled one.",
                status=409,
                extra={"status": referral.status, "action": "reschedule"},
            )
        now = timezone.now()
        previous = referral.appointment_at
        referral.appointment_at = when
        referral.save(update_fields=["appointment_at", "updated_at"])
        event = ReferralEvent.objects.create(
            referral=referral,
            actor=signed_in(actor),
            from_status=S.SCHEDULED,
            to_status=S.SCHEDULED,
            at=now,
            note=reason,
            previous_appointment_at=previous,
            appointment_at=when,
        )
        audit_referral(
            actor=actor,
            referral=referral,
            action=Action.UPDATE,
            consent=access.consent,
            detail=f"rescheduled {previous.isoformat() if previous else '-'} -> {when.isoformat()}",
        )
        _notify_rescheduled(referral, event)
    return referral


def referral_complete(
    *,
    actor: Actor,
    referral_id: int,
    outcome: str,
    note: str = "",
    needs_met: str = NeedsMet.UNKNOWN,
    barriers: Sequence[str] = (),
) -> Referral:
    """The recipient closes the loop: the outcome, and whether the family's need was met
    with the barriers (``referrals.inputs.NeedsMetForm`` checked them), both on the
    timeline entry too."""
    return _transition(
        actor=actor,
        referral_id=referral_id,
        verb="complete",
        changes={
            "outcome": outcome,
            "outcome_note": note,
            "needs_met": needs_met,
            "barriers": list(barriers),
        },
        note=note,
    )


def referral_cancel(*, actor: Actor, referral_id: int, reason: str = "") -> Referral:
    return _transition(
        actor=actor, referral_id=referral_id, verb="cancel", changes={"cancel_reason": reason}, note=reason
    )


def _join_care_team(referral: Referral) -> None:
    for provider, role in (
        (referral.to_provider, TeamRole.RECIPIENT),
        (referral.from_provider, TeamRole.REFERRER),
    ):
        if provider is None or provider.user_id is None:
            continue
        if consent_for(provider=provider, child_id=referral.child_id, purpose="care_coordination") is None:
            continue
        care_team_member_add(case=referral.case, provider=provider, role=role)


# --- a listing claimed (a ``directory.extensions`` claim listener) -----------------------


def referrals_for_claimed_listing(*, provider_id: int, user_id: int) -> None:
    """Registered with ``directory.extensions`` (``ReferralsConfig.ready``): called inside
    the transaction that approves a claim. The account behind the listing now receives
    the referrals sent to it while it had no account (answered by e-mailed link until
    now): the same permission rows sending grants a recipient with an account (not for
    declined ones: declining ends the recipient's access), and a place on the care team
    of those it accepted where consent covers care coordination. The consent gate still
    decides every read."""
    referrals = list(
        Referral.objects.filter(to_provider_id=provider_id)
        .exclude(status=S.DECLINED)
        .select_related("to_provider", "from_provider", "case")
    )
    for referral in referrals:
        policies.grant_referral_access(referral=referral, user_ids=[user_id])
        if referral.status in (S.ACCEPTED, S.SCHEDULED):
            _join_care_team(referral)


# --- consent revocation or expiry (an access-end hook, inside that transaction) ---------


def access_end_for_consent(end: AccessEnd) -> set[int]:
    """Registered with ``consent.hooks`` (``ReferralsConfig.ready``): called inside the
    revoking (or expiry-recording) transaction. Removes the recipients' referral
    permissions that no other active consent still justifies (care-team memberships are
    ``cases``' hook). Sends no ``access.changed`` (consent sends one per user); returns
    the users whose permission it removed."""
    consent = end.consent
    touched: set[int] = set()
    by_id = {p.pk: p for p in providers_of_consent(consent)}
    if not by_id:
        return touched
    referrals = Referral.objects.filter(child_id=consent.child_id, to_provider_id__in=by_id)
    for referral in referrals:
        provider = by_id[referral.to_provider_id]
        if provider.user_id is None:
            continue
        referral.to_provider = provider
        if policies.recipient_consent(referral) is None and policies.revoke_referral_access(
            referral_ids=[referral.pk], user_id=provider.user_id
        ):
            touched.add(provider.user_id)
    return touched


def referral_export(*, actor: Actor, referral_id: int) -> policies.ReferralAccess:
    """Access check + audit for reading a referral as FHIR (no receipt: a system read is
    not the recipient opening it)."""
    access = policies.access_referral(actor, referral_id)
    if access.restricted:
        # A FHIR ServiceRequest/Task needs its subject: without consent there is none to give.
        _audit_stub(actor=actor, referral=access.referral, what="fhir export")
        raise NotFound("Referral")
    audit_referral(
        actor=actor, referral=access.referral, action=Action.EXPORT, consent=access.consent, detail="fhir"
    )
    return access


def _audit_stub(*, actor: Actor, referral: Referral, what: str) -> None:
    """The referrer's consent ended: nothing about the child was disclosed; the guardian
    still sees the attempt in the access log (outcome ``denied``)."""
    audit_denied(
        actor=actor,
        action=Action.VIEW if what in ("view", "fhir export") else Action.UPDATE,
        child_id=referral.child_id,
        purpose="referral",
        object_type="referral",
        object_id=referral.pk,
        detail=f"{what}: referrer no longer covered by consent (stub only)",
    )


# --- audited list reads -----------------------------------------------------------------


def referrals_shown(*, actor: Actor, referrals: Iterable[Referral], detail: str) -> None:
    """A list page or API showed these referrals: one audit row per child shown, written
    in one batch (the list costs the same few queries for 1 or 100 rows)."""
    audit_list_read(
        actor=actor,
        object_type="referral",
        purpose="referral",
        detail=detail,
        # A stub (the caller's consent ended) names no child: nothing was disclosed.
        rows=[(r.child_id, r.pk) for r in referrals if getattr(r, "child_visible", True)],
    )


def children_shown(*, actor: Actor, children: Iterable[Any], detail: str) -> None:
    """A picker listed these children by name: one audit row per child."""
    audit_list_read(
        actor=actor,
        object_type="child",
        purpose="referral",
        detail=detail,
        rows=[(child.pk, child.pk) for child in children],
    )
