"""Writes that keep a listing true: capacity, the provider's own edits and
confirmation, claims of unclaimed listings, and flags from the public.

Who may edit a listing is ``policies.access_listing_for_edit``: the provider behind it
or a curator. Every function here returns what it changed so the page or the API can
say it plainly."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from directory import policies, service_areas
from directory.extensions import listing_claimed
from directory.models import (
    STALE_AFTER_DAYS,
    Capacity,
    ListingClaim,
    ListingFlag,
    Provider,
    capacity_code,
    directory_today,
    join_codes,
)
from outbox.services import outbox_email
from people.preferences import language_of
from people.roles import Actor, signed_in
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.sitelinks import absolute_url

MAX_WAITLIST_WEEKS = 104
MAX_NOTE = 300
MAX_FLAG_NOTE = 2000


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", f"{field}: {message}", extra={"field": field})


def _clean_text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise _bad(field, f"at most {limit} characters.")
    return text


@dataclass(frozen=True)
class CapacityInput:
    capacity: str
    waitlist_weeks: int | None
    note: str
    as_of: datetime.date


def _weeks(capacity: str, raw: Any) -> int | None:
    if capacity != Capacity.WAITLIST:
        return None
    if raw in (None, ""):
        raise _bad("waitlist_weeks", "say about how many weeks the wait is (1 to 104).")
    try:
        weeks = int(raw)
    except (TypeError, ValueError):
        raise _bad("waitlist_weeks", "must be a whole number of weeks.") from None
    if not 1 <= weeks <= MAX_WAITLIST_WEEKS:
        raise _bad("waitlist_weeks", "must be between 1 and 104.")
    return weeks


def _as_of(raw: Any, today: datetime.date) -> datetime.date:
    if raw in (None, ""):
        return today
    if isinstance(raw, datetime.date):
        value = raw
    else:
        try:
            value = datetime.date.fromisoformat(str(raw))
        except ValueError:
            raise _bad("capacity_as_of", "must be a date (YYYY-MM-DD).") from None
    if value > today:
        raise _bad("capacity_as_of", "cannot be in the future.")
    return value


def check_capacity(
    *, capacity: Any, waitlist_weeks: Any = None, note: Any = "", as_of: Any = None
) -> CapacityInput:
    code = str(capacity or "").strip()
    if code not in Capacity.values:
        raise _bad("capacity", f"must be one of: {', '.join(Capacity.values)}.")
    return CapacityInput(
        capacity=code,
        waitlist_weeks=_weeks(code, waitlist_weeks),
        note=_clean_text(note, "capacity_note", MAX_NOTE),
        as_of=_as_of(as_of, directory_today()),
    )


def capacity_sentence(capacity: str, weeks: int | None) -> str:
    """The capacity in plain words (the same words as the result card)."""
    if capacity == Capacity.WAITLIST and weeks:
        return _("Waitlist about %(weeks)s weeks") % {"weeks": weeks}
    if capacity in Capacity.values:
        return str(Capacity(capacity).label)
    return _("Availability not confirmed recently")


@dataclass(frozen=True)
class CapacityChange:
    provider: Provider
    before: str
    after: str

    @property
    def message(self) -> str:
        if self.before == self.after:
            return _("Capacity confirmed: %(now)s.") % {"now": self.after}
        return _("Capacity changed from “%(before)s” to “%(after)s”.") % {
            "before": self.before,
            "after": self.after,
        }


@transaction.atomic
def capacity_set(
    *,
    actor: Actor,
    provider_id: int,
    capacity: Any,
    waitlist_weeks: Any = None,
    note: Any = "",
    as_of: Any = None,
) -> CapacityChange:
    """The provider (or a curator) says what it can offer now; the date is today unless
    an earlier one is given. Refusals: 404/403 from the policy, 400 ``invalid`` naming
    the field."""
    policies.access_listing_for_edit(actor, provider_id)
    data = check_capacity(capacity=capacity, waitlist_weeks=waitlist_weeks, note=note, as_of=as_of)
    provider = Provider.objects.select_for_update().get(pk=provider_id)
    before = capacity_sentence(
        capacity_code(provider.capacity, provider.capacity_as_of), provider.waitlist_weeks
    )
    provider.capacity = data.capacity
    provider.waitlist_weeks = data.waitlist_weeks
    provider.capacity_note = data.note
    provider.capacity_as_of = data.as_of
    provider.save(
        update_fields=["capacity", "waitlist_weeks", "capacity_note", "capacity_as_of", "updated_at"]
    )
    after = capacity_sentence(capacity_code(data.capacity, data.as_of), data.waitlist_weeks)
    return CapacityChange(provider=provider, before=before, after=after)


# --- the provider's own listing --------------------------------------------------------

EDITABLE_FIELDS = ("phone", "email", "website", "hours", "services", "languages")


def _clean_list(value: Any, field: str) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else list(value or [])
    cleaned = [str(i).replace("\x00", "").strip() for i in items]
    cleaned = [i for i in cleaned if i]
    if len(cleaned) > 30 or any(len(i) > 200 for i in cleaned):
        raise _bad(field, "at most 30 entries of 200 characters.")
    return cleaned


def _clean_languages(value: Any) -> str:
    codes = _clean_list(value.replace(",", "\n") if isinstance(value, str) else value, "languages")
    for code in codes:
        if not (2 <= len(code) <= 3 and code.isalpha()):
            raise _bad("languages", f"{code!r} is not a language code such as 'en' or 'es'.")
    return join_codes(codes)


def _clean_contact(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "phone" in data:
        out["phone"] = _clean_text(data["phone"], "phone", 40)
    if "email" in data:
        out["email"] = _clean_text(data["email"], "email", 254)
        if out["email"]:
            try:
                validate_email(out["email"])
            except ValidationError:
                raise _bad("email", "is not an e-mail address.") from None
    if "website" in data:
        out["website"] = _clean_text(data["website"], "website", 200)
        if out["website"]:
            try:
                URLValidator(schemes=["http", "https"])(out["website"])
            except ValidationError:
                raise _bad("website", "must be a web address starting with https://.") from None
    if "hours" in data:
        out["hours"] = _clean_text(data["hours"], "hours", 1000)
    return out


def check_listing_edit(data: dict[str, Any]) -> dict[str, Any]:
    """Only the fields given change; each refusal names its field."""
    out = _clean_contact(data)
    if "services" in data:
        out["services"] = _clean_list(data["services"], "services")
    if "languages" in data:
        out["languages"] = _clean_languages(data["languages"])
    return out


@transaction.atomic
def listing_update(*, actor: Actor, provider_id: int, data: dict[str, Any]) -> list[str]:
    """The provider edits its own listing (contact, hours, services, languages). Returns
    the names of the fields that changed."""
    policies.access_listing_for_edit(actor, provider_id)
    values = check_listing_edit(data)
    provider = Provider.objects.select_for_update().get(pk=provider_id)
    changed = [k for k, v in values.items() if getattr(provider, k) != v]
    for key in changed:
        setattr(provider, key, values[key])
    if changed:
        provider.save(update_fields=[*changed, "updated_at"])
    return changed


@transaction.atomic
def listing_delivery_set(
    *, actor: Actor, provider_id: int, service_delivery: Any, service_area: Any
) -> list[str]:
    """The provider (or a curator) says how it gives care (``site``, ``home_visiting``,
    ``telehealth``) and where it visits families at home. A radius without a centre ZIP
    is counted from the listing's base office (whose street stays unpublished when the
    listing is home-visiting only). Refusals: 404/403 from the policy, 400 with a
    ``code`` naming what is wrong (``service_areas.check_delivery``). Returns the
    changed field names."""
    policies.access_listing_for_edit(actor, provider_id)
    provider = Provider.objects.select_for_update().get(pk=provider_id)
    values = service_areas.check_delivery(
        service_delivery=service_delivery,
        service_area=service_area,
        locations=provider.locations.order_by("id"),
    ).fields()
    changed = [k for k, v in values.items() if getattr(provider, k) != v]
    for key in changed:
        setattr(provider, key, values[key])
    if changed:
        provider.save(update_fields=[*changed, "updated_at"])
    return changed


@transaction.atomic
def listing_confirm(*, actor: Actor, provider_id: int) -> Provider:
    """ "My listing is correct": the listing is verified today (``last_verified_on``)."""
    policies.access_listing_for_edit(actor, provider_id)
    provider = Provider.objects.select_for_update().get(pk=provider_id)
    provider.assured_date = directory_today()
    provider.save(update_fields=["assured_date", "updated_at"])
    return provider


# --- claims ----------------------------------------------------------------------------


@transaction.atomic
def listing_claim(*, actor: Actor, provider_id: int, note: Any = "") -> ListingClaim:
    """A signed-in account without a listing asks for an unclaimed one. One open claim
    per account; a curator decides."""
    user = policies.require_claimant(actor)
    provider = Provider.objects.select_for_update().filter(pk=provider_id).first()
    if provider is None:
        raise NotFound("Provider")
    policies.require_unclaimed(provider)
    if ListingClaim.objects.filter(user=user, status=ListingClaim.Status.PENDING).exists():
        raise ApplicationError("claim_pending", "You already have a claim waiting for a curator.", status=409)
    return ListingClaim.objects.create(
        provider=provider, user=user, note=_clean_text(note, "note", MAX_FLAG_NOTE)
    )


def _pending_claim(claim_id: int) -> ListingClaim:
    claim = (
        ListingClaim.objects.select_for_update()
        .select_related("provider", "user")
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise NotFound("Claim")
    if claim.status != ListingClaim.Status.PENDING:
        raise ApplicationError(
            "invalid_transition", f"This claim was already {claim.get_status_display().lower()}.", status=409
        )
    return claim


def _decide(claim: ListingClaim, actor: Actor, status: str, note: str) -> None:
    claim.status = status
    claim.decided_by = signed_in(actor)
    claim.decided_at = timezone.now()
    claim.decision_note = note
    claim.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _tell_claimant(claim)


def _tell_claimant(claim: ListingClaim) -> None:
    """The claimant hears the decision by e-mail (outbox, same transaction), once."""
    user = claim.user
    language = language_of(user)
    with translation.override(language):
        if claim.status == ListingClaim.Status.APPROVED:
            subject = _("Your directory listing is yours")
            body = _("Your claim of “%(name)s” was approved. Check and confirm your listing: %(link)s\n") % {
                "name": claim.provider.name,
                "link": absolute_url(f"/providers/{claim.provider_id}/edit/"),
            }
        else:
            subject = _("Your claim of a directory listing was not approved")
            body = _("Your claim of “%(name)s” was not approved. %(note)s\n") % {
                "name": claim.provider.name,
                "note": claim.decision_note,
            }
    outbox_email(
        key=f"listing-claim:{claim.pk}:{claim.status}",
        to_address=user.email,
        subject=str(subject),
        body=str(body),
        kind="listing.claim",
        recipient_id=user.pk,
        language=language,
    )


@transaction.atomic
def claim_approve(*, actor: Actor, claim_id: int, note: Any = "") -> ListingClaim:
    """The account becomes the provider behind the listing; other open claims on the
    same listing are rejected with a note saying why."""
    policies.require_curator(actor)
    claim = _pending_claim(claim_id)
    provider = Provider.objects.select_for_update().get(pk=claim.provider_id)
    if provider.user_id is not None:
        raise ApplicationError("listing_claimed", "This listing already belongs to an account.", status=409)
    if Provider.objects.filter(user_id=claim.user_id).exists():
        raise ApplicationError("already_has_listing", "That account already has a listing.", status=409)
    provider.user_id = claim.user_id
    provider.save(update_fields=["user", "updated_at"])
    listing_claimed(provider_id=provider.pk, user_id=claim.user_id)
    _decide(claim, actor, ListingClaim.Status.APPROVED, _clean_text(note, "note", MAX_FLAG_NOTE))
    for other in ListingClaim.objects.select_for_update().filter(
        provider=provider, status=ListingClaim.Status.PENDING
    ):
        _decide(other, actor, ListingClaim.Status.REJECTED, "Another account's claim was approved.")
    return claim


@transaction.atomic
def claim_reject(*, actor: Actor, claim_id: int, note: Any = "") -> ListingClaim:
    policies.require_curator(actor)
    claim = _pending_claim(claim_id)
    _decide(claim, actor, ListingClaim.Status.REJECTED, _clean_text(note, "note", MAX_FLAG_NOTE))
    return claim


# --- flags -----------------------------------------------------------------------------


@transaction.atomic
def listing_flag(*, actor: Actor, provider_id: int, reason: Any, note: Any = "") -> ListingFlag:
    """Anyone says a listing is wrong (throttled per client address by the caller)."""
    code = str(reason or "").strip()
    if code not in ListingFlag.Reason.values:
        raise ApplicationError(
            "invalid",
            _("Choose what is wrong (reason: one of %(codes)s).")
            % {"codes": ", ".join(ListingFlag.Reason.values)},
            extra={"field": "reason"},
        )
    text = _clean_text(note, "note", MAX_FLAG_NOTE)
    if code == ListingFlag.Reason.OTHER and not text:
        raise ApplicationError("invalid", _("Please tell us what is wrong (note)."), extra={"field": "note"})
    if not Provider.objects.filter(pk=provider_id).exists():
        raise NotFound("Provider")
    return ListingFlag.objects.create(
        provider_id=provider_id,
        reason=code,
        note=text,
        reporter=actor if isinstance(actor, User) and actor.is_authenticated else None,
    )


@transaction.atomic
def flag_resolve(*, actor: Actor, flag_id: int, note: Any) -> ListingFlag:
    policies.require_curator(actor)
    text = _clean_text(note, "note", MAX_FLAG_NOTE)
    if not text:
        raise _bad("note", "say what you did about it.")
    flag = ListingFlag.objects.select_for_update().select_related("provider").filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("Flag")
    if flag.status != ListingFlag.Status.OPEN:
        raise ApplicationError("invalid_transition", "This flag was already resolved.", status=409)
    flag.status = ListingFlag.Status.RESOLVED
    flag.resolved_by = signed_in(actor)
    flag.resolved_at = timezone.now()
    flag.resolution_note = text
    flag.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    return flag


def no_capacity_warning(provider: Provider) -> str:
    """The warning a referral to ``provider`` is sent with ("" when there is none): the
    provider currently says it is not taking new families."""
    if provider.capacity_shown != Capacity.NO_CAPACITY or provider.capacity_as_of is None:
        return ""
    # Kept in the referral's timeline as written (in English): the date as people read it.
    with translation.override("en"):
        said_on = formats.date_format(provider.capacity_as_of, "DATE_FORMAT")
    return f"Sent with a warning: {provider.name} said on {said_on} that they are not taking new families."


# --- the 12-month confirmation request (run daily by directory.tasks) -----------------


def _confirmation_key(provider: Provider) -> str:
    # One request per staleness period: the period is named by the last confirmation
    # date, so confirming starts a new period and a later staleness asks again.
    since = provider.assured_date.isoformat() if provider.assured_date else "never"
    return f"listing-confirm:{provider.pk}:{since}"


@transaction.atomic
def listings_request_confirmation(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Ask each provider whose listing is stale (not confirmed in 12 months) to confirm
    it, once per staleness period, by e-mail through the outbox; the link opens the
    listing's edit page. Listings without an account are in the curators' queue."""
    today = (
        timezone.localdate(now, timezone=timezone.get_default_timezone())
        if now is not None
        else directory_today()
    )
    cutoff = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    stale = (
        Provider.objects.filter(user__isnull=False, user__is_active=True)
        .filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))
        .select_related("user")
        .order_by("id")
    )
    sent = 0
    for provider in stale.iterator(chunk_size=500):
        user = provider.user
        if user is None or not user.email:
            continue
        language = language_of(user)
        with translation.override(language):
            subject = _("Please confirm your directory listing")
            body = _(
                "Families find you through your listing in the Referral Hub directory. It has not "
                "been confirmed in the last 12 months, so families now see it as possibly out of "
                "date.\n\nPlease check your phone number, e-mail, hours, services, languages and "
                "whether you can take new families, then press “Confirm my listing is correct”:\n"
                "%(link)s\n"
            ) % {"link": absolute_url(f"/providers/{provider.pk}/edit/")}
        created = outbox_email(
            key=_confirmation_key(provider),
            to_address=user.email,
            subject=str(subject),
            body=str(body),
            kind="listing.confirm",
            recipient_id=user.pk,
            language=language,
        )
        sent += created is not None
    return {"requests": sent}
