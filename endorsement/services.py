"""Every write of the endorsement process. Services are keyword-only and atomic;
application status changes are conditional updates (``UPDATE ... WHERE status IN``) so
of two concurrent conflicting actions exactly one wins, and each writes a timeline row.

Mail to references goes through ONE function, ``notify_reference_requested``: an outbox
row written in the requesting transaction (delivered with retries, never twice)."""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, cast

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.models import Action
from audit.services import audit_record
from directory.models import Endorsement, EndorsementCategory, Provider
from directory.services import endorsement_grant, endorsement_lapse
from endorsement import rules, selectors
from endorsement.models import (
    PORTFOLIO_KINDS,
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationStatus,
    Decision,
    Document,
    Domain,
    EndorsementTerm,
    EntrySource,
    Exam,
    ExamScore,
    PortfolioKind,
    Recommendation,
    Reference,
    ReviewerAssignment,
    RscEntry,
    RscFormat,
    RuleSet,
    TrainingEntry,
)
from endorsement.notices import tell_applicant, tell_holder, tell_reviewer
from endorsement.policies import (
    access_application,
    access_document,
    access_own_application,
    require_curator,
    require_provider,
)
from outbox.links import LINK_MARK, LinkUnavailable
from outbox.services import outbox_email
from people.preferences import language_of
from people.roles import Actor, is_curator
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup
from referral_hub.sitelinks import absolute_url

S = ApplicationStatus
REFERENCE_LINK_DAYS = 30
# An applicant may change their mind until a decision; these are the live states.
OPEN = [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.DEFERRED, S.ON_HOLD]


def _invalid(exc: ValidationError) -> ApplicationError:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    field, messages = next(iter(fields.items()))
    return ApplicationError("invalid", f"{field}: {messages[0]}", 400, extra={"errors": fields})


# --- rules as data -------------------------------------------------------------------


