"""Every write of a family request: asking for help (to a provider, or to the care
coordinators' queue), a coordinator routing a queued request, and the family signing
for the provider a coordinator chose. Each validates everything before writing, so a
refusal (wrong password, duplicate, bad input) writes nothing."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.models import Action
from audit.services import audit_list_read, audit_record, audit_record_many, audit_refusals
from consent import policies as consent_policies
from consent.authority import audit_basis, consenting_authority
from consent.models import Consent
from consent.recipients import may_contact
from consent.services import consent_grant, existing_child_id
from directory.models import Provider
from families.models import Authority, Child
from families.services import child_create
from intake import selectors
from intake.models import OPEN_STAGES, ContactMethod, FamilyRequest, Stage
from outbox.services import outbox_notice_and_email, outbox_notify
from people.preferences import language_codes, language_of, update_text_updates
from people.roles import COORDINATOR_GROUP, Actor, is_coordinator, signed_in
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup, parse_id
from referral_hub.sitelinks import absolute_url
from referrals.models import OPEN_STATUSES, Referral
from referrals.services import check_family_recipient, referral_send_for_family

CONSENT_PURPOSES = ["referral"]
CONSENT_CATEGORIES = ["demographics"]
CONSENT_TERM = timedelta(days=180)


def consent_expiry(today: date | None = None) -> date:
    return (today or timezone.now().date()) + CONSENT_TERM


def _field_error(field: str, code: str, message: str) -> ApplicationError:
    return ApplicationError(code, message, status=400, extra={"field": field})


def _check_signature(actor: Actor, password: Any) -> None:
    if not isinstance(password, str) or not password or not signed_in(actor).check_password(password):
        raise _field_error(
            "password",
            "invalid_signature",
            gettext("That password is not right. Enter your password to sign."),
        )


BY_PHONE = (ContactMethod.PHONE, ContactMethod.TEXT)


def _contact(*, method: str, phone: str, email: str, account_email: str) -> tuple[str, str]:
    """The phone and e-mail to store: a phone is needed to be called or texted, an
    e-mail (the account's unless another was given) to be written to."""
    if method in BY_PHONE and not phone:
        raise _field_error(
            "phone",
            "phone_required",
            gettext("Enter a phone number so they can call or text you, or choose e-mail."),
        )
    email = email or account_email
    if method not in BY_PHONE and not email:
        raise _field_error(
            "email", "email_required", gettext("Enter an e-mail address so they can write to you.")
        )
    return phone, email


def _open_duplicate(
    child: Child, provider: Provider | None, *, exclude_pk: int | None = None
) -> FamilyRequest | None:
    """An open request of this child to this provider (or, without one, still in the
    queue), or an open referral of the child to that provider."""
    mine = FamilyRequest.objects.filter(child=child)
    if exclude_pk is not None:
        mine = mine.exclude(pk=exclude_pk)
    if provider is None:
        return mine.filter(provider__isnull=True, stage=Stage.QUEUED).first()
    return (
        mine.filter(provider=provider, stage__in=OPEN_STAGES).first()
        or mine.filter(provider=provider, referral__status__in=OPEN_STATUSES).first()
    )


def _refuse_open_referral(child: Child, provider: Provider) -> None:
    """A provider already working on an open referral for the child (from anyone)."""
    if Referral.objects.filter(child=child, to_provider=provider, status__in=OPEN_STATUSES).exists():
        raise ApplicationError(
            "duplicate_request",
            gettext("This provider already has an open referral for this child."),
            status=409,
        )


def _refuse_duplicate(child: Child, provider: Provider | None) -> None:
    # Serialize requests for one child: the duplicate check and the insert hold its lock.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    if provider is not None:
        _refuse_open_referral(child, provider)
    existing = _open_duplicate(child, provider)
    if existing is not None:
        raise ApplicationError(
            "duplicate_request",
            gettext("You already have an open request for this child with this provider.")
            if provider is not None
            else gettext("You already have a request for this child waiting for a care coordinator."),
            status=409,
            extra={"request": existing.pk},
        )


def _send(
    *, actor: Actor, request: FamilyRequest, child: Child, provider: Provider, password: str, language: str
) -> FamilyRequest:
    """Sign the consent (``referral``, ``demographics``) and create the referral: inside
    the caller's transaction."""
    # Signed in the family's language: the consent app renders (and stores) the
    # authorization in the active language where it has that language's wording.
    with translation.override(language):
        consent: Consent = consent_grant(
            actor=actor,
            child_id=child.pk,
            purposes=CONSENT_PURPOSES,
            data_categories=CONSENT_CATEGORIES,
            expires_on=consent_expiry(),
            password=password,
            recipient_provider_id=provider.pk,
            contact_details=True,
        )
    referral = referral_send_for_family(
        actor=actor,
        child=child,
        to_provider=provider,
        reason=request.concern,
        concern_type="other",
        consent=consent,
    )
    request.provider = provider
    request.consent = consent
    request.consent_text_version = consent.text_version
    request.consent_language = language
    # The authorization just signed names the contact details as shared (``contact``).
    request.contact_in_consent = True
    request.referral = referral
    request.stage = Stage.REFERRED
    request.save()
    return request


def _resolve_child(*, actor: Actor, child_id: int | None, new_child: dict[str, Any] | None) -> Child:
    if new_child:
        return child_create(actor=actor, **new_child)
    pk = parse_id(child_id)
    if pk is None:
        raise _field_error("child", "child_required", gettext("Choose your child."))
    consent_policies.guardian_for_child(actor, pk)
    return Child.objects.get(pk=pk)


def _legal_authority(actor: Actor, child: Child) -> Authority:
    """Asking for help is a consent action: the asker holds authority for the child now,
    within its scope (``consent.authority``; 403 ``no_legal_authority`` or
    ``outside_authority``). The authority it rests on, for the audit row."""
    guardian = consent_policies.require_guardian(actor)
    return consenting_authority(guardian, child.pk, CONSENT_PURPOSES)


def _refused_ask(kwargs: Mapping[str, Any]) -> tuple[int | None, object]:
    """What a refused request for help was about (``audit_refusals``): the child named,
    when it exists, or the request's."""
    request_id = kwargs.get("request_id")
    if request_id is not None:
        child_id = (
            FamilyRequest.objects.filter(pk=id_for_lookup(request_id))
            .values_list("child_id", flat=True)
            .first()
        )
        return existing_child_id(child_id), request_id
    return existing_child_id(kwargs.get("child_id")), None


@audit_refusals(Action.CREATE, object_type="family_request", subject=_refused_ask)
@transaction.atomic
def family_request_create(
    *,
    actor: Actor,
    child_id: int | None = None,
    provider_id: int | None = None,
    concern: str,
    preferred_language: str,
    contact_method: str,
    best_times: str = "",
    password: str,
    new_child: dict[str, Any] | None = None,
    phone: str = "",
    email: str = "",
    best_time_slots: Iterable[str] = (),
    text_updates: bool = False,
) -> FamilyRequest:
    """A guardian asks for help. With a provider, in this one transaction: the consent
    for ``referral`` (``demographics``) to that provider signed with the password, the
    referral (``source = family``) in its inbox, and the audit rows. Without one, the
    request waits in the care coordinators' queue.

    The values are ``intake.forms.RequestForm``'s (the page's ``AskForm``, the API's
    ``FamilyRequestForm``). Refusals (nothing written): 403 ``guardian_only`` /
    ``no_legal_authority``; 404 for a child outside the family; 400
    ``invalid_signature`` (password), ``phone_required`` (to be called or texted),
    ``email_required``, ``unknown_provider``, ``recipient_has_no_account``; 409
    ``duplicate_request``. ``phone`` is E.164 (the form's ``PhoneField``); ``email``
    defaults to the account's. ``text_updates``: the family ticked "text me updates":
    news of the request is texted to ``phone`` (the account's text choice,
    ``people.preferences``; left as it was when unticked)."""
    consent_policies.require_guardian(actor)
    provider = check_family_recipient(to_provider_id=provider_id) if provider_id is not None else None
    phone, email = _contact(
        method=contact_method, phone=phone, email=email, account_email=signed_in(actor).email
    )
    if text_updates and not phone:
        raise _field_error(
            "phone", "phone_required", gettext("Enter the number to text, or leave texts off.")
        )
    _check_signature(actor, password)
    child = _resolve_child(actor=actor, child_id=child_id, new_child=new_child)
    basis = _legal_authority(actor, child)
    _refuse_duplicate(child, provider)
    request = _queued_request(
        child=child,
        requested_by=signed_in(actor),
        via_coordinator=provider is None,
        concern=concern,
        preferred_language=preferred_language,
        contact_method=contact_method,
        best_times=best_times,
        best_time_slots=best_time_slots,
        phone=phone,
        email=email,
    )
    if text_updates:
        update_text_updates(signed_in(actor), number=phone, wanted=True)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        child=child,
        data_category="demographics",
        purpose="referral",
        object_type="family_request",
        object_id=request.pk,
        detail=("to provider" if provider else "to the care coordinators' queue")
        + f" ({audit_basis(basis)})",
    )
    if provider is not None:
        return _send(
            actor=actor,
            request=request,
            child=child,
            provider=provider,
            password=password,
            language=preferred_language,
        )
    _notify_coordinators(request)
    return request


