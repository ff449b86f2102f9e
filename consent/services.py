"""Every write to consents: grant (guardian e-signature, or a provider attesting a paper
or verbal consent), revoke, and recording expiry.

Each service validates everything before writing, so a refusal changes nothing; the
refusal itself is logged (audit outcome ``denied``) after the failed transaction has
rolled back, and re-raised as the ``ApplicationError`` the API renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, NoReturn

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import (
    audit_denied,
    audit_lock_chains_for,
    audit_record,
    audit_record_many,
    audit_refusals,
)
from consent import authority, policies, selectors
from consent.hooks import access_ended
from consent.models import (
    CATEGORY_FIELDS,
    PURPOSE_FIELDS,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    SignatureMethod,
)
from consent.recipients import family_recipients
from consent.texts import (
    LANGUAGE_OF_VERSION,
    TEXT_VERSIONS,
    authorization_sections,
    recipient_is_educator,
    render_text,
    text_language,
)
from directory.models import Organization, Provider
from directory.roles import provider_of
from families.mail import mail_family
from families.models import Authority, Child, Guardian
from families.roles import guardian_of
from outbox.services import outbox_notify
from people.preferences import language_of
from people.roles import Actor, signed_in
from referral_hub import events
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup, parse_id
from referral_hub.realtime import send_event_on_commit, user_group
from referral_hub.sitelinks import absolute_url

MAX_TERM_DAYS = 365


def existing_child_id(value: object) -> int | None:
    """The id of a child that exists, else None: a refusal about a made-up id is still
    logged, linked to no child."""
    pk = parse_id(value)
    return pk if pk and Child.objects.filter(pk=pk).exists() else None


def refused_consent(kwargs: Mapping[str, Any]) -> tuple[int | None, object]:
    """What a refused consent write was about (for ``audit_refusals``): its child (from
    ``child_id``, or the consent's) and the consent."""
    child_id, consent_id = kwargs.get("child_id"), kwargs.get("consent_id")
    if consent_id is not None and child_id is None:
        child_id = (
            Consent.objects.filter(pk=id_for_lookup(consent_id)).values_list("child_id", flat=True).first()
        )
    return existing_child_id(child_id), consent_id


def _int_or_none(value: object) -> int | None:
    return parse_id(value)


def validate_scope(purposes: Iterable[str], data_categories: Iterable[str]) -> tuple[list[str], list[str]]:
    """A consent covers at least one purpose and one kind of information (the codes were
    checked by the input form: ``consent.forms``, or the API's serializer)."""
    purposes, data_categories = list(dict.fromkeys(purposes)), list(dict.fromkeys(data_categories))
    if not purposes:
        raise ApplicationError(
            "purposes_required", gettext("Choose at least one purpose."), extra={"field": "purposes"}
        )
    if not data_categories:
        raise ApplicationError(
            "data_categories_required",
            gettext("Choose at least one kind of information."),
            extra={"field": "data_categories"},
        )
    return purposes, data_categories


def validate_expiry(expires_on: date | None, *, today: date | None = None) -> date:
    """A consent's last day: given, not past, at most ``MAX_TERM_DAYS`` ahead (the input
    form parsed the date)."""
    today = today or timezone.now().date()
    if not isinstance(expires_on, date):
        raise ApplicationError(
            "expiry_required", gettext("An expiry date is required."), extra={"field": "expires_on"}
        )
    if expires_on < today:
        raise ApplicationError(
            "invalid_expiry", gettext("The expiry date is in the past."), extra={"field": "expires_on"}
        )
    if expires_on > today + timedelta(days=MAX_TERM_DAYS):
        raise ApplicationError(
            "invalid_expiry", gettext("A consent may last at most one year."), extra={"field": "expires_on"}
        )
    return expires_on


def resolve_recipient(
    *, recipient_provider_id: int | None = None, recipient_organization_id: int | None = None
) -> tuple[Any, Any]:

    given = [v for v in (recipient_provider_id, recipient_organization_id) if v is not None]
    if len(given) != 1:
        raise ApplicationError(
            "recipient_required", "Name exactly one recipient: a provider or an organization."
        )
    if recipient_provider_id is not None:
        provider = (
            Provider.objects.select_related("organization")
            .filter(pk=id_for_lookup(recipient_provider_id))
            .first()
        )
        if provider is None:
            raise ApplicationError(
                "unknown_recipient",
                "No such provider in the directory.",
                extra={"field": "recipient_provider"},
            )
        return provider, None
    organization = Organization.objects.filter(pk=id_for_lookup(recipient_organization_id)).first()
    if organization is None:
        raise ApplicationError(
            "unknown_recipient",
            "No such organization in the directory.",
            extra={"field": "recipient_organization"},
        )
    return None, organization


def authorization_for(
    *,
    child: Child,
    guardian: Guardian,
    provider: Provider | None,
    organization: Organization | None,
    purposes: list[str],
    data_categories: list[str],
    expires_on: date,
    language: str | None = None,
    contact_details: bool = False,
    basis: Authority | None,
) -> tuple[list[Any], str]:
    """The sections shown before signing and the exact text stored when signed, in
    ``language`` (default: the active language; English or Spanish). ``contact_details``:
    the authorization also shares how to reach the family (a request for help).
    ``basis``: the authority the guardian signs under (``consent.authority``), named in
    the signature ("I, Rosa Rivera, as the child's parent, ..."); None only where no
    signer is known yet."""
    language = text_language(language)
    sections = authorization_sections(
        child_name=child.name,
        guardian_name=str(guardian),
        basis=basis.basis if basis is not None else None,
        order_number=basis.order_number if basis is not None else "",
        recipient_name=str(provider or organization),
        purposes=purposes,
        data_categories=data_categories,
        expires_on=expires_on,
        educator=recipient_is_educator(provider=provider, organization=organization),
        language=language,
        contact_details=contact_details,
    )
    return sections, render_text(sections, language)


def _create(
    *,
    actor: Actor,
    child: Child,
    guardian: Guardian,
    provider: Any,
    organization: Any,
    purposes: list[str],
    data_categories: list[str],
    expires_on: date,
    signature_method: str,
    attested_by: Any = None,
    paper_form_reference: str = "",
    language: str | None = None,
    contact_details: bool = False,
    basis: Authority,
) -> Consent:
    language = text_language(language)
    _, text = authorization_for(
        child=child,
        guardian=guardian,
        provider=provider,
        organization=organization,
        purposes=purposes,
        data_categories=data_categories,
        expires_on=expires_on,
        language=language,
        contact_details=contact_details,
        basis=basis,
    )
    now = timezone.now()
    flags = {field: code in purposes for code, field in PURPOSE_FIELDS.items()}
    flags.update({field: code in data_categories for code, field in CATEGORY_FIELDS.items()})
    consent = Consent.objects.create(
        child=child,
        granted_by=guardian,
        authority=basis,
        recipient_provider=provider,
        recipient_organization=organization,
        valid_from=now,
        expires_on=expires_on,
        text_version=TEXT_VERSIONS[language],
        text_language=language,
        signed_text=text,
        signature_method=signature_method,
        attested_by=attested_by,
        paper_form_reference=paper_form_reference,
        signed_at=now,
        **flags,
    )
    ConsentEvent.objects.create(
        consent=consent,
        kind=ConsentEventKind.GRANTED,
        actor=signed_in(actor),
        at=now,
        detail={
            "signature_method": signature_method,
            "text_version": TEXT_VERSIONS[language],
            "text_language": language,
            "purposes": purposes,
            "data_categories": data_categories,
            "expires_on": expires_on.isoformat(),
        },
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        child=child,
        consent=consent,
        object_type="consent",
        object_id=consent.pk,
        detail=f"granted to {provider or organization} until {expires_on.isoformat()} "
        f"({authority.audit_basis(basis)})",
    )
    for user_id in policies.consent_user_ids(consent):
        send_event_on_commit(
            user_group(user_id),
            events.access_changed(
                change="granted", reason="consent_granted", child_id=child.pk, consent_id=consent.pk
            ),
        )
    return consent


@audit_refusals(Action.CREATE, object_type="consent", subject=refused_consent)
def consent_input_refuse(*, actor: Actor, error: ApplicationError, child_id: object = None) -> NoReturn:
    """An API's input serializer refused the request: logged as a denied attempt like
    every other refusal of a consent write (the child linked when it exists)."""
    raise error


@audit_refusals(Action.CREATE, object_type="consent", subject=refused_consent)
@transaction.atomic
def consent_grant(
    *,
    actor: Actor,
    child_id: int,
    purposes: Iterable[str],
    data_categories: Iterable[str],
    expires_on: date | None,
    password: str | None,
    recipient_provider_id: int | None = None,
    recipient_organization_id: int | None = None,
    text_version: str | None = None,
    language: str | None = None,
    contact_details: bool = False,
) -> Consent:
    """A guardian with legal authority signs in the portal, re-entering their password
    (the e-signature). ``contact_details``: the text also says the family's contact
    details (a request for help's) go to the recipient. The text is signed in ``language`` (default: the language of
    ``text_version`` when given, else the active language). Refusals: 403 ``guardian_only`` / ``no_legal_authority``, 404 for a
    child outside the family, 400 for scope, recipient, expiry or signature problems,
    409 ``text_version_changed`` if the text shown is no longer current."""
    policies.require_guardian(actor)
    guardian = policies.guardian_for_child(actor, child_id)
    child = Child.objects.get(pk=id_for_lookup(child_id))
    purposes, data_categories = validate_scope(purposes, data_categories)
    basis = authority.consenting_authority(guardian, child.pk, purposes)
    provider, organization = resolve_recipient(
        recipient_provider_id=recipient_provider_id, recipient_organization_id=recipient_organization_id
    )
    expires_on = validate_expiry(expires_on)
    language = text_language(language or LANGUAGE_OF_VERSION.get(text_version or ""))
    if text_version and text_version != TEXT_VERSIONS[language]:
        raise ApplicationError(
            "text_version_changed",
            gettext("The authorization text changed since you read it; please review it again."),
            status=409,
            extra={"text_version": TEXT_VERSIONS[language]},
        )
    if not password or not actor.check_password(password):
        raise ApplicationError(
            "invalid_signature",
            gettext("That password is not right. Re-enter your password to sign."),
            extra={"field": "password"},
        )
    return _create(
        actor=actor,
        child=child,
        guardian=guardian,
        provider=provider,
        organization=organization,
        purposes=purposes,
        data_categories=data_categories,
        expires_on=expires_on,
        signature_method=SignatureMethod.PORTAL_ESIGNATURE,
        language=language,
        contact_details=contact_details,
        basis=basis,
    )


@audit_refusals(Action.CREATE, object_type="consent", subject=refused_consent)
@transaction.atomic
def consent_attest(
    *,
    actor: Actor,
    child_id: int,
    guardian_id: int,
    signature_method: str,
    purposes: Iterable[str],
    data_categories: Iterable[str],
    expires_on: date | None,
    paper_form_reference: str = "",
) -> Consent:
    """A provider records a consent the guardian gave on paper (scanned form reference
    required) or verbally, to that provider. Only the provider who invited the family
    may attest for it, so a provider cannot grant themselves access to any child.

    Attestation cannot override the guardian: once a guardian of the family revoked a
    consent covering this provider, attesting is refused (409 ``guardian_revoked``)
    until a guardian e-signs a new consent to that provider for this child in the
    portal. Every guardian of the family is notified (in the app and by e-mail).
    The signed form's reference is required for both methods (400
    ``form_reference_required``)."""

    provider = provider_of(actor)
    if provider is None:
        raise ApplicationError("provider_only", "Only a provider may attest a consent.", status=403)
    child = (
        Child.objects.filter(pk=id_for_lookup(child_id), family__invitations__invited_by=provider)
        .distinct()
        .first()
    )
    if child is None:
        raise NotFound("Child")
    guardian = Guardian.objects.filter(pk=id_for_lookup(guardian_id), family_id=child.family_id).first()
    if guardian is None:
        raise ApplicationError(
            "unknown_guardian", "No such guardian in this family.", extra={"field": "guardian"}
        )
    if signature_method not in (
        SignatureMethod.PROVIDER_ATTESTED_PAPER,
        SignatureMethod.PROVIDER_ATTESTED_VERBAL,
    ):
        raise ApplicationError("invalid_signature_method", "Attest a paper or verbal consent.")
    if not (paper_form_reference or "").strip():
        # Verbal consents too: the provider writes them up on the signed paper form.
        raise ApplicationError(
            "form_reference_required",
            "Give the reference of the signed paper form.",
            extra={"field": "paper_form_reference"},
        )
    if policies.guardian_withdrew(provider=provider, child=child):
        raise ApplicationError(
            "guardian_revoked",
            "A guardian of this family revoked your access. Only a guardian can grant it again, "
            "in the portal.",
            status=409,
        )
    purposes, data_categories = validate_scope(purposes, data_categories)
    basis = authority.consenting_authority(guardian, child.pk, purposes)
    expires_on = validate_expiry(expires_on)
    consent = _create(
        actor=actor,
        child=child,
        guardian=guardian,
        provider=provider,
        organization=None,
        purposes=purposes,
        data_categories=data_categories,
        expires_on=expires_on,
        signature_method=signature_method,
        attested_by=provider,
        paper_form_reference=paper_form_reference.strip(),
        language=language_of(guardian.user),
        basis=basis,
    )
    _notify_guardians_of_attestation(consent)
    return consent


ATTESTED_LABEL = _("A provider recorded a consent in your name: check it or revoke it")
ATTESTED_SUBJECT = _("A consent was recorded in your name")
ATTESTED_BODY = _(
    "A provider recorded on Referral Hub a consent that you gave on paper or by "
    "phone. If you did not give it, or no longer agree, revoke it here:\n\n%(link)s"
)


def _notify_guardians_of_attestation(consent: Consent) -> None:
    """Every guardian of the family (``consent.recipients``: not one a court order keeps
    from hearing about the child) hears, in the app and by e-mail, that a provider
    recorded a consent in their name, with the way to revoke it (ids and a link only:
    nothing about the child leaves in mail). Outbox rows in this transaction, one key
    per consent and guardian, in the guardian's language."""
    path = f"/portal/children/{consent.child_id}/"
    for guardian in family_recipients(consent.child_id):
        with translation.override(language_of(guardian.user)):
            label = str(ATTESTED_LABEL)
        outbox_notify(
            guardian.user_id,
            "consent.attested",
            {"consent_id": consent.pk, "child_id": consent.child_id, "label": label},
            key=f"consent:{consent.pk}:attested:guardian:{guardian.user_id}:in_app",
            language=language_of(guardian.user),
        )
        mail_family(
            key=f"consent:{consent.pk}:attested:guardian:{guardian.user_id}",
            to_address=guardian.user.email,
            subject=ATTESTED_SUBJECT,
            body=ATTESTED_BODY,
            kind="consent.attested",
            recipient_id=guardian.user_id,
            language=language_of(guardian.user),
            link=absolute_url(path),
        )


@audit_refusals(Action.UPDATE, object_type="consent", subject=refused_consent)
@transaction.atomic
def consent_revoke(*, actor: Actor, consent_id: int, reason: str = "") -> Consent:
    """A guardian with legal authority revokes a consent for their family's child;
    ``reason`` as ``consent.forms.RevokeForm`` cleaned it.

    Locks: the child's audit chain, then the consent row (the documented lock order).
    In one transaction: the row's ``revoked_*`` fields are set by a conditional UPDATE
    (so of two concurrent revocations exactly one wins), a ``revoked`` history row is
    added, the
    registered access-end hooks run (``consent.hooks``: referrals and messaging clean up
    inside this transaction), and after commit each affected user's group gets exactly
    one ``access.changed`` so open sockets re-check."""
    guardian = policies.require_guardian(actor)
    mine = Consent.objects.filter(
        policies.guardian_children_q(actor, "child__"), pk=id_for_lookup(consent_id)
    )
    # Lock order (docs/security.md): the child's audit chain first, then the consent row.
    # A chat send holds the same chain lock before its own row locks, so the two queue
    # instead of deadlocking. NO KEY UPDATE: inserts that merely reference the consent
    # (audit rows, messages) are not blocked by the revocation's row lock.
    audit_lock_chains_for(child_ids=mine.values_list("child_id", flat=True))
    consent = mine.select_for_update(no_key=True).first()
    if consent is None:
        raise NotFound("Consent")
    basis = authority.acting_authority(guardian, consent.child_id)
    if consent.revoked_at is not None:
        raise ApplicationError("already_revoked", gettext("This consent was already revoked."))
    now = timezone.now()
    if consent.expires_on < now.date():
        raise ApplicationError("consent_expired", gettext("This consent has already expired."))
    if not consent_end(
        consent,
        actor=actor,
        at=now,
        reason=reason,
        audit_detail=f"revoked ({authority.audit_basis(basis)})" + (f": {reason}" if reason else ""),
    ):
        raise ApplicationError("already_revoked", gettext("This consent was already revoked."))
    return consent


def consent_end(
    consent: Consent,
    *,
    actor: Actor | None,
    at: datetime,
    reason: str,
    audit_detail: str,
    event_detail: Mapping[str, Any] | None = None,
) -> bool:
    """End a consent as a revocation does: what ``consent_revoke`` and the re-check after
    an authority ends (``consent.authority_end``) share. ``actor`` None: the system.

    The caller holds the child's audit chain lock and then the consent's row lock (the
    documented lock order) inside its transaction. The ``revoked_*`` fields are set by a
    conditional UPDATE, so of two concurrent ends exactly one wins: False for the loser,
    who changes nothing. The winner adds the ``revoked`` history row, the audit row
    (``audit_detail``: why, on what basis), runs the access-end hooks (memberships and
    chats end in this transaction; sockets close with 4403 and the team hears who left
    after commit) and returns True."""
    by = signed_in(actor) if actor is not None else None
    updated = Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
        revoked_at=at, revoked_by=by, revoke_reason=reason
    )
    if not updated:
        return False
    consent.revoked_at, consent.revoked_by, consent.revoke_reason = at, by, reason
    ConsentEvent.objects.create(
        consent=consent,
        kind=ConsentEventKind.REVOKED,
        actor=by,
        at=at,
        detail={"reason": reason, **(event_detail or {})},
    )
    user_ids = _end_access(consent, actor=actor, detail=audit_detail)
    access_ended(consent=consent, reason="consent_revoked", user_ids=user_ids)
    return True


