"""Every write to the directory. Endorsement status changes are recorded in
``EndorsementReview`` (who, when, from what to what) in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import (
    Endorsement,
    EndorsementReview,
    EndorsementStatus,
    Location,
    Organization,
    Provider,
)
from directory.policies import require_curator
from people.roles import Actor
from referral_hub.errors import ApplicationError


def _record(
    *,
    endorsement: Endorsement,
    actor: Actor | None,
    action: str,
    from_status: str,
    note: str = "",
) -> EndorsementReview:
    return EndorsementReview.objects.create(
        endorsement=endorsement,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=actor.get_username() if actor is not None and actor.is_authenticated else "",
        action=action,
        from_status=from_status,
        to_status=endorsement.status,
        note=note,
    )


def _check_reverify(*, note: str, confirmed: bool) -> None:
    if not note.strip():
        raise ApplicationError(
            "reason_required",
            _("Give the reason for verifying this revoked endorsement again: it is recorded in its history."),
            400,
            extra={"field": "note"},
        )
    if not confirmed:
        raise ApplicationError(
            "confirmation_required",
            _("Confirm that this revoked endorsement should show as valid again."),
            400,
            extra={"field": "confirm"},
        )


@transaction.atomic
def endorsement_set_status(
    *,
    actor: Actor,
    endorsement_id: int,
    status: str,
    note: str = "",
    check_policy: bool = True,
    confirmed: bool = False,
) -> Endorsement:
    """A curator verifies, revokes or returns an endorsement to pending. The row is locked
    so two curators acting at once are recorded in order. ``check_policy=False`` is for
    the Django admin, which has already checked its own permissions.

    Verifying a *revoked* endorsement again undoes a recorded decision, so it needs a
    reason (``note``: 400 ``reason_required``) and an explicit ``confirmed=True`` (400
    ``confirmation_required``); the reason is kept in the history with who and when."""
    if check_policy:
        require_curator(actor)
    actions = {
        EndorsementStatus.VERIFIED: EndorsementReview.Action.VERIFIED,
        EndorsementStatus.REVOKED: EndorsementReview.Action.REVOKED,
        EndorsementStatus.PENDING: EndorsementReview.Action.RESET,
    }
    if status not in actions:
        raise ApplicationError("invalid_parameter", "status must be verified, revoked or pending.")
    endorsement = Endorsement.objects.select_for_update().select_related("provider").get(pk=endorsement_id)
    if status == EndorsementStatus.VERIFIED and endorsement.expires_on < timezone.now().date():
        raise ApplicationError(
            "endorsement_expired",
            "This endorsement has expired; record the renewed one instead of verifying it.",
            status=409,
        )
    previous = endorsement.status
    if previous == status:
        return endorsement
    if previous == EndorsementStatus.REVOKED and status == EndorsementStatus.VERIFIED:
        _check_reverify(note=note, confirmed=confirmed)
    if previous == EndorsementStatus.LAPSED and status == EndorsementStatus.VERIFIED:
        raise ApplicationError(
            "endorsement_lapsed",
            "This endorsement lapsed; reinstate it from the endorsement curation page (with a new due date).",
            status=409,
        )
    endorsement.status = status
    endorsement.status_changed_at = timezone.now()
    endorsement.status_changed_by = actor if isinstance(actor, User) else None
    endorsement.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    provider_verified_summary_refresh(provider_ids=[endorsement.provider_id])
    _record(
        endorsement=endorsement,
        actor=actor,
        action=actions[EndorsementStatus(status)],
        from_status=previous,
        note=note,
    )
    return endorsement


def endorsement_record_admin_change(
    *, actor: Actor, endorsement: Endorsement, previous_status: str | None, note: str = ""
) -> None:
    """The admin saved an endorsement (create or edit): record who and what."""
    if previous_status is None:
        action = EndorsementReview.Action.CREATED
    elif previous_status != endorsement.status:
        action = {
            EndorsementStatus.VERIFIED: EndorsementReview.Action.VERIFIED,
            EndorsementStatus.REVOKED: EndorsementReview.Action.REVOKED,
            EndorsementStatus.PENDING: EndorsementReview.Action.RESET,
        }[EndorsementStatus(endorsement.status)]
    else:
        action = EndorsementReview.Action.EDITED
    _record(endorsement=endorsement, actor=actor, action=action, from_status=previous_status or "", note=note)
    provider_verified_summary_refresh(provider_ids=[endorsement.provider_id])


@transaction.atomic
def provider_verified_summary_refresh(*, provider_ids: Iterable[int]) -> None:
    """Recompute ``Provider.verified_since/until`` (what search sorts and shows) from
    each provider's verified endorsements. Every path that changes an endorsement's
    status, dates or existence calls this; the model's ``save()`` does not."""
    for provider_id in set(provider_ids):
        summary = Endorsement.objects.filter(
            provider_id=provider_id, status=EndorsementStatus.VERIFIED
        ).aggregate(since=Min("issued_on"), until=Max("expires_on"))
        Provider.objects.filter(pk=provider_id).update(
            verified_since=summary["since"], verified_until=summary["until"]
        )