def _queued_request(*, best_time_slots: Iterable[str], **fields: Any) -> FamilyRequest:
    """A new request in the queue, not yet sent to any provider (with or without an
    account: the callers name who asked and how to reach them)."""
    return FamilyRequest.objects.create(
        provider=None, stage=Stage.QUEUED, best_time_slots=list(best_time_slots), **fields
    )


@transaction.atomic
def family_request_create_anonymous(
    *,
    contact_name: str,
    concern: str,
    preferred_language: str,
    contact_method: str,
    phone: str = "",
    email: str = "",
    best_times: str = "",
    best_time_slots: Iterable[str] = (),
) -> FamilyRequest:
    """A family without an account asks the care coordinators (docs/family-requests.md,
    "Without an account"): no child record, no consent, nothing for any provider; a
    coordinator calls or writes back. Refusals (nothing written): 400 ``phone_required``
    / ``email_required``. The caller throttles it (``ANONYMOUS_ASK_RATE``)."""
    phone, email = _contact(method=contact_method, phone=phone, email=email, account_email="")
    request = _queued_request(
        child=None,
        requested_by=None,
        contact_name=contact_name,
        via_coordinator=True,
        concern=concern,
        preferred_language=preferred_language,
        contact_method=contact_method,
        best_times=best_times,
        best_time_slots=best_time_slots,
        phone=phone,
        email=email,
    )
    audit_record(
        actor=None,
        action=Action.CREATE,
        object_type="family_request",
        object_id=request.pk,
        detail="without an account, to the care coordinators' queue",
    )
    _notify_coordinators(request)
    return request