def _end_access(consent: Consent, *, actor: Actor | None, detail: str) -> list[int]:
    """What revocation and expiry share: audit the change. Returns the users the
    consent reached (to announce)."""
    user_ids = policies.consent_user_ids(consent)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        child_id=consent.child_id,
        consent=consent,
        object_type="consent",
        object_id=consent.pk,
        detail=detail,
    )
    return user_ids


@transaction.atomic
def consents_record_expiry(*, now: datetime | None = None) -> list[Consent]:
    """Append an ``expired`` history row for each consent whose expiry day has passed
    and that has none yet; remove the mirrored object permissions; tell affected users.

    Access itself already ended at expiry: the gate compares dates at query time. This
    records it in the history (run by ``manage.py expire_consents``, e.g. daily, and
    idempotent)."""
    now = now or timezone.now()
    pending = (
        Consent.objects.filter(expires_on__lt=now.date())
        .exclude(revoked_at__lte=now)
        .exclude(events__kind=ConsentEventKind.EXPIRED)
    )
    # Lock order (docs/security.md): the children's audit chains, then the consent rows.
    audit_lock_chains_for(child_ids=set(pending.values_list("child_id", flat=True)))
    due = list(pending.select_for_update(no_key=True).order_by("id"))
    for consent in due:
        ConsentEvent.objects.create(
            consent=consent,
            kind=ConsentEventKind.EXPIRED,
            actor=None,
            at=now,
            detail={"expires_on": consent.expires_on.isoformat()},
        )
        user_ids = _end_access(consent, actor=None, detail="expired")
        access_ended(consent=consent, reason="consent_expired", user_ids=user_ids)
    return due