@transaction.atomic
def endorsements_delete(*, endorsements: Iterable[Endorsement]) -> None:
    """Delete endorsements (the admin) and keep their providers' summaries in step."""
    provider_ids = []
    for endorsement in endorsements:
        provider_ids.append(endorsement.provider_id)
        endorsement.delete()
    provider_verified_summary_refresh(provider_ids=provider_ids)


@transaction.atomic
def endorsement_create(
    *,
    actor: Actor | None,
    provider: Provider,
    category: str,
    issued_on: datetime.date,
    expires_on: datetime.date,
    credential_number: str = "",
    issuing_association: str = "",
) -> Endorsement:
    """A claimed endorsement starts pending: only a curator can make it count."""
    endorsement = Endorsement(
        provider=provider,
        category=category,
        credential_number=credential_number,
        issuing_association=issuing_association,
        issued_on=issued_on,
        expires_on=expires_on,
        status=EndorsementStatus.PENDING,
    )
    endorsement.full_clean()
    endorsement.save()
    _record(endorsement=endorsement, actor=actor, action=EndorsementReview.Action.CREATED, from_status="")
    return endorsement


@transaction.atomic
def endorsement_lapse(*, endorsement_id: int, note: str) -> Endorsement | None:
    """The endorsement process recorded a lapse (a renewal not done by its due date plus
    grace): from now on the endorsement is never shown as endorsed, whatever its dates,
    until a curator's recorded reinstatement (``endorsement_grant``). Only a verified
    endorsement lapses; anything else is left alone (None)."""
    endorsement = (
        Endorsement.objects.select_for_update()
        .filter(pk=endorsement_id, status=EndorsementStatus.VERIFIED)
        .first()
    )
    if endorsement is None:
        return None
    endorsement.status = EndorsementStatus.LAPSED
    endorsement.status_changed_at = timezone.now()
    endorsement.status_changed_by = None
    endorsement.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    provider_verified_summary_refresh(provider_ids=[endorsement.provider_id])
    _record(
        endorsement=endorsement,
        actor=None,
        action=EndorsementReview.Action.LAPSED,
        from_status=EndorsementStatus.VERIFIED,
        note=note,
    )
    return endorsement


@transaction.atomic
def organization_upsert(*, hsds_id: UUID, name: str, **fields: Any) -> Organization:
    organization, created = Organization.objects.get_or_create(
        hsds_id=hsds_id, defaults={"name": name, **fields}
    )
    changed = not created and (
        organization.name != name or any(getattr(organization, k) != v for k, v in fields.items())
    )
    if changed:
        organization.name = name
        for key, value in fields.items():
            setattr(organization, key, value)
        organization.save()
        organization_refresh_search_text(organization=organization)
    return organization


@transaction.atomic
def organization_refresh_search_text(*, organization: Organization) -> None:
    """The organization's name is part of each listing's searchable text."""
    for provider in organization.providers.select_related("organization"):
        provider.save(update_fields=["search_text"])


