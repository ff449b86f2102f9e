"""When authority ends, the consents it gave are re-checked (docs/consent.md, "Who may
consent"; issue 26).

An authority ends at its ``ends_at``: an order's end, recorded with it, or an end a
coordinator or staff member sets early (``authority_end``: custody moved to the agency).
From then on the holder may no longer consent under it, and the consents resting on it
are re-checked (``recheck_ended_authorities``, the every-minute job, or at once when the
end is now): a consent the grantor still stands behind (another authority of theirs in
force covers all its purposes: ``consent.authority.consenting_authority``) is kept;
every other one ends exactly like a revocation (``consent.services.consent_end``:
sockets closed with 4403, the care team told), and the people who hold authority now
are asked to sign again for the same provider and scope
(``consent.requests.consent_request_ask_again``). Each authority is re-checked once
(``rechecked_at``, claimed by a conditional UPDATE).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NoReturn

from django import forms
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_lock_chains_for, audit_record, audit_refusals
from consent import authority as rule
from consent.authority_services import is_recorder, recorder_may_see
from consent.models import Consent
from consent.requests import consent_request_ask_again
from consent.services import consent_end, existing_child_id
from families.models import Authority
from people.roles import Actor
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup, parse_id
from referral_hub.inputs import TextField

MAX_NOTE = 300  # families.Authority.end_note


class AuthorityEndForm(forms.Form):
    """Ending an authority early: ``POST /api/v1/authorities/{id}/end/`` binds it (the
    input of ``authority_end``, next to it)."""

    # Required by the service (400 ``note_required``); here only its kind and length.
    note = TextField(
        label=_("Why it ends"),
        required=False,
        max_length=MAX_NOTE,
        help_text="Why the authority ends now, e.g. custody moved to the agency (order no.).",
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        required=False,
        help_text="When it ends (ISO 8601; default now). Not in the past, not later than recorded.",
    )


def _refused_end(kwargs: Mapping[str, Any]) -> tuple[int | None, object]:
    authority_id = kwargs.get("authority_id")
    pk = parse_id(authority_id)
    child_id = Authority.objects.filter(pk=pk).values_list("child_id", flat=True).first() if pk else None
    return existing_child_id(child_id), authority_id


def _invalid_end(message: str) -> ApplicationError:
    return ApplicationError("invalid_end", message, extra={"field": "ends_at"})


def _check_end(authority: Authority, ends_at: datetime, note: str, now: datetime) -> None:
    if authority.ends_at is not None and authority.ends_at <= now:
        raise ApplicationError("authority_ended", gettext("This authority has already ended."), status=409)
    if not note:
        raise ApplicationError(
            "note_required", gettext("Say why the authority ends."), extra={"field": "note"}
        )
    if ends_at < now:
        raise _invalid_end(gettext("The end cannot be in the past."))
    if authority.ends_at is not None and ends_at > authority.ends_at:
        raise _invalid_end(gettext("An authority can only be ended earlier than recorded."))
    if ends_at < authority.starts_at:
        raise _invalid_end(gettext("The end cannot come before the authority starts."))


@audit_refusals(Action.UPDATE, object_type="authority", subject=_refused_end)
def authority_end_refuse(*, actor: Actor, authority_id: object, error: ApplicationError) -> NoReturn:
    """The API's input form refused the request: logged like every refusal of an end,
    and someone who may not end authorities hears the same 404 as for valid input."""
    if not is_recorder(actor):
        raise NotFound("Authority")
    raise error


@audit_refusals(Action.UPDATE, object_type="authority", subject=_refused_end)
@transaction.atomic
def authority_end(
    *, actor: Actor, authority_id: int, ends_at: datetime | None = None, note: str
) -> Authority:
    """Those who record orders end one early (custody moved, an order set aside), saying
    why (``note``): network staff for any child, a coordinator for a child in their
    queue (``consent.authority_services.recorder_may_see``). ``ends_at`` (default now)
    may not be past, nor later than the end already recorded. An end that is now
    re-checks the consents at once, in the actor's name; a later end is left to the
    job. Anyone else, and a missing id, get the same 404; 409 ``authority_ended`` when
    it already ended; 400 ``note_required`` / ``invalid_end``. Locks: the child's audit
    chain, then the authority row."""
    child_id = (
        Authority.objects.filter(pk=id_for_lookup(authority_id)).values_list("child_id", flat=True).first()
        if is_recorder(actor)
        else None
    )
    if child_id is None or not recorder_may_see(actor, child_id):
        raise NotFound("Authority")
    audit_lock_chains_for(child_ids=[child_id])
    authority: Authority = Authority.objects.select_for_update().get(pk=id_for_lookup(authority_id))
    now = timezone.now()
    ends_at = ends_at or now
    note = (note or "").strip()
    _check_end(authority, ends_at, note, now)
    authority.ends_at, authority.end_note = ends_at, note
    authority.save(update_fields=["ends_at", "end_note"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        child_id=authority.child_id,
        object_type="authority",
        object_id=authority.pk,
        detail=f"ended early at {ends_at.isoformat()} ({rule.audit_basis(authority)}): {note}",
    )
    if ends_at <= now:
        _recheck(authority.pk, actor=actor, now=now)
        authority.refresh_from_db(fields=["rechecked_at"])
    return authority


def recheck_ended_authorities(now: datetime | None = None) -> int:
    """The job (every minute; idempotent): re-check the consents of every authority whose
    end has passed and that was not re-checked yet, each in its own transaction (one
    child's trouble holds up no other). Returns how many consents ended."""
    now = now or timezone.now()
    due = Authority.objects.filter(ends_at__lte=now, rechecked_at__isnull=True).order_by("ends_at", "pk")
    return sum(_recheck(pk, actor=None, now=now) for pk in due.values_list("pk", flat=True))


def resting_on(ended: Authority, now: datetime) -> QuerySet[Consent]:
    """Consents in force for the child that may rest on ``ended``: given under it; or
    given by its holder under no recorded authority (before authority was data) or under
    one that has itself ended (kept then because this one stood behind it)."""
    by_holder = Q(granted_by_id=ended.holder_id) & (
        Q(authority__isnull=True) | Q(authority__ends_at__lte=now)
    )
    return Consent.objects.active(now).filter(Q(authority=ended) | by_holder, child_id=ended.child_id)


def _standing(consent: Consent, now: datetime) -> Authority | None:
    """The grantor's authority in force now that covers every purpose of the consent."""
    try:
        return rule.consenting_authority(consent.granted_by, consent.child_id, consent.purposes, at=now)
    except ApplicationError:
        return None


@transaction.atomic
def _recheck(authority_id: int, *, actor: Actor | None, now: datetime) -> int:
    """Re-check one ended authority's consents, once. Locks (the documented order): the
    child's audit chain, then the authority row, claimed by a conditional UPDATE of
    ``rechecked_at`` (a concurrent run waits for it, then finds it claimed and does
    nothing), then the consent rows. Returns how many consents ended."""
    child_id = Authority.objects.filter(pk=authority_id).values_list("child_id", flat=True).first()
    if child_id is None:
        return 0
    audit_lock_chains_for(child_ids=[child_id])
    claimed = Authority.objects.filter(pk=authority_id, ends_at__lte=now, rechecked_at__isnull=True).update(
        rechecked_at=now
    )
    if not claimed:
        return 0
    ended: Authority = Authority.objects.select_related("holder").get(pk=authority_id)
    basis = rule.audit_basis(ended)
    kept: list[str] = []
    gone: list[Consent] = []
    consents = resting_on(ended, now).select_related("granted_by", "recipient_provider").order_by("pk")
    for consent in consents.select_for_update(no_key=True, of=("self",)):
        standing = _standing(consent, now)
        if standing is not None:
            kept.append(f"{consent.pk} ({rule.audit_basis(standing)})")
        elif consent_end(
            consent,
            actor=actor,
            at=now,
            reason=gettext("The authority this consent was given under ended."),
            audit_detail=f"ended: the authority it was given under ended ({basis})",
            event_detail={"authority_ended": ended.pk},
        ):
            gone.append(consent)
    for consent in gone:
        consent_request_ask_again(actor=actor, consent=consent)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        child_id=child_id,
        object_type="authority",
        object_id=ended.pk,
        detail=f"re-checked after its end ({basis}): "
        f"ended consents {', '.join(str(c.pk) for c in gone) or 'none'}; "
        f"kept consents {', '.join(kept) or 'none'}",
    )
    return len(gone)