def portal_child_shown(
    *, actor: Actor, child_id: int, object_type: str, object_id: int, data_category: str = ""
) -> None:
    """A guardian's portal page showed this child (the child's page, the consent form,
    the revoke confirmation): an audited read."""
    audit_record(
        actor=actor,
        action=Action.VIEW,
        child_id=child_id,
        data_category=data_category,
        object_type=object_type,
        object_id=object_id,
    )


def access_log_open(*, actor: Actor, child_id: int) -> Child:
    """A guardian opens their child's access log ("who has seen my child's
    information"). Only the child's own guardians; everyone else gets the same
    ``NotFound`` (logged as a denied attempt, outside any transaction). The read itself
    is logged before the rows are fetched, so the page and its row count agree. The gate
    lives here; the rows live in ``audit``, which is only given ids."""
    pk = parse_id(child_id)
    try:
        child = policies.access_child(actor, child_id)
        if not child.is_own:
            raise NotFound("Child")
    except ApplicationError:
        audit_denied(
            actor=actor,
            action=Action.VIEW,
            child_id=existing_child_id(pk),
            object_type="access_log",
            object_id=child_id,
        )
        raise
    audit_record(actor=actor, action=Action.VIEW, child=child, object_type="access_log", object_id=child.pk)
    return child


# --- audited reads (pages and APIs show; the service writes the access-log rows) --------