@transaction.atomic
def provider_upsert(
    *,
    hsds_id: UUID,
    fields: dict[str, Any],
    locations: list[dict[str, Any]],
) -> tuple[Provider, bool]:
    """Create or update a listing by its HSDS id and replace its locations (matched by
    their own HSDS ids so re-importing the same file changes nothing)."""
    provider = Provider.objects.filter(hsds_id=hsds_id).first()
    created = provider is None
    if provider is None:
        provider = Provider(hsds_id=hsds_id)
    for key, value in fields.items():
        setattr(provider, key, value)
    provider.full_clean(exclude=["user", "hsds_id"])
    provider.save()
    keep = []
    for loc in locations:
        location, _ = Location.objects.update_or_create(
            provider=provider,
            hsds_id=loc["hsds_id"],
            defaults={k: v for k, v in loc.items() if k != "hsds_id"},
        )
        keep.append(location.pk)
    provider.locations.exclude(pk__in=keep).delete()
    return provider, created


@transaction.atomic
def endorsement_import(
    *,
    provider: Provider,
    category: str,
    credential_number: str,
    issuing_association: str,
    issued_on: datetime.date,
    expires_on: datetime.date,
) -> Endorsement:
    """Imported endorsements are claims: new ones start pending, and an import never
    changes the status a curator gave an existing one (matched by category+credential)."""
    existing = Endorsement.objects.filter(
        provider=provider, category=category, credential_number=credential_number
    ).first()
    if existing is not None:
        new_values = (issuing_association or existing.issuing_association, issued_on, expires_on)
        if new_values == (existing.issuing_association, existing.issued_on, existing.expires_on):
            return existing
        previous = existing.status
        existing.issuing_association, existing.issued_on, existing.expires_on = new_values
        # New dates are a new claim: a curator must look again before it counts.
        if existing.status == EndorsementStatus.VERIFIED:
            existing.status = EndorsementStatus.PENDING
        existing.full_clean()
        existing.save()
        provider_verified_summary_refresh(provider_ids=[existing.provider_id])
        _record(
            endorsement=existing,
            actor=None,
            action=EndorsementReview.Action.RESET
            if previous != existing.status
            else EndorsementReview.Action.EDITED,
            from_status=previous,
            note="Dates or issuer changed by import.",
        )
        return existing
    return endorsement_create(
        actor=None,
        provider=provider,
        category=category,
        credential_number=credential_number,
        issuing_association=issuing_association,
        issued_on=issued_on,
        expires_on=expires_on,
    )


@transaction.atomic
def endorsement_grant(
    *,
    actor: Actor | None,
    provider: Provider,
    category: str,
    credential_number: str,
    issuing_association: str,
    issued_on: datetime.date,
    expires_on: datetime.date,
    endorsement_id: int | None = None,
    note: str = "",
) -> Endorsement:
    """The endorsement process granted (or renewed) an endorsement: create it verified,
    or move the existing one (``endorsement_id``) to the new expiry, verified. Runs in
    the caller's transaction, so the directory changes together with the decision."""
    if endorsement_id is None:
        endorsement = Endorsement(provider=provider, category=category, issued_on=issued_on)
        previous = ""
        action = EndorsementReview.Action.VERIFIED
    else:
        endorsement = Endorsement.objects.select_for_update().get(pk=endorsement_id, provider=provider)
        previous = endorsement.status
        action = (
            EndorsementReview.Action.EDITED
            if previous == EndorsementStatus.VERIFIED
            else EndorsementReview.Action.VERIFIED
        )
    endorsement.credential_number = credential_number
    endorsement.issuing_association = issuing_association
    endorsement.expires_on = expires_on
    endorsement.status = EndorsementStatus.VERIFIED
    endorsement.status_changed_at = timezone.now()
    endorsement.status_changed_by = actor if isinstance(actor, User) else None
    endorsement.full_clean()
    endorsement.save()
    _record(endorsement=endorsement, actor=actor, action=action, from_status=previous, note=note)
    return endorsement