@transaction.atomic
def family_request_close(*, actor: Actor, request_id: int) -> FamilyRequest:
    """A coordinator closes a request made without an account once they reached the
    family (it holds no child: routing needs the family's account and signature).
    409 ``invalid_transition`` for anything else."""
    require_coordinator(actor)
    request = queued_request(actor=actor, request_id=request_id)
    if not request.anonymous:
        raise ApplicationError(
            "invalid_transition",
            gettext("Only a request made without an account is closed here."),
            status=409,
            extra={"status": request.stage},
        )
    return _move(
        actor=actor,
        request=request,
        allowed=(Stage.QUEUED,),
        refusal="This request is {stage}: only a queued request can be closed.",
        purpose="care_coordination",
        detail="closed after calling back (no account)",
        stage=Stage.CLOSED,
    )


def _notify_coordinators(request: FamilyRequest) -> None:
    """Each coordinator's bell (ids only)."""
    for user_id in User.objects.filter(groups__name=COORDINATOR_GROUP, is_active=True).values_list(
        "pk", flat=True
    ):
        outbox_notify(
            user_id,
            "family_request.queued",
            {"request_id": request.pk, "label": f"New request for help #{request.pk}"},
            key=f"family_request:{request.pk}:queued:{user_id}",
        )


def require_coordinator(actor: Actor) -> User:
    if not is_coordinator(actor):
        raise ApplicationError("coordinator_only", "Only a care coordinator may do this.", status=403)
    return signed_in(actor)