def consents_shown(*, actor: Actor, consents: Iterable[Consent]) -> None:
    """A consent list (the API's page of results) showed these: one row per consent."""
    audit_record_many(
        actor=actor,
        action=Action.VIEW,
        entries=[
            {"child_id": c.child_id, "consent_id": c.pk, "object_type": "consent", "object_id": c.pk}
            for c in consents
        ],
    )


def consent_fhir_open(*, actor: Actor, consent_id: int) -> Consent:
    """The consent as FHIR (its guardian, or a provider it covers now): a disclosure.
    Anyone else gets ``NotFound``, logged as a denied disclosure (linked to the child
    when the consent exists)."""
    try:
        consent = policies.access_consent(actor, consent_id)
    except ApplicationError:
        audit_denied(
            actor=actor,
            action=Action.DISCLOSE,
            child_id=Consent.objects.filter(pk=id_for_lookup(consent_id))
            .values_list("child_id", flat=True)
            .first(),
            object_type="fhir_consent",
            object_id=consent_id,
        )
        raise
    audit_record(
        actor=actor,
        action=Action.DISCLOSE,
        child_id=consent.child_id,
        consent=consent,
        object_type="fhir_consent",
        object_id=consent.pk,
    )
    return consent


def access_purposes(
    child: policies.VisibleChild, purpose: str | None, consents: Mapping[int, Consent]
) -> str:
    """What the access log records as the purpose: the one asked for, else what the
    consent that allowed it covers (empty for a guardian's own reads)."""
    if purpose:
        return purpose
    consent = consents.get(child.access_consent_id) if child.access_consent_id is not None else None
    return ",".join(consent.purposes) if consent else ""


