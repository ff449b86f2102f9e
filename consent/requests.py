"""Consent requests: a provider who may see a child asks the family to share with another
provider; a guardian signs (a normal portal e-signature, through ``consent_grant``) or
declines; the asker is told the answer.

Every write validates first, so a refusal changes nothing; the refusal is logged as a
denied attempt (for the child when it exists) after the failed transaction rolled back.
Mail to families carries a link only, never a child's details; every notice goes through
the outbox in the same transaction, in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Action, Outcome
from audit.services import audit_denied, audit_record, audit_record_many, audit_refusals
from consent import authority, policies, selectors
from consent.extensions import request_return_url
from consent.forms import default_expiry
from consent.models import Consent, ConsentRequest, ConsentRequestStatus
from consent.recipients import family_recipients
from consent.services import consent_grant, existing_child_id, resolve_recipient, validate_scope
from directory.models import Provider
from directory.roles import provider_of
from outbox.services import outbox_notice_and_email
from people.preferences import language_of
from people.roles import Actor, signed_in
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup
from referral_hub.sitelinks import absolute_url

if TYPE_CHECKING:
    from consent.policies import VisibleChild


def _refused_request(kwargs: Mapping[str, Any]) -> tuple[int | None, object]:
    """What a refused request write was about (for ``audit_refusals``): its child (the
    request's, or ``child_id``) and the request."""
    request_id = kwargs.get("request_id")
    child_id = kwargs.get("child_id")
    if request_id is not None:
        child_id = (
            ConsentRequest.objects.filter(pk=id_for_lookup(request_id))
            .values_list("child_id", flat=True)
            .first()
        )
    return existing_child_id(child_id), request_id


def _covered_for_all(provider: Provider, child_id: int, purposes: list[str], categories: list[str]) -> bool:
    return all(
        policies.consent_for(provider=provider, child_id=child_id, purpose=p, categories=categories)
        is not None
        for p in purposes
    )


def _check_create(
    *,
    actor: Actor,
    child_id: int,
    provider_id: int,
    purposes: Iterable[str],
    data_categories: Iterable[str],
    note: str,
) -> tuple[Provider, VisibleChild, Provider, list[str], list[str], str]:
    asker = provider_of(actor)
    if asker is None:
        raise ApplicationError("provider_only", "Only a provider may ask a family to share.", status=403)
    child = policies.access_child(actor, child_id)  # NotFound unless a consent covers the asker
    if child.access_consent_id is None:
        raise NotFound("Child")
    scope = validate_scope(purposes, data_categories)
    provider, _org = resolve_recipient(recipient_provider_id=provider_id)
    if provider.pk == asker.pk:
        raise ApplicationError(
            "recipient_is_requester", "Ask for another provider, not yourself.", extra={"field": "provider"}
        )
    if _covered_for_all(provider, child.pk, *scope):
        raise ApplicationError(
            "already_covered", "The family's consent already covers this provider for this.", status=409
        )
    return asker, child, provider, scope[0], scope[1], note


def _pending_conflict() -> ApplicationError:
    return ApplicationError(
        "consent_request_pending",
        "The family already has a request to share with this provider; wait for their answer.",
        status=409,
    )


@audit_refusals(Action.CREATE, object_type="consent_request", subject=_refused_request)
@transaction.atomic
def consent_request_create(
    *,
    actor: Actor,
    child_id: int,
    provider_id: int,
    purposes: Iterable[str],
    data_categories: Iterable[str],
    note: str = "",
) -> ConsentRequest:
    """A provider a consent covers for the child asks its family to share with
    ``provider`` (values as ``consent.forms.ConsentRequestForm`` cleaned them). Refusals:
    403 ``provider_only``, 404 for a child the asker may not see, 400 for scope or
    recipient, 409 ``already_covered`` or ``consent_request_pending``."""
    asker, child, provider, purposes, categories, note = _check_create(
        actor=actor,
        child_id=child_id,
        provider_id=provider_id,
        purposes=purposes,
        data_categories=data_categories,
        note=note,
    )
    if ConsentRequest.objects.filter(
        child=child, provider=provider, status=ConsentRequestStatus.PENDING
    ).exists():
        raise _pending_conflict()
    try:
        with transaction.atomic():
            request = ConsentRequest.objects.create(
                child=child,
                requested_by=asker,
                requested_by_user=signed_in(actor),
                provider=provider,
                purposes=purposes,
                data_categories=categories,
                note=note,
            )
    except IntegrityError:  # a concurrent identical request won
        raise _pending_conflict() from None
    audit_record(
        actor=actor,
        action=Action.CREATE,
        child=child,
        consent_id=child.access_consent_id,
        object_type="consent_request",
        object_id=request.pk,
        detail=f"asked the family to share with provider {provider.pk}",
    )
    _notify_guardians(request)
    return request


def consent_request_ask_again(*, actor: Actor | None, consent: Consent) -> ConsentRequest | None:
    """A consent ended because the authority it was given under ended: the people who
    hold authority now are asked to sign again, for the same provider and the same scope
    (``_notify_guardians``: a notice and an e-mail each). The request is the provider's
    own (they lost access; they hear the answer). Runs inside the caller's transaction.

    Nothing is asked (None) when the recipient is an organization or a listing without
    an account (a request names one provider and the account that asked), when another
    consent still covers the provider for all of it, or when a request to share with that
    provider is already pending (never two open questions)."""
    provider = consent.recipient_provider
    if provider is None or provider.user_id is None:
        return None
    purposes, categories = consent.purposes, consent.data_categories
    if _covered_for_all(provider, consent.child_id, purposes, categories):
        return None
    pending = ConsentRequest.objects.filter(
        child_id=consent.child_id, provider=provider, status=ConsentRequestStatus.PENDING
    )
    if pending.exists():
        return None
    holders = authority.holders(consent.child_id)
    with translation.override(language_of(holders[0].user) if holders else None):
        note = _(
            "The consent that let this provider see the child's information ended, because "
            "the authority it was given under ended. Sign to let them continue."
        )
    try:
        with transaction.atomic():
            request = ConsentRequest.objects.create(
                child_id=consent.child_id,
                requested_by=provider,
                requested_by_user_id=provider.user_id,
                provider=provider,
                purposes=purposes,
                data_categories=categories,
                note=note,
            )
    except IntegrityError:  # a concurrent request for this provider won
        return None
    audit_record(
        actor=actor,
        action=Action.CREATE,
        child_id=consent.child_id,
        consent=consent,
        object_type="consent_request",
        object_id=request.pk,
        detail=f"asked the authority holders to renew consent {consent.pk} with provider {provider.pk}",
    )
    _notify_guardians(request)
    return request


def _notify_guardians(request: ConsentRequest) -> None:
    """Each person who may consent for the child now (``consent.recipients``, consenting:
    no one a court order keeps out): a portal notice and an e-mail (a link only)."""
    path = reverse("portal-consent-request", kwargs={"request_id": request.pk})
    for guardian in family_recipients(request.child_id, consenting=True):
        user = guardian.user
        lang = language_of(user)
        key = f"consent_request:{request.pk}:asked:guardian:{user.pk}"
        with translation.override(lang):
            outbox_notice_and_email(
                user=user,
                key=key,
                kind="consent_request.created",
                language=lang,
                payload={
                    "consent_request_id": request.pk,
                    "child_id": request.child_id,
                    "label": _("A provider asks you to share information"),
                    "url": path,
                },
                subject=_("A provider asks you to share information"),
                body=_(
                    "A provider on Referral Hub asks you to share information with another "
                    "provider. Nothing is shared unless you sign. Read the request and answer "
                    "it here:\n\n%(link)s\n\nFor privacy, details are only shown after you sign in."
                )
                % {"link": absolute_url(path)},
            )


def _notify_requester(request: ConsentRequest) -> None:
    """The provider who asked hears the answer: in the app and by e-mail (a link only)."""
    user = request.requested_by_user
    lang = language_of(user)
    signed = request.status == ConsentRequestStatus.SIGNED
    path = request_return_url(user, request.child_id, request.provider_id)
    key = f"consent_request:{request.pk}:answered"
    with translation.override(lang):
        label = (
            _("The family signed your request to share with %(provider)s")
            if signed
            else _("The family declined your request to share with %(provider)s")
        ) % {"provider": request.provider.name}
        outbox_notice_and_email(
            user=user,
            key=key,
            kind="consent_request.answered",
            language=lang,
            payload={
                "consent_request_id": request.pk,
                "status": request.status,
                "label": label,
                "url": path,
            },
            subject=_("A family answered your request to share"),
            body=_(
                "A family answered a request you made on Referral Hub to share information "
                "with another provider. Sign in to see the answer:\n\n%(link)s"
            )
            % {"link": absolute_url(path)},
        )


def consent_request_for_guardian(*, actor: Actor, request_id: int) -> ConsentRequest:
    """One request about a child of the guardian's family, in any state, for the
    guardian's page. Anything else (someone else's, or no such request) is one
    ``NotFound``, and the refused read is logged as a denied view (linked to the child
    when the request exists)."""
    row = (
        selectors.consent_request_list(actor=actor)
        .filter(policies.guardian_children_q(actor, "child__"), pk=id_for_lookup(request_id))
        .first()
    )
    if row is None:
        audit_denied(
            actor=actor,
            action=Action.VIEW,
            child_id=ConsentRequest.objects.filter(pk=id_for_lookup(request_id))
            .values_list("child_id", flat=True)
            .first(),
            object_type="consent_request",
            object_id=request_id,
        )
        raise NotFound("Consent request")
    return row


def _pending_for_guardian(actor: Actor, request_id: int) -> ConsentRequest:
    """The request, locked, if ``actor`` is a guardian of its child and it is still open."""
    policies.require_guardian(actor)
    request = (
        ConsentRequest.objects.filter(
            policies.guardian_children_q(actor, "child__"), pk=id_for_lookup(request_id)
        )
        .select_for_update(of=("self",))
        .select_related("child", "provider", "requested_by_user")
        .first()
    )
    if request is None:
        raise NotFound("Consent request")
    if request.status != ConsentRequestStatus.PENDING:
        raise ApplicationError(
            "request_answered",
            "This request was already answered.",
            status=409,
            extra={"status": request.status},
        )
    return request


@audit_refusals(Action.CREATE, object_type="consent_request", subject=_refused_request)
@transaction.atomic
def consent_request_sign(
    *,
    actor: Actor,
    request_id: int,
    password: str | None,
    expires_on: date | None = None,
    text_version: str | None = None,
) -> ConsentRequest:
    """The guardian signs (values as ``consent.forms.ConsentRequestSignForm`` cleaned
    them): a consent to the requested provider, for what was asked, is granted through
    ``consent_grant`` (same rules: legal authority, expiry at most a year, the password
    re-entered as the e-signature: 400 ``invalid_signature``)."""
    request = _pending_for_guardian(actor, request_id)
    consent = consent_grant(
        actor=actor,
        child_id=request.child_id,
        recipient_provider_id=request.provider_id,
        purposes=request.purposes,
        data_categories=request.data_categories,
        expires_on=expires_on or default_expiry(),
        password=password,
        text_version=text_version,
    )
    request.status = ConsentRequestStatus.SIGNED
    request.answered_at = timezone.now()
    request.answered_by = signed_in(actor)
    request.consent = consent
    request.save(update_fields=["status", "answered_at", "answered_by", "consent"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        child_id=request.child_id,
        consent=consent,
        object_type="consent_request",
        object_id=request.pk,
        detail="signed",
    )
    _notify_requester(request)
    return request


@audit_refusals(Action.UPDATE, object_type="consent_request", subject=_refused_request)
@transaction.atomic
def consent_request_decline(*, actor: Actor, request_id: int, reason: str = "") -> ConsentRequest:
    """The guardian declines: nothing is shared; the asker is told (without the reason,
    which stays with the family). Like signing and revoking, only a guardian with legal
    authority answers: 403 ``no_legal_authority`` for the others."""
    request = _pending_for_guardian(actor, request_id)
    basis = authority.acting_authority(policies.guardian_for_child(actor, request.child_id), request.child_id)
    request.status = ConsentRequestStatus.DECLINED
    request.answered_at = timezone.now()
    request.answered_by = signed_in(actor)
    request.decline_reason = reason
    request.save(update_fields=["status", "answered_at", "answered_by", "decline_reason"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        child_id=request.child_id,
        object_type="consent_request",
        object_id=request.pk,
        detail=f"declined ({authority.audit_basis(basis)})",
    )
    _notify_requester(request)
    return request


@audit_refusals(Action.CREATE, object_type="consent_request", subject=_refused_request)
def consent_request_refuse(
    *, actor: Actor, error: ApplicationError, child_id: object = None, request_id: object = None
) -> NoReturn:
    """An API's input serializer refused the request: logged like every other refusal."""
    raise error


def child_shown(row: ConsentRequest) -> bool:
    """May the reader see the request's child (``child_visible``, set by the selector)?"""
    return bool(getattr(row, "child_visible", False))


def consent_requests_shown(*, actor: Actor, rows: Iterable[ConsentRequest]) -> None:
    """A list showed these requests. A row that named the child is an allowed read; a
    stub (the asker's consent ended) disclosed nothing and is logged as a denied one, so
    the family sees the attempt without it passing for a disclosure."""
    audit_record_many(
        actor=actor,
        action=Action.VIEW,
        entries=[
            {
                "child_id": r.child_id,
                "object_type": "consent_request",
                "object_id": r.pk,
                "data_category": "demographics",
                **(
                    {}
                    if child_shown(r)
                    else {"outcome": Outcome.DENIED, "detail": "consent ended: stub shown"}
                ),
            }
            for r in rows
        ],
    )