def queued_request(*, actor: Actor, request_id: int) -> FamilyRequest:
    """A request in the coordinators' queue now (``NotFound`` for anything else: a
    request that left it, withdrawn or its consent revoked, included), the child asked
    of the decision point."""
    require_coordinator(actor)
    pk = parse_id(request_id)
    request = (
        FamilyRequest.objects.filter(selectors.in_queue(), pk=pk)
        .filter(selectors.coordinator_sees(actor))
        .select_related("child", "provider", "referral", "requested_by")
        .first()
        if pk is not None
        else None
    )
    if request is None:
        raise NotFound("Request")
    return request


def coordination_request_open(*, actor: Actor, request_id: int) -> FamilyRequest:
    """A coordinator reads one request (the child's name, age, concern): audited."""
    request = queued_request(actor=actor, request_id=request_id)
    audit_record(
        actor=actor,
        action=Action.VIEW,
        child_id=request.child_id,
        data_category="demographics",
        purpose="care_coordination",
        object_type="family_request",
        object_id=request.pk,
    )
    return request


def coordination_queue_shown(*, actor: Actor, requests: list[FamilyRequest]) -> None:
    """A page of the queue was shown: one audit row per child on it."""
    audit_record_many(
        actor=actor,
        action=Action.VIEW,
        entries=[
            {
                "child_id": r.child_id,
                "data_category": "demographics",
                "purpose": "care_coordination",
                "object_type": "family_request",
                "object_id": r.pk,
            }
            for r in requests
        ],
    )


def _move(
    *,
    actor: Actor,
    request: FamilyRequest,
    allowed: Collection[str],
    refusal: str,
    purpose: str,
    detail: str,
    **changes: Any,
) -> FamilyRequest:
    """One step of a request, inside the caller's transaction: lock the row, refuse
    with 409 ``invalid_transition`` (``refusal``, where ``{stage}`` names the current
    stage) unless its stage is in ``allowed``, apply ``changes``, save, and write the
    audit row."""
    locked = FamilyRequest.objects.select_for_update().get(pk=request.pk)
    if locked.stage not in allowed:
        raise ApplicationError(
            "invalid_transition",
            refusal.replace("{stage}", locked.stage),
            status=409,
            extra={"status": locked.stage},
        )
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        child_id=locked.child_id,
        data_category="demographics",
        purpose=purpose,
        object_type="family_request",
        object_id=locked.pk,
        detail=detail,
    )
    return locked


@transaction.atomic
def family_request_route(*, actor: Actor, request_id: int, to_provider_id: int) -> FamilyRequest:
    """A coordinator routes a queued request to a provider. Nothing is disclosed to the
    provider yet: the family gets a link (portal notice and e-mail, in its language) to
    sign the consent for that provider; the referral is created when it signs.
    Refusals: 403 ``coordinator_only``; 404 outside the queue; 409 ``invalid_transition``
    when not waiting for a coordinator; 400 ``unknown_provider`` /
    ``recipient_has_no_account``."""
    coordinator = require_coordinator(actor)
    request = queued_request(actor=actor, request_id=request_id)
    if request.anonymous:
        raise ApplicationError(
            "account_needed",
            gettext(
                "This family asked without an account: call them back. To send a request to a "
                "provider, they create an account and sign the consent for that provider."
            ),
            status=409,
        )
    provider = check_family_recipient(to_provider_id=to_provider_id)
    locked = _move(
        actor=actor,
        request=request,
        allowed=(Stage.QUEUED,),
        refusal="This request is {stage}: only a queued request can be routed.",
        purpose="care_coordination",
        detail=f"routed to provider {provider.pk}",
        provider=provider,
        stage=Stage.AWAITING_SIGNATURE,
        routed_by=coordinator,
        routed_at=timezone.now(),
    )
    _notify_family_to_sign(locked)
    return locked


def sign_path(request: FamilyRequest) -> str:
    return f"/portal/requests/{request.pk}/sign/"


def _notify_family_to_sign(request: FamilyRequest) -> None:
    """The guardian who asked hears that a provider was chosen, unless a court order keeps
    them from being contacted about the child (``consent.recipients``): then the request
    waits on their portal page, where they see it when they sign in."""
    user = request.requested_by
    if user is None or request.child_id is None or not may_contact(user.pk, request.child_id):
        return
    language = language_of(None, request.preferred_language)
    link = absolute_url(sign_path(request))
    with translation.override(language):
        label = gettext("A care coordinator found a provider: sign to send your request")
        subject = gettext("A care coordinator found help for your family")
        body = gettext(
            "A care coordinator chose a provider for your request for help. Nothing has been shared "
            "yet: read the authorization and sign it here to send your request:\n\n%(link)s\n\n"
            "For privacy, details are only shown after you sign in."
        ) % {"link": link}
    outbox_notice_and_email(
        user=user,
        key=f"family_request:{request.pk}:routed",
        kind="family_request.routed",
        email_kind="family_request",
        language=language,
        payload={"request_id": request.pk, "label": label, "url": sign_path(request)},
        subject=subject,
        body=body,
    )