def children_shown(*, actor: Actor, children: list[policies.VisibleChild], purpose: str | None) -> None:
    """The children API listed these: one row per child, with the purpose it was for."""
    consents = Consent.objects.in_bulk([c.access_consent_id for c in children if c.access_consent_id])
    audit_record_many(
        actor=actor,
        action=Action.VIEW,
        entries=[
            {
                "child_id": child.pk,
                "data_category": "demographics",
                "purpose": access_purposes(child, purpose, consents),
                "consent_id": child.access_consent_id,
                "object_type": "child",
                "object_id": child.pk,
                "detail": "children list",
            }
            for child in children
        ],
    )


def child_open(*, actor: Actor, child_id: int, purpose: str | None) -> policies.VisibleChild:
    """One child (its guardian, or a provider a consent covers for ``purpose``): an
    audited read; anyone else gets ``NotFound``, logged as a denied view."""
    try:
        child = policies.access_child(actor, child_id, purpose, "demographics")
    except ApplicationError:
        audit_denied(
            actor=actor,
            action=Action.VIEW,
            child_id=existing_child_id(child_id),
            data_category="demographics",
            purpose=purpose or "",
            object_type="child",
            object_id=child_id,
        )
        raise
    consents = Consent.objects.in_bulk([child.access_consent_id] if child.access_consent_id else [])
    audit_record(
        actor=actor,
        action=Action.VIEW,
        child=child,
        data_category="demographics",
        purpose=access_purposes(child, purpose, consents),
        consent_id=child.access_consent_id,
        object_type="child",
        object_id=child.pk,
    )
    return child