def _fingerprint(entry: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(entry, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _check_amount(rule: dict[str, Any], key: str, where: str) -> None:
    try:
        if Decimal(str(rule[key])) < 0:
            raise ValueError
    except (KeyError, ValueError, ArithmeticError):
        raise ApplicationError("invalid_rules", f"{where}: {key!r} must be a number >= 0.")


def _check_rules(entries: Iterable[dict[str, Any]], where: str) -> None:
    for rule in entries:
        if rule.get("kind") not in rules.RULE_KINDS:
            raise ApplicationError("invalid_rules", f"{where}: unknown rule kind {rule.get('kind')!r}.")
        _check_amount(rule, "required", where)
        if "max_group_hours" in rule:
            _check_amount(rule, "max_group_hours", where)


def _validate_rules_file(data: dict[str, Any]) -> None:
    if data.get("format") != 1 or not data.get("association") or not isinstance(data.get("categories"), dict):
        raise ApplicationError("invalid_rules", "Expected {format: 1, association, categories{...}}.")
    unknown = set(data["categories"]) - set(EndorsementCategory.values)
    unknown |= set(data.get("rsc_consultant_categories", [])) - set(EndorsementCategory.values)
    if unknown:
        raise ApplicationError("invalid_rules", f"Unknown categories: {', '.join(sorted(unknown))}.")
    for category, entry in data["categories"].items():
        _check_rules(entry.get("application", []), f"{category}.application")
        _check_rules(entry.get("renewal", []), f"{category}.renewal")


DEFAULT_RULES = Path(__file__).resolve().parent / "rules" / "default.json"


def rules_ensure_default() -> list[RuleSet]:
    """Load the shipped default rules unless some rules exist (a flushed test database,
    a fresh demo)."""
    if RuleSet.objects.exists():
        return []
    return rules_load(data=json.loads(DEFAULT_RULES.read_text(encoding="utf-8")))


@transaction.atomic
def rules_load(*, data: dict[str, Any]) -> list[RuleSet]:
    """Load a rules file. A category whose rules changed gets a new version; unchanged
    ones are left alone (loading the same file twice creates nothing). Returns the new
    versions."""
    _validate_rules_file(data)
    shared = {
        "rsc_consultant_categories": data.get("rsc_consultant_categories", []),
        "credential_prefix": data.get("credential_prefix", "RH"),
    }
    created: list[RuleSet] = []
    for category, entry in data["categories"].items():
        stored = {**entry, **shared}
        fingerprint = _fingerprint(stored)
        latest = (
            RuleSet.objects.select_for_update()
            .filter(association=data["association"], category=category)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.fingerprint == fingerprint:
            continue
        created.append(
            RuleSet.objects.create(
                association=data["association"],
                category=category,
                version=(latest.version + 1) if latest else 1,
                rules=stored,
                fingerprint=fingerprint,
            )
        )
    return created


# --- the portfolio: training and RSC logs, education, work history -----------------------
#
# One add, one edit and one delete for the four kinds (``models.PORTFOLIO_KINDS``: the
# table, the fields, the date that locks an entry). What differs between kinds is a
# rule across rows, below: at most 24 training hours a day; an RSC consultant must be
# eligible. Every entry passes its model's validation at creation and at every edit.


def _check_row(entry: Any) -> None:
    try:
        entry.full_clean()
    except ValidationError as exc:
        raise _invalid(exc)


def _check_training(entry: TrainingEntry) -> None:
    """The model's rules, and at most 24 hours on one day across the day's entries."""
    entry.domains = sorted(set(entry.domains or []))
    _check_row(entry)
    others = TrainingEntry.objects.filter(provider=entry.provider, completed_on=entry.completed_on)
    if entry.pk is not None:
        others = others.exclude(pk=entry.pk)
    same_day = sum(others.values_list("hours", flat=True), Decimal(0))
    if same_day + entry.hours > rules_max_per_day():
        raise ApplicationError("too_many_hours", "At most 24 training hours a day.", 400)


def rules_max_per_day() -> Decimal:
    return Decimal(24)


def _check_consultant(provider: Provider, consultant_id: int) -> Provider:
    consultant = Provider.objects.filter(pk=consultant_id).first()
    if (
        consultant is None
        or consultant.pk == provider.pk
        or not selectors.may_give_rsc(provider_id=consultant.pk)
    ):
        raise ApplicationError(
            "consultant_not_eligible",
            "The consultant must be another directory provider with a verified endorsement that allows giving RSC.",
            400,
        )
    return consultant


def _set_consultant(provider: Provider, entry: Any, values: dict[str, Any]) -> None:
    """A new consultant is checked; keeping the recorded one is always allowed (the
    session took place while they were eligible)."""
    consultant_id = values.pop("consultant_id", None)
    if consultant_id is not None and consultant_id != entry.consultant_id:
        entry.consultant = _check_consultant(provider, consultant_id)


@dataclass(frozen=True)
class EntryRules:
    """The rules of one kind beyond its row: ``relate`` sets related rows from ids
    (checked), ``check`` validates the entry before it is saved."""

    check: Callable[[Any], None] = _check_row
    relate: Callable[[Provider, Any, dict[str, Any]], None] | None = None
    related_ids: tuple[str, ...] = ()


ENTRY_RULES: dict[str, EntryRules] = {
    "training": EntryRules(check=_check_training),
    "rsc": EntryRules(relate=_set_consultant, related_ids=("consultant_id",)),
    "education": EntryRules(),
    "work": EntryRules(),
}


def _kind(kind: str) -> tuple[PortfolioKind, EntryRules]:
    if kind not in PORTFOLIO_KINDS:
        raise NotFound("Portfolio entry kind")
    return PORTFOLIO_KINDS[kind], ENTRY_RULES[kind]


def _apply(
    spec: PortfolioKind, rules_: EntryRules, provider: Provider, entry: Any, values: dict[str, Any]
) -> None:
    unknown = set(values) - set(spec.fields) - set(rules_.related_ids)
    if unknown:
        raise TypeError(f"not a field of this entry: {sorted(unknown)}")
    values = dict(values)
    if rules_.relate is not None:
        rules_.relate(provider, entry, values)
    for name in spec.fields:
        if name in values:
            setattr(entry, name, values[name])


def _lock_days(spec: PortfolioKind, entry: Any) -> list[datetime.date]:
    """The date by which an application counts the entry (none for kinds never locked)."""
    return [getattr(entry, spec.lock_day)] if spec.lock_day else []


def _refuse_if_locked(provider: Provider, *days: datetime.date) -> None:
    if not days:
        return
    periods = selectors.locked_periods(provider=provider)
    if any(selectors.is_locked(day, periods) for day in days):
        raise ApplicationError(
            "log_entry_locked",
            "This entry counts toward a submitted or approved application; it can no longer change.",
            409,
        )


FROM_ATTENDANCE_MESSAGE = (
    "This entry comes from attendance the facilitator recorded: it cannot be edited or deleted here. "
    "Ask the facilitator to correct the attendance."
)


def _refuse_if_from_attendance(entry: Any) -> None:
    """An entry from attendance is the facilitator's record, not the provider's: locked
    like a counted entry (409), corrected only through ``withdraw_attendance``."""
    if getattr(entry, "from_attendance", False):
        raise ApplicationError("entry_from_attendance", gettext(FROM_ATTENDANCE_MESSAGE), 409)


def _own_entry(model: type[Any], provider: Provider, entry_id: int) -> Any:
    """The provider's own entry, locked for the change; one not-found for missing and
    someone else's."""
    entry = model.objects.select_for_update().filter(pk=id_for_lookup(entry_id), provider=provider).first()
    if entry is None:
        raise NotFound("Log entry")
    return entry


@transaction.atomic
def portfolio_entry_add(*, actor: Actor, kind: str, **values: Any) -> Any:
    """The provider adds an entry of ``kind`` to their own portfolio (a training, RSC
    received, a degree or program, a position). ``values``: the kind's fields, and
    ``consultant_id`` (a directory provider id) for RSC."""
    spec, rules_ = _kind(kind)
    provider = require_provider(actor)
    entry = spec.model(provider=provider)
    _apply(spec, rules_, provider, entry, values)
    rules_.check(entry)
    entry.save()
    return entry


@transaction.atomic
def portfolio_entry_edit(*, actor: Actor, kind: str, entry_id: int, **changes: Any) -> Any:
    """The owner corrects an entry (the fields given; the others stay). A log entry
    changes only while its period is open: neither its old nor its new date inside a
    period a submitted or approved application counted (409 ``log_entry_locked``); one
    from attendance never (409 ``entry_from_attendance``). Validated as at creation."""
    spec, rules_ = _kind(kind)
    provider = require_provider(actor)
    entry = _own_entry(spec.model, provider, entry_id)
    _refuse_if_from_attendance(entry)
    old_days = _lock_days(spec, entry)
    _apply(spec, rules_, provider, entry, changes)
    _refuse_if_locked(provider, *old_days, *_lock_days(spec, entry))
    rules_.check(entry)
    entry.save()
    return entry


@transaction.atomic
def portfolio_entry_delete(*, actor: Actor, kind: str, entry_id: int) -> None:
    """The owner deletes an entry; a log entry only while its period is open, and never
    one from attendance (409 ``entry_from_attendance``)."""
    spec, _ = _kind(kind)
    provider = require_provider(actor)
    entry = _own_entry(spec.model, provider, entry_id)
    _refuse_if_from_attendance(entry)
    _refuse_if_locked(provider, *_lock_days(spec, entry))
    entry.delete()


# --- attendance that feeds the logs -------------------------------------------------------
#
# The groups app (a higher layer) takes attendance at reflective supervision groups and
# trainings and calls these two functions; nothing here knows about groups.

ATTENDANCE_KINDS: dict[str, type[TrainingEntry] | type[RscEntry]] = {
    "training": TrainingEntry,
    "rsc": RscEntry,
}


def _attendance_entry(source_ref: str, *, for_update: bool = False) -> TrainingEntry | RscEntry | None:
    for model in ATTENDANCE_KINDS.values():
        found = model._default_manager.filter(source_ref=source_ref, source=EntrySource.ATTENDANCE)
        entry = (found.select_for_update() if for_update else found).first()
        if entry is not None:
            return entry
    return None


def _attendance_rsc(
    provider: Provider,
    *,
    on: datetime.date,
    hours: Decimal,
    title: str,
    facilitator: Provider | None,
    group: bool,
) -> RscEntry:
    """One session of RSC received from the facilitator, who must be eligible to give RSC
    (400 ``consultant_not_eligible``), as for a typed entry."""
    if facilitator is None:
        raise ApplicationError(
            "consultant_not_eligible", "RSC from attendance needs the consultant who facilitated it.", 400
        )
    consultant = _check_consultant(provider, facilitator.pk)
    return RscEntry(
        provider=provider,
        consultant=consultant,
        started_on=on,
        ended_on=on,
        hours=hours,
        format=RscFormat.GROUP if group else RscFormat.INDIVIDUAL,
        source_title=title[:255],
    )


def _attendance_training(
    provider: Provider,
    *,
    on: datetime.date,
    hours: Decimal,
    title: str,
    offered_by: str,
    domains: Sequence[str],
) -> TrainingEntry:
    return TrainingEntry(
        provider=provider,
        title=title[:255],
        provider_org=offered_by[:255],
        completed_on=on,
        hours=hours,
        domains=list(domains),
    )


def record_attendance(
    provider: Provider,
    *,
    kind: Literal["rsc", "training"],
    source_ref: str,
    on: datetime.date,
    hours: Decimal,
    title: str,
    facilitator: Provider | None,
    facilitator_name: str = "",
    domains: Sequence[str] = (),
    group: bool = True,
) -> TrainingEntry | RscEntry:
    """``provider`` attended a session on ``on``: create the matching log entry of their
    portfolio, marked ``source="attendance"`` with the caller's ``source_ref`` (e.g.
    ``"groups.attendance:42"``).

    - ``kind="rsc"``: an RSC entry of one day (``started_on == ended_on == on``) from
      ``facilitator`` (the consultant: required, and eligible to give RSC as for a typed
      entry, else 400 ``consultant_not_eligible``), ``format`` group or individual by
      ``group``, ``title`` kept as ``source_title``. ``domains`` do not apply to RSC.
    - ``kind="training"``: a training entry titled ``title``, offered by the
      facilitator's name (or ``facilitator_name`` when there is no facilitator), with
      ``domains`` (``Domain`` codes). ``group`` does not apply to training.

    Idempotent: a ``source_ref`` already recorded returns that entry unchanged (even
    when the other arguments differ); one recorded for the other kind is refused (409
    ``source_ref_conflict``). The entry passes the checks of a typed one (400
    ``invalid``, ``too_many_hours``). The provider cannot edit or delete it (409
    ``entry_from_attendance``); the rules count it like a typed entry. ``source_ref``:
    1 to 120 characters (empty: ValueError). Runs inside the caller's transaction when
    there is one (the insert in a savepoint of its own)."""
    if kind not in ATTENDANCE_KINDS or not source_ref:
        raise ValueError(f"kind must be 'rsc' or 'training' (not {kind!r}) and source_ref not empty")
    existing = _recorded(source_ref, kind)
    if existing is not None:
        return existing
    entry: TrainingEntry | RscEntry
    if kind == "rsc":
        entry = _attendance_rsc(
            provider, on=on, hours=hours, title=title, facilitator=facilitator, group=group
        )
    else:
        offered_by = facilitator.name if facilitator is not None else facilitator_name
        entry = _attendance_training(
            provider, on=on, hours=hours, title=title, offered_by=offered_by, domains=domains
        )
    entry.source, entry.source_ref = EntrySource.ATTENDANCE, source_ref
    return _save_once(entry, kind, source_ref)


def _recorded(source_ref: str, kind: str) -> TrainingEntry | RscEntry | None:
    """The entry already recorded for ``source_ref``, if any (of the other kind: 409)."""
    existing = _attendance_entry(source_ref)
    if existing is not None and not isinstance(existing, ATTENDANCE_KINDS[kind]):
        raise ApplicationError(
            "source_ref_conflict", "This attendance was already recorded as another kind of entry.", 409
        )
    return existing


def _save_once(entry: TrainingEntry | RscEntry, kind: str, source_ref: str) -> TrainingEntry | RscEntry:
    """Check and save, or return the entry a concurrent call with the same ``source_ref``
    saved first: the unique constraint decides, seen either by the model's validation
    (the other call committed before it) or at the insert itself."""
    try:
        ENTRY_RULES[kind].check(entry)
        with transaction.atomic():
            entry.save()
    except (ApplicationError, IntegrityError):
        winner = _recorded(source_ref, kind)
        if winner is None:
            raise
        return winner
    return entry


@transaction.atomic
def withdraw_attendance(source_ref: str) -> bool:
    """The facilitator corrected attendance (the provider was absent): delete the entry
    recorded for ``source_ref`` and return True. Returns False when there is none, and
    when the entry is locked because a submitted or decided (approved) application
    already counted its date: a counted entry stays as it was judged (a curator
    corrects the record if need be)."""
    entry = _attendance_entry(source_ref, for_update=True)
    if entry is None:
        return False
    day = entry.completed_on if isinstance(entry, TrainingEntry) else entry.ended_on
    if selectors.is_locked(day, selectors.locked_periods(provider=entry.provider)):
        return False
    entry.delete()
    return True


# --- applications ------------------------------------------------------------------------


def _event(
    application: Application, *, actor: Actor | None, from_status: str, to_status: str, note: str = ""
) -> None:
    ApplicationEvent.objects.create(
        application=application,
        actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _transition(
    application: Application,
    *,
    actor: Actor | None,
    to: str,
    allowed_from: Sequence[str],
    note: str = "",
    **fields: Any,
) -> Application:
    """``UPDATE ... WHERE status IN allowed_from``: zero rows means someone else moved it
    first (or the move is not allowed), and the caller gets 409."""
    before = Application.objects.filter(pk=application.pk).values_list("status", flat=True).first()
    updated = Application.objects.filter(pk=application.pk, status__in=allowed_from).update(
        status=to, **fields
    )
    if not updated:
        raise ApplicationError(
            "invalid_transition", f"An application that is {before} cannot become {to}.", status=409
        )
    _event(application, actor=actor, from_status=str(before), to_status=to, note=note)
    application.refresh_from_db()
    return application


def _new_exam_code() -> str:
    """48 random bits: nothing in the code follows the application's id or order."""
    return "EX-" + secrets.token_hex(6).upper()


@transaction.atomic
def application_create(
    *, actor: Actor, category: str, association: str | None = None, kind: str = ApplicationKind.INITIAL
) -> Application:
    """A provider opens an application (or a renewal of an endorsement this process
    granted) under the association's current rule set, which the application keeps."""
    provider = require_provider(actor)
    endorsement: Endorsement | None = None
    if kind == ApplicationKind.RENEWAL:
        endorsement = (
            Endorsement.objects.filter(provider=provider, category=category, term__isnull=False)
            .select_related("term__rule_set")
            .first()
        )
        if endorsement is None:
            raise ApplicationError(
                "nothing_to_renew", "You hold no endorsement of this category to renew.", 400
            )
        rule_set = selectors.rule_set_for(category=category, association=endorsement.issuing_association)
    else:
        rule_set = selectors.rule_set_for(category=category, association=association)
    if Application.objects.filter(provider=provider, category=category, kind=kind, status__in=OPEN).exists():
        raise ApplicationError("already_open", "You already have an open application for this category.", 409)
    application = Application.objects.create(
        provider=provider,
        kind=kind,
        category=category,
        rule_set=rule_set,
        endorsement=endorsement,
        exam_code=_new_exam_code(),
    )
    _event(application, actor=actor, from_status="", to_status=S.DRAFT, note=f"Rules: {rule_set}")
    return application


@transaction.atomic
def application_submit(*, actor: Actor, application_id: int, attest_ethics: bool) -> Application:
    """The applicant submits (or re-submits after a deferral or hold), signing the code of
    ethics and no-sanctions attestation. A renewal whose rule set allows it and whose
    every requirement is met is approved at once."""
    application = access_own_application(actor, application_id)
    if not attest_ethics:
        raise ApplicationError(
            "attestation_required", "Sign the code of ethics and no-sanctions attestation to submit.", 400
        )
    application = _transition(
        application,
        actor=actor,
        to=S.SUBMITTED,
        allowed_from=[S.DRAFT, S.DEFERRED, S.ON_HOLD],
        submitted_at=timezone.now(),
        ethics_attested_at=timezone.now(),
        round=application.round + 1,
    )
    tell_applicant(application, "endorsement.application.submitted", key=f"r{application.round}")
    if application.kind == ApplicationKind.RENEWAL and application.rule_set.rules.get("auto_approve_renewal"):
        requirements = selectors.application_requirements(application)
        if rules.all_met(requirements):
            _approve(
                application,
                actor=None,
                requirements=requirements,
                note="Every requirement met: auto-approved.",
            )
    return application


@transaction.atomic
def application_withdraw(*, actor: Actor, application_id: int) -> Application:
    application = access_own_application(actor, application_id)
    return _transition(application, actor=actor, to=S.WITHDRAWN, allowed_from=OPEN)


# --- references --------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


REFERENCE_LINK = "endorsement.reference"


def reference_link(reference_id: int) -> str:
    """A fresh single-use link for a reference, made when its e-mail is sent (outbox.links):
    a new token whose hash replaces the stored one, so the outbox never holds it."""
    token = secrets.token_urlsafe(32)
    if not Reference.objects.filter(pk=reference_id).update(token_hash=token_hash(token)):
        raise LinkUnavailable("the reference no longer exists")
    return absolute_url(f"/references/{token}/")


def notify_reference_requested(*, reference: Reference) -> None:
    """The ONE place reference e-mail leaves from: an outbox row in the requesting
    transaction, one per reference. The body names the applicant and category only.
    A reference has no account: the mail is written in the applicant's language."""
    application = reference.application
    applicant_user = application.provider.user
    language = language_of(applicant_user)
    with translation.override(language):
        applicant = application.provider.name
        category = application.get_category_display()
        subject = gettext("Reference request for %(applicant)s (%(category)s)") % {
            "applicant": applicant,
            "category": category,
        }
        body = gettext(
            "Hello %(name)s,\n\n%(applicant)s applied for the %(category)s endorsement and named you "
            "as a reference. Please answer through this personal link (single use, valid until "
            "%(until)s):\n\n%(link)s\n"
        ) % {
            "name": reference.name,
            "applicant": applicant,
            "category": category,
            "until": f"{reference.expires_at:%Y-%m-%d}",
            "link": LINK_MARK,
        }
    outbox_email(
        key=f"endorsement:reference:{reference.pk}:requested",
        to_address=reference.email,
        subject=subject,
        body=body,
        kind="endorsement.reference",
        language=language,
        link=(REFERENCE_LINK, reference.pk),  # made when the mail is sent: reference_link
    )


@transaction.atomic
def reference_request(
    *, actor: Actor, application_id: int, name: str, email: str, waiver: bool = False
) -> Reference:
    """The applicant names a reference; the reference gets a single-use link by e-mail.
    Only the token's hash is stored."""
    application = access_own_application(actor, application_id)
    if application.status not in OPEN:
        raise ApplicationError("invalid_transition", "This application is closed.", 409)
    # A placeholder nobody holds: the e-mailed link's token is made when the mail is sent.
    token = secrets.token_urlsafe(32)
    reference = Reference.objects.create(
        application=application,
        name=name,
        email=email,
        token_hash=token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=REFERENCE_LINK_DAYS),
        waiver=waiver,
    )
    _event(
        application,
        actor=actor,
        from_status=application.status,
        to_status=application.status,
        note=f"Reference requested from {name}.",
    )
    notify_reference_requested(reference=reference)
    return reference


def reference_for_token(*, token: str) -> Reference:
    """The reference a link belongs to, while it is unused and unexpired. Unknown links
    are 404; used or expired ones 410."""
    reference = selectors.reference_by_hash(token_hash=token_hash(token))
    if reference is None:
        raise ApplicationError("not_found", "This reference link is not valid.", 404)
    if reference.answered_at is not None:
        raise ApplicationError("reference_link_used", "This reference link was already used.", 410)
    if reference.expires_at <= timezone.now():
        raise ApplicationError("reference_link_expired", "This reference link has expired.", 410)
    return reference


def _valid_ratings(ratings: Any) -> bool:
    """A non-empty object of competency domains to whole numbers 1-5 (JSON ``true`` is
    not a number here, though Python counts it as 1)."""
    return (
        isinstance(ratings, dict)
        and bool(ratings)
        and all(
            key in Domain.values and type(value) is int and 1 <= value <= 5  # noqa: E721 (bool excluded)
            for key, value in ratings.items()
        )
    )


def recommendation_of(recommend: Any) -> str:
    """The answer to "Do you recommend endorsement?": ``yes``, ``with_reservations`` or
    ``no`` (JSON ``true``/``false`` read as yes/no). Anything else: 400
    ``invalid_recommendation``."""
    if recommend is True or recommend is False:
        return Recommendation.YES if recommend else Recommendation.NO
    if isinstance(recommend, str) and recommend in Recommendation.values:
        return recommend
    raise ApplicationError(
        "invalid_recommendation",
        gettext('Say whether you recommend endorsement: "yes", "with_reservations" or "no".'),
        400,
        extra={"field": "recommend"},
    )


@transaction.atomic
def reference_answer(
    *, token: str, ratings: Any, recommend: Any, comments: str = "", waiver: bool = False
) -> Reference:
    """A reference answers (no login). Single use: the conditional update lets exactly one
    of two simultaneous answers through. ``recommend``: yes, with_reservations or no
    (or a boolean). The applicant is told that a reference answered, never what."""
    reference = reference_for_token(token=token)
    if not _valid_ratings(ratings):
        raise ApplicationError("invalid_ratings", "Rate one or more competency domains from 1 to 5.", 400)
    recommendation = recommendation_of(recommend)
    now = timezone.now()
    updated = Reference.objects.filter(pk=reference.pk, answered_at__isnull=True, expires_at__gt=now).update(
        answered_at=now,
        ratings=ratings,
        recommend=recommendation != Recommendation.NO,
        recommendation=recommendation,
        comments=comments,
        waiver=reference.waiver or waiver,
    )
    if not updated:
        raise ApplicationError("reference_link_used", "This reference link was already used.", 410)
    application = reference.application
    _event(
        application,
        actor=None,
        from_status=application.status,
        to_status=application.status,
        note=f"Reference from {reference.name} answered.",
    )
    tell_applicant(application, "endorsement.reference.received", key=f"reference{reference.pk}")
    reference.refresh_from_db()
    return reference


# --- review -------------------------------------------------------------------------------


def _check_reviewers(application: Application, reviewer_ids: list[int]) -> None:
    if len(reviewer_ids) != 2 or len(set(reviewer_ids)) != 2:
        raise ApplicationError("two_reviewers_required", "Assign exactly two different reviewers.", 400)
    eligible = {u.pk for u in selectors.eligible_reviewers(application=application)}
    refused = [i for i in reviewer_ids if i not in eligible]
    if refused:
        raise ApplicationError(
            "reviewer_not_eligible",
            "Reviewers must be endorsed at the applied category or higher, and neither the applicant "
            f"nor one of the applicant's RSC consultants (refused: {', '.join(map(str, refused))}).",
            400,
        )


@transaction.atomic
def application_assign(*, actor: Actor, application_id: int, reviewer_ids: list[int]) -> Application:
    """A curator assigns two eligible reviewers to a submitted application."""
    require_curator(actor)
    application = access_application(actor, application_id)
    if application.kind == ApplicationKind.RENEWAL:
        raise ApplicationError("invalid_transition", "Renewals are decided by a curator, not reviewers.", 409)
    _check_reviewers(application, reviewer_ids)
    application = _transition(application, actor=actor, to=S.IN_REVIEW, allowed_from=[S.SUBMITTED])
    for reviewer_id in reviewer_ids:
        assignment = ReviewerAssignment.objects.create(
            application=application, reviewer_id=reviewer_id, round=application.round, assigned_by_id=actor.pk
        )
        tell_reviewer(assignment.reviewer, application, "endorsement.review.assigned")
    return application


def _credential_number(application: Application) -> str:
    initials = "".join(word[0] for word in application.category.split("_")).upper()
    prefix = application.rule_set.rules.get("credential_prefix", "RH")
    return f"{prefix}-{initials}-E{application.pk:06d}"


def _approve(
    application: Application, *, actor: Actor | None, requirements: list[rules.Requirement], note: str
) -> None:
    """Approval and the directory change happen in one transaction."""
    if not rules.all_met(requirements):
        raise ApplicationError(
            "requirements_not_met",
            "Not every requirement is met: " + "; ".join(rules.missing(requirements)),
            409,
            extra={"missing": rules.missing(requirements)},
        )
    today = timezone.now().date()
    rule_set = application.rule_set
    period = selectors.application_period(application)
    grant_actor = actor if isinstance(actor, AbstractBaseUser) else None
    if application.kind == ApplicationKind.RENEWAL and application.endorsement is not None:
        term = EndorsementTerm.objects.select_for_update().get(endorsement=application.endorsement)
        term.due_on = term.due_on + datetime.timedelta(days=rule_set.term_days)
        term.rule_set = rule_set
        term.lapsed_at = None
        endorsement = endorsement_grant(
            actor=grant_actor,
            provider=application.provider,
            category=application.category,
            credential_number=application.endorsement.credential_number,
            issuing_association=rule_set.association,
            issued_on=application.endorsement.issued_on,
            expires_on=term.due_on + datetime.timedelta(days=rule_set.grace_days),
            endorsement_id=application.endorsement.pk,
            note=f"Renewal approved (application {application.pk}).",
        )
        term.save()
    else:
        due_on = today + datetime.timedelta(days=rule_set.term_days)
        endorsement = endorsement_grant(
            actor=grant_actor,
            provider=application.provider,
            category=application.category,
            credential_number=_credential_number(application),
            issuing_association=rule_set.association,
            issued_on=today,
            expires_on=due_on + datetime.timedelta(days=rule_set.grace_days),
            note=f"Endorsement approved (application {application.pk}).",
        )
        EndorsementTerm.objects.create(
            endorsement=endorsement, rule_set=rule_set, first_issued_on=today, due_on=due_on
        )
    snapshot = {
        "rule_set": str(rule_set),
        "rule_set_id": rule_set.pk,
        "requirements": requirements,
        "period": [period.start.isoformat(), period.end.isoformat()],
    }
    _transition(
        application,
        actor=actor,
        to=S.APPROVED,
        allowed_from=[S.IN_REVIEW, S.SUBMITTED],
        note=note,
        decided_at=timezone.now(),
        decision_snapshot=snapshot,
        endorsement=endorsement,
    )
    tell_applicant(application, "endorsement.application.decided", key=f"r{application.round}")


def _resolve(application: Application, *, actor: Actor, decisions: list[ReviewerAssignment]) -> None:
    """Both reviewers decided: both approve -> approved; any defer -> deferred; else on hold."""
    chosen = {a.decision for a in decisions}
    if chosen == {Decision.APPROVE}:
        _approve(
            application,
            actor=actor,
            requirements=selectors.application_requirements(application),
            note="Both reviewers approved.",
        )
    elif Decision.DEFER in chosen:
        _transition(
            application, actor=actor, to=S.DEFERRED, allowed_from=[S.IN_REVIEW], decided_at=timezone.now()
        )
        tell_applicant(application, "endorsement.application.more_info", key=f"r{application.round}")
    else:
        _transition(application, actor=actor, to=S.ON_HOLD, allowed_from=[S.IN_REVIEW])
        tell_applicant(application, "endorsement.application.more_info", key=f"r{application.round}")


def _check_decision(decision: str, feedback: str) -> None:
    if decision not in Decision.values:
        raise ApplicationError("invalid_decision", "decision must be approve, defer or hold.", 400)
    if decision == Decision.DEFER and not feedback.strip():
        raise ApplicationError(
            "feedback_required", "A deferral needs feedback the applicant can act on.", 400
        )


def _check_justification(application: Application, decision: str, justification: str) -> None:
    """Approving over a reference's "No" needs a written justification (it is kept with
    the decision, for the other reviewer and the curators)."""
    said_no = application.references.filter(
        answered_at__isnull=False, recommendation=Recommendation.NO
    ).exists()
    if decision == Decision.APPROVE and said_no and not justification.strip():
        raise ApplicationError(
            "justification_required",
            gettext(
                "A reference does not recommend endorsement: write why you approve nonetheless "
                "(the other reviewer and the curators read it)."
            ),
            400,
            extra={"field": "justification"},
        )


@transaction.atomic
def application_review(
    *, actor: Actor, application_id: int, decision: str, feedback: str = "", justification: str = ""
) -> Application:
    """An assigned reviewer decides (or, for a renewal, a curator). The application row is
    locked so the second of two simultaneous decisions sees the first. Approving while an
    answered reference said "No" needs ``justification`` (400 ``justification_required``).
    After the first of the two decisions, the other reviewer is told theirs is awaited."""
    _check_decision(decision, feedback)
    application = access_application(actor, application_id)
    Application.objects.select_for_update().filter(pk=application.pk).first()
    application.refresh_from_db()
    if application.kind == ApplicationKind.RENEWAL:
        return _renewal_decide(application, actor=actor, decision=decision, feedback=feedback)
    assignment = ReviewerAssignment.objects.filter(
        application=application, round=application.round, reviewer_id=actor.pk
    ).first()
    if assignment is None:
        raise ApplicationError("forbidden", "Only the application's assigned reviewers decide.", 403)
    if application.status != S.IN_REVIEW or assignment.decision:
        raise ApplicationError("invalid_transition", "This review is already decided.", 409)
    _check_justification(application, decision, justification)
    if decision == Decision.APPROVE:
        requirements = selectors.application_requirements(application)
        if not rules.all_met(requirements):
            raise ApplicationError(
                "requirements_not_met",
                "Not every requirement is met: " + "; ".join(rules.missing(requirements)),
                409,
                extra={"missing": rules.missing(requirements)},
            )
    assignment.decision, assignment.feedback, assignment.decided_at = decision, feedback, timezone.now()
    assignment.justification = justification.strip() if decision == Decision.APPROVE else ""
    assignment.save(update_fields=["decision", "feedback", "justification", "decided_at"])
    _event(
        application,
        actor=actor,
        from_status=application.status,
        to_status=application.status,
        note=f"A reviewer decided: {decision}.",
    )
    decisions = list(ReviewerAssignment.objects.filter(application=application, round=application.round))
    if all(a.decision for a in decisions):
        _resolve(application, actor=actor, decisions=decisions)
    else:
        for waiting in decisions:
            if not waiting.decision:
                tell_reviewer(waiting.reviewer, application, "endorsement.review.second_needed")
    application.refresh_from_db()
    return application


def _renewal_decide(application: Application, *, actor: Actor, decision: str, feedback: str) -> Application:
    if not is_curator(actor):
        raise ApplicationError("forbidden", "A curator decides renewals.", 403)
    if decision == Decision.APPROVE:
        _approve(
            application,
            actor=actor,
            requirements=selectors.application_requirements(application),
            note="Renewal approved by a curator.",
        )
    elif decision == Decision.DEFER:
        _transition(
            application,
            actor=actor,
            to=S.DEFERRED,
            allowed_from=[S.SUBMITTED],
            note=feedback,
            decided_at=timezone.now(),
        )
    else:
        _transition(application, actor=actor, to=S.ON_HOLD, allowed_from=[S.SUBMITTED], note=feedback)
    if decision != Decision.APPROVE:
        tell_applicant(application, "endorsement.application.more_info", key=f"r{application.round}")
    application.refresh_from_db()
    return application


# --- lapse and reinstatement -------------------------------------------------------------


@transaction.atomic
def terms_lapse_overdue(*, today: datetime.date | None = None) -> int:
    """Record every term past its due date plus grace as lapsed, and the lapse in the
    directory in the same transaction (never shown as endorsed again until a curator
    reinstates it). Idempotent: a recorded lapse is not recorded again. For the jobs
    engine (``endorsement.tasks.lapse_endorsements``)."""
    today = today or timezone.now().date()
    now = timezone.now()
    count = 0
    for term in selectors.overdue_terms(today=today):
        recorded = EndorsementTerm.objects.filter(pk=term.pk, lapsed_at__isnull=True).update(lapsed_at=now)
        if recorded:
            endorsement_lapse(
                endorsement_id=term.endorsement_id,
                note=f"Lapsed: not renewed by {term.due_on.isoformat()} plus {term.rule_set.grace_days} days of grace.",
            )
            tell_holder(
                term.endorsement, "endorsement.renewal.lapsed", key=f"lapsed{term.due_on.isoformat()}"
            )
        count += recorded
    return count


@transaction.atomic
def terms_tell_due(*, today: datetime.date | None = None) -> int:
    """Tell each holder whose renewal is due (due date reached, grace not over, not
    lapsed) once per due date: a notice and an e-mail. Idempotent (the outbox key)."""
    today = today or timezone.now().date()
    terms = selectors.due_terms(today=today)
    for term in terms:
        tell_holder(term.endorsement, "endorsement.renewal.due", key=f"due{term.due_on.isoformat()}")
    return len(terms)


@transaction.atomic
def term_reinstate(*, actor: Actor, endorsement_id: int, due_on: datetime.date, note: str) -> EndorsementTerm:
    """A curator reinstates a lapsed endorsement with a new due date: recorded in the
    directory's endorsement history with the curator's name and note."""
    require_curator(actor)
    term = (
        EndorsementTerm.objects.select_for_update()
        .select_related("endorsement__provider", "rule_set")
        .filter(endorsement_id=endorsement_id)
        .first()
    )
    if term is None:
        raise ApplicationError("not_found", "Endorsement not found.", 404)
    if not note.strip():
        raise ApplicationError("note_required", "Say why the endorsement is reinstated.", 400)
    if due_on <= timezone.now().date():
        raise ApplicationError("invalid", "The new due date must be in the future.", 400)
    endorsement = term.endorsement
    endorsement_grant(
        actor=actor if isinstance(actor, AbstractBaseUser) else None,
        provider=endorsement.provider,
        category=endorsement.category,
        credential_number=endorsement.credential_number,
        issuing_association=endorsement.issuing_association,
        issued_on=endorsement.issued_on,
        expires_on=due_on + datetime.timedelta(days=term.rule_set.grace_days),
        endorsement_id=endorsement.pk,
        note=f"Reinstated: {note}",
    )
    term.due_on, term.lapsed_at = due_on, None
    term.save(update_fields=["due_on", "lapsed_at"])
    return term


# --- documents ----------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# What the file's first bytes must be; the name and the browser's claimed type count for nothing.
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


@transaction.atomic
def document_upload(*, actor: Actor, upload: UploadedFile[Any], kind: str = "other") -> Document:
    """A provider adds a portfolio document: at most 10 MB, a PDF, PNG or JPEG by its
    content, stored through Django's storage API."""
    provider = require_provider(actor)
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise ApplicationError("file_too_large", "Documents are limited to 10 MB.", 413)
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ApplicationError("unsupported_file_type", "Upload a PDF, PNG or JPEG file.", 415)
    document = Document(
        provider=provider,
        kind=kind,
        original_name=(upload.name or "document")[:255],
        content_type=content_type,
        size=upload.size,
    )
    document.file.save(document.original_name, upload, save=False)
    document.save()
    return document


@transaction.atomic
def document_read(*, actor: Actor, document_id: int) -> Document:
    """Open a document for reading (owner, assigned reviewers, curators): audited."""
    document = access_document(actor, document_id)
    audit_record(
        actor=actor,
        action=Action.VIEW,
        object_type="endorsement_document",
        object_id=document.pk,
        detail=f"{document.get_kind_display()} of provider {document.provider_id}",
    )
    return document


# --- exams (blind scoring) ----------------------------------------------------------------


@transaction.atomic
def exam_submit(*, actor: Actor, application_id: int, answers: str) -> Exam:
    """The applicant hands in the exam once (categories whose rules have an ``exam`` rule)."""
    application = access_own_application(actor, application_id)
    has_exam = any(r.get("kind") == "exam" for r in application.rule_set.rules.get("application", []))
    if not has_exam:
        raise ApplicationError("no_exam", "This category has no exam.", 400)
    if application.status not in OPEN or not answers.strip():
        raise ApplicationError(
            "invalid_transition", "An exam goes with an open application and has answers.", 409
        )
    exam, created = Exam.objects.get_or_create(application=application, defaults={"answers": answers})
    if not created:
        raise ApplicationError("exam_already_submitted", "The exam was already handed in.", 409)
    _event(
        application,
        actor=actor,
        from_status=application.status,
        to_status=application.status,
        note="Exam handed in.",
    )
    return exam


@transaction.atomic
def exam_score_record(*, actor: Actor, exam_code: str, score: int) -> ExamScore:
    """An assigned reviewer scores an exam they know only by its code, once."""
    exam = selectors.exams_to_score(actor=actor).filter(application__exam_code=exam_code).first()
    if exam is None:
        raise ApplicationError("not_found", "Exam not found.", 404)
    if not 0 <= score <= 100:
        raise ApplicationError("invalid", "A score is between 0 and 100.", 400)
    if ExamScore.objects.filter(exam=exam, scorer_id=actor.pk).exists():
        raise ApplicationError("already_scored", "You already scored this exam.", 409)
    return ExamScore.objects.create(exam=exam, scorer_id=cast(int, actor.pk), score=score)