def own_request(*, actor: Actor, request_id: int) -> FamilyRequest:
    """One of the guardian's own family's requests (``NotFound`` otherwise)."""
    pk = parse_id(request_id)
    if pk is None or not actor.is_authenticated:
        raise NotFound("Request")
    request = (
        FamilyRequest.objects.filter(consent_policies.guardian_children_q(actor, "child__"), pk=pk)
        .select_related("child", "provider__organization", "referral")
        .first()
    )
    if request is None:
        raise NotFound("Request")
    return request


def own_request_open(*, actor: Actor, request_id: int) -> FamilyRequest:
    """The family reads one of its own requests (the child, the concern): audited like
    every other read of a child's data."""
    request = own_request(actor=actor, request_id=request_id)
    audit_record(
        actor=actor,
        action=Action.VIEW,
        child_id=request.child_id,
        data_category="demographics",
        purpose="referral",
        object_type="family_request",
        object_id=request.pk,
    )
    return request


def own_requests_shown(*, actor: Actor, requests: Iterable[FamilyRequest], detail: str) -> None:
    """A list showed the family its own requests: one audit row per child shown, in one
    batch (the list costs the same few queries for 1 or 100 rows; none for an empty one)."""
    rows: list[tuple[int | None, object]] = [(r.child_id, r.pk) for r in requests]
    if not rows:
        return
    audit_list_read(
        actor=actor,
        object_type="family_request",
        purpose="referral",
        data_category="demographics",
        detail=detail,
        rows=rows,
    )


@audit_refusals(Action.UPDATE, object_type="family_request", subject=_refused_ask)
@transaction.atomic
def family_request_sign(*, actor: Actor, request_id: int, password: Any, language: str = "") -> FamilyRequest:
    """The family signs the consent for the provider a coordinator chose; only then is
    the referral created on its behalf. 409 ``invalid_transition`` unless waiting for
    the signature; 400 ``invalid_signature``; 409 ``duplicate_request``."""
    consent_policies.require_guardian(actor)
    request = own_request(actor=actor, request_id=request_id)
    _check_signature(actor, password)
    locked = (
        FamilyRequest.objects.select_for_update(of=("self",))
        .select_related("child", "provider")
        .get(pk=request.pk)
    )
    child = locked.child
    if locked.stage != Stage.AWAITING_SIGNATURE or locked.provider is None or child is None:
        raise ApplicationError(
            "invalid_transition",
            gettext("This request is not waiting for your signature."),
            status=409,
            extra={"status": locked.stage},
        )
    _legal_authority(actor, child)
    provider = check_family_recipient(to_provider_id=locked.provider.pk)
    _refuse_open_referral(child, provider)
    duplicate = _open_duplicate(child, provider, exclude_pk=locked.pk)
    if duplicate is not None:
        raise ApplicationError(
            "duplicate_request",
            gettext("You already have an open request for this child with this provider."),
            status=409,
            extra={"request": duplicate.pk},
        )
    return _send(
        actor=actor,
        request=locked,
        child=child,
        provider=provider,
        password=str(password),
        language=language if language in language_codes() else locked.preferred_language,
    )


@transaction.atomic
def family_request_withdraw(*, actor: Actor, request_id: int) -> FamilyRequest:
    """The family withdraws a request nobody has received yet (waiting for a
    coordinator, or for its own signature). Once sent, the referral's own lifecycle
    applies. 409 ``invalid_transition`` otherwise; 404 outside the family."""
    request = own_request(actor=actor, request_id=request_id)
    return _move(
        actor=actor,
        request=request,
        allowed=OPEN_STAGES,
        refusal=gettext("This request can no longer be withdrawn."),
        purpose="referral",
        detail="withdrawn by the family",
        stage=Stage.WITHDRAWN,
    )