def portal_children_shown(*, actor: Actor, children: Iterable[Child]) -> None:
    """The guardian's portal listed their children: one row per child."""
    audit_record_many(
        actor=actor,
        action=Action.VIEW,
        entries=[
            {"child_id": c.pk, "data_category": "demographics", "object_type": "portal", "object_id": c.pk}
            for c in children
        ],
    )


def portal_child_open(*, actor: Actor, child_id: int) -> policies.VisibleChild:
    """A child of the guardian's own family, for a portal page; anything else is
    ``NotFound``, logged as a denied view of the portal (linked to the child when it
    exists)."""
    pk = parse_id(child_id)
    try:
        child = policies.access_child(actor, pk)
    except ApplicationError:
        child = None
    if child is None or not child.is_own:
        audit_denied(
            actor=actor,
            action=Action.VIEW,
            child_id=existing_child_id(pk),
            object_type="portal",
            object_id=pk,
        )
        raise NotFound("Child")
    return child


def guardian_consent_open(*, actor: Actor, consent_id: int, action: str) -> Consent:
    """A consent of the guardian's own family, for a portal page (``action``: view to
    print it, update to revoke it); anything else is ``NotFound``, logged as a denied
    ``action`` on that consent id."""
    consent = (
        selectors.consent_list(actor=actor)
        .filter(policies.guardian_children_q(actor, "child__"), pk=id_for_lookup(consent_id))
        .first()
        if guardian_of(actor) is not None
        else None
    )
    if consent is None:
        audit_denied(actor=actor, action=action, object_type="consent", object_id=consent_id)
        raise NotFound("Consent")
    return consent


def provider_children_shown(*, actor: Actor, consents: Iterable[Consent]) -> None:
    """A provider's "my children" page listed these consents' children: one row each."""
    audit_record_many(
        actor=actor,
        action=Action.VIEW,
        entries=[
            {
                "child_id": c.child_id,
                "data_category": "demographics",
                "purpose": ",".join(c.purposes),
                "consent_id": c.pk,
                "object_type": "provider_children",
                "object_id": c.child_id,
            }
            for c in consents
        ],
    )
