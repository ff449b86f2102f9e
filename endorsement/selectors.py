"""Every read of the endorsement process, limited to what the actor may see, with the
related rows fetched up front so lists cost a constant number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from directory import selectors as directory_selectors
from directory.models import Endorsement, EndorsementStatus, Provider
from endorsement import rules
from endorsement.models import (
    PORTFOLIO_KINDS,
    Application,
    ApplicationKind,
    ApplicationStatus,
    Document,
    EndorsementTerm,
    Exam,
    Reference,
    ReviewerAssignment,
    RscEntry,
    RscFormat,
    RuleSet,
    TrainingEntry,
)
from endorsement.policies import visible_applications
from people.roles import Actor
from referral_hub.errors import ApplicationError


def portfolio_entries(*, provider: Provider, kind: str) -> QuerySet[Any]:
    """The provider's own entries of one portfolio kind (``models.PORTFOLIO_KINDS``),
    newest first."""
    spec = PORTFOLIO_KINDS[kind]
    return spec.model._default_manager.filter(provider=provider).select_related(*spec.related)


def document_list(*, provider: Provider) -> QuerySet[Document]:
    return Document.objects.filter(provider=provider)


# An application in one of these states has counted the logs of its period: they are
# part of the record a reviewer or curator judged (or is judging) and no longer change.
LOCKING_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.ON_HOLD,
    ApplicationStatus.APPROVED,
)


def _counted_period(application: Application) -> rules.Period:
    """The period whose logs ``application`` counted: as recorded at approval, else the
    period it is judged over now."""
    recorded = (application.decision_snapshot or {}).get("period")
    if application.status == ApplicationStatus.APPROVED and recorded:
        return rules.Period(
            datetime.date.fromisoformat(recorded[0]), datetime.date.fromisoformat(recorded[1])
        )
    if application.status == ApplicationStatus.APPROVED and application.decided_at is not None:
        # Approved before periods were recorded: the span up to the decision.
        end = timezone.localdate(application.decided_at)
        days = (
            application.rule_set.term_days
            if application.kind == ApplicationKind.RENEWAL
            else int(application.rule_set.rules.get("lookback_days", 730))
        )
        return rules.Period(end - datetime.timedelta(days=days - 1), end)
    return application_period(application)


def locked_periods(*, provider: Provider) -> list[rules.Period]:
    """The periods a submitted or approved application counted (a log entry dated in one
    of them can no longer be edited or deleted)."""
    applications = Application.objects.filter(provider=provider, status__in=LOCKING_STATUSES).select_related(
        "rule_set", "endorsement__term__rule_set"
    )
    return [_counted_period(application) for application in applications]


def is_locked(day: datetime.date, periods: list[rules.Period]) -> bool:
    return any(day in period for period in periods)


def latest_rule_sets() -> dict[tuple[str, str], RuleSet]:
    """The newest version per (association, category)."""
    latest: dict[tuple[str, str], RuleSet] = {}
    for rule_set in RuleSet.objects.order_by("association", "category", "version"):
        latest[(rule_set.association, rule_set.category)] = rule_set
    return latest


def rule_set_for(*, category: str, association: str | None) -> RuleSet:
    candidates = [rs for (assoc, cat), rs in latest_rule_sets().items() if cat == category]
    if association:
        candidates = [rs for rs in candidates if rs.association == association]
    if not candidates:
        raise ApplicationError("no_rule_set", "No association has rules for this category.", status=400)
    if len(candidates) > 1:
        raise ApplicationError("association_required", "Name the association: several have rules.", 400)
    return candidates[0]


def rsc_consultant_categories() -> set[str]:
    """Categories whose holders may give RSC, from the current rules of every association."""
    categories: set[str] = set()
    for rule_set in latest_rule_sets().values():
        categories.update(rule_set.rules.get("rsc_consultant_categories", []))
    return categories


def may_give_rsc(*, provider_id: int) -> bool:
    return (
        Endorsement.objects.shown_as_endorsed()
        .filter(provider_id=provider_id, category__in=rsc_consultant_categories())
        .exists()
    )


def rsc_consultants(*, exclude: Provider, limit: int = 300) -> QuerySet[Provider]:
    """Directory providers who may give RSC now, for the log form's choice list."""
    eligible = Endorsement.objects.shown_as_endorsed().filter(
        provider=OuterRef("pk"), category__in=rsc_consultant_categories()
    )
    return Provider.objects.filter(Exists(eligible)).exclude(pk=exclude.pk).order_by("name", "id")[:limit]


# --- the rules engine's facts ---------------------------------------------------


def _facts(
    *,
    provider: Provider,
    period: rules.Period,
    references: int,
    attested: bool,
    first_year: bool,
    exam_score: Decimal = Decimal(0),
) -> rules.Facts:
    training = [
        rules.Training(t.completed_on, t.hours, t.dei, t.about_providing_rsc)
        for t in TrainingEntry.objects.filter(
            provider=provider, completed_on__range=(period.start, period.end)
        )
    ]
    rsc = [
        rules.Rsc(r.consultant_id, r.ended_on, r.hours, group=r.format == RscFormat.GROUP)
        for r in RscEntry.objects.filter(provider=provider, ended_on__range=(period.start, period.end))
    ]
    provides = RscEntry.objects.filter(
        consultant=provider, ended_on__range=(period.start, period.end)
    ).exists()
    return rules.Facts(
        period=period,
        training=training,
        rsc=rsc,
        references_answered=references,
        ethics_attested=attested,
        provides_rsc=provides,
        first_year=first_year,
        exam_score=exam_score,
    )


def exam_score(application: Application) -> Decimal:
    """The mean of the two blind scores; 0 until two scorers have scored."""
    exam = getattr(application, "exam", None)
    if exam is None:
        return Decimal(0)
    scores = [s.score for s in exam.scores.all()]
    if len(scores) < 2:
        return Decimal(0)
    return Decimal(sum(scores)) / len(scores)


def application_period(application: Application, today: datetime.date | None = None) -> rules.Period:
    today = today or timezone.now().date()
    term = _term_of(application.endorsement) if application.kind == ApplicationKind.RENEWAL else None
    if term is not None:
        return renewal_period(due_on=term.due_on, term_days=term.rule_set.term_days)
    lookback = int(application.rule_set.rules.get("lookback_days", 730))
    return rules.Period(today - datetime.timedelta(days=lookback - 1), today)


def renewal_period(*, due_on: datetime.date, term_days: int) -> rules.Period:
    return rules.Period(due_on - datetime.timedelta(days=term_days - 1), due_on)


def _term_of(endorsement: Endorsement | None) -> Any:
    if endorsement is None:
        return None
    return getattr(endorsement, "term", None)


def application_requirements(application: Application) -> list[rules.Requirement]:
    """Computed by the engine, never stored by hand. A decided application answers with
    the snapshot taken at its decision: new rules or logs never rewrite it."""
    if application.status == ApplicationStatus.APPROVED and application.decision_snapshot:
        return list(application.decision_snapshot.get("requirements", []))
    period = application_period(application)
    term = _term_of(application.endorsement) if application.kind == ApplicationKind.RENEWAL else None
    answered = sum(1 for r in application.references.all() if r.answered_at is not None)
    facts = _facts(
        provider=application.provider,
        period=period,
        references=answered,
        attested=application.ethics_attested_at is not None,
        first_year=term is not None and is_first_year(term),
        exam_score=exam_score(application),
    )
    key = "renewal" if application.kind == ApplicationKind.RENEWAL else "application"
    return rules.evaluate(application.rule_set.rules.get(key, []), facts)


def is_first_year(term: Any) -> bool:
    """The first term after the endorsement was first granted."""
    start = term.due_on - datetime.timedelta(days=term.rule_set.term_days)
    return bool(term.first_issued_on >= start)


# --- applications ------------------------------------------------------------------


def _with_related(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related(
        "provider", "rule_set", "endorsement", "endorsement__term__rule_set"
    ).prefetch_related(
        "references",
        Prefetch("assignments", queryset=ReviewerAssignment.objects.select_related("reviewer")),
        "events",
    )


def application_list(*, actor: Actor, status: str = "") -> QuerySet[Application]:
    qs = visible_applications(actor)
    if status:
        qs = qs.filter(status=status)
    return _with_related(qs).order_by("-created_at", "-id")


def application_detail(*, application: Application) -> Application:
    """One application with what its readers (applicant, assigned reviewers, curators)
    see: references, reviews, timeline, and the applicant's education and work history."""
    return (
        _with_related(Application.objects.filter(pk=application.pk))
        .prefetch_related("provider__education_entries", "provider__work_entries")
        .get()
    )


def curator_queue() -> QuerySet[Application]:
    """Submitted, in-review and on-hold applications and renewals, oldest first."""
    open_statuses = [ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.ON_HOLD]
    return _with_related(Application.objects.filter(status__in=open_statuses)).order_by("submitted_at", "id")


def exams_to_score(*, actor: Actor) -> QuerySet[Exam]:
    """Exams of the applications assigned to ``actor`` in their current round, for blind
    scoring: the caller shows only the exam code, never who wrote it. Ordered by the
    random code: in submission order (as the assigned applications, with their names,
    are listed) the n-th exam would be the n-th applicant's."""
    return (
        Exam.objects.filter(
            application__assignments__reviewer_id=actor.pk,
            application__assignments__round=F("application__round"),
            application__status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW],
        )
        .select_related("application")
        .prefetch_related("scores")
        .distinct()
        .order_by("application__exam_code")
    )


def reviewer_assigned(*, actor: Actor) -> QuerySet[Application]:
    return _with_related(Application.objects.filter(assignments__reviewer_id=actor.pk).distinct()).order_by(
        "submitted_at", "id"
    )


def eligible_reviewers(*, application: Application) -> list[User]:
    """Users a curator may assign: reviewers endorsed at the applied category or higher,
    not the applicant and none of the applicant's RSC consultants."""
    consultants = set(
        RscEntry.objects.filter(provider=application.provider).values_list("consultant_id", flat=True)
    )
    endorsements = (
        Endorsement.objects.shown_as_endorsed()
        .filter(provider__user__groups__name="reviewer", provider__user__is_active=True)
        .exclude(provider=application.provider)
        .exclude(provider_id__in=consultants)
        .select_related("provider__user")
    )
    users: dict[int, User] = {}
    for endorsement in endorsements:
        user = endorsement.provider.user  # never None: the filter above joined the user
        if user is not None and rules.at_or_above(endorsement.category, application.category):
            users[user.pk] = user
    return sorted(users.values(), key=lambda u: u.get_full_name() or u.username)


# --- renewal ---------------------------------------------------------------------


@dataclass
class RenewalStatus:
    endorsement: Endorsement
    due_on: datetime.date
    lapses_on: datetime.date
    period: rules.Period
    status: str
    requirements: list[rules.Requirement]
    open_application: Application | None

    @property
    def missing(self) -> list[str]:
        return rules.missing(self.requirements)

    @property
    def status_label(self) -> str:
        """The status in words, in the active language."""
        return str(RENEWAL_STATUS_WORDS.get(self.status, self.status))


RENEWAL_STATUS_WORDS = {
    "current": gettext_lazy("Current"),
    "due": gettext_lazy("Due for renewal (grace period)"),
    "lapsed": gettext_lazy("Lapsed"),
    "revoked": gettext_lazy("Revoked"),
}


def renewal_status(*, provider: Provider, today: datetime.date | None = None) -> list[RenewalStatus]:
    """For each endorsement this process granted the provider: the current period's
    due date, what each rule requires and what is logged, and when it lapses."""
    today = today or timezone.now().date()
    out: list[RenewalStatus] = []
    endorsements = Endorsement.objects.filter(provider=provider, term__isnull=False).select_related(
        "term__rule_set"
    )
    open_apps = {
        a.endorsement_id: a
        for a in Application.objects.filter(
            provider=provider,
            kind=ApplicationKind.RENEWAL,
            status__in=[
                ApplicationStatus.DRAFT,
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.DEFERRED,
                ApplicationStatus.ON_HOLD,
                ApplicationStatus.IN_REVIEW,
            ],
        )
    }
    for endorsement in endorsements:
        term = endorsement.term
        period = renewal_period(due_on=term.due_on, term_days=term.rule_set.term_days)
        app = open_apps.get(endorsement.pk)
        facts = _facts(
            provider=provider,
            period=period,
            references=0,
            attested=app is not None and app.ethics_attested_at is not None,
            first_year=is_first_year(term),
        )
        out.append(
            RenewalStatus(
                endorsement=endorsement,
                due_on=term.due_on,
                lapses_on=term.lapses_on,
                period=period,
                status=term_status(endorsement=endorsement, term=term, today=today),
                requirements=rules.evaluate(term.rule_set.rules.get("renewal", []), facts),
                open_application=app,
            )
        )
    return out


def term_status(*, endorsement: Endorsement, term: Any, today: datetime.date) -> str:
    """``current``, ``due`` (past the due date, inside the grace period), ``lapsed``, or
    ``revoked``."""
    if endorsement.status == EndorsementStatus.REVOKED:
        return "revoked"
    if term.lapsed_at is not None or today > term.lapses_on:
        return "lapsed"
    if today > term.due_on:
        return "due"
    return "current"


def lapsed_terms(limit: int = 100) -> list[EndorsementTerm]:
    """Lapsed endorsements a curator may reinstate (recorded lapses, newest first)."""
    return list(
        EndorsementTerm.objects.filter(lapsed_at__isnull=False)
        .select_related("endorsement__provider", "rule_set")
        .order_by("-lapsed_at")[:limit]
    )


def overdue_terms(*, today: datetime.date) -> list[EndorsementTerm]:
    """Terms past their due date plus grace that are not yet recorded as lapsed."""
    candidates = EndorsementTerm.objects.filter(lapsed_at__isnull=True, due_on__lt=today).select_related(
        "rule_set", "endorsement__provider__user"
    )
    return [term for term in candidates if today > term.lapses_on]


def due_terms(*, today: datetime.date) -> list[EndorsementTerm]:
    """Terms whose renewal is due (due date reached, grace not over, not lapsed): what
    ``GET /api/v1/endorsement/renewal/`` calls ``due``."""
    candidates = EndorsementTerm.objects.filter(lapsed_at__isnull=True, due_on__lte=today).select_related(
        "rule_set", "endorsement__provider__user"
    )
    return [term for term in candidates if today <= term.lapses_on]


# --- public verification ---------------------------------------------------------


def verify_credential(*, credential_number: str) -> Endorsement | None:
    """The endorsement behind a credential number, if a curator or this process ever
    verified it (pending claims are unknown). Newest first when numbers repeat."""
    number = credential_number.strip()
    if not number:
        return None
    return (
        Endorsement.objects.filter(credential_number__iexact=number)
        .exclude(status=EndorsementStatus.PENDING)
        .select_related("provider")
        .order_by("-issued_on", "-id")
        .first()
    )


def practitioner(*, provider_id: int) -> Provider | None:
    return (
        Provider.objects.filter(pk=provider_id)
        .prefetch_related(
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.shown_as_endorsed(),
                to_attr="public_endorsements",
            ),
            directory_selectors.public_models_prefetch(),
        )
        .first()
    )


def public_endorsement(*, endorsement_id: int) -> Endorsement | None:
    return (
        Endorsement.objects.filter(pk=endorsement_id)
        .exclude(status=EndorsementStatus.PENDING)
        .select_related("provider", "status_changed_by")
        .first()
    )


def reference_by_hash(*, token_hash: str) -> Reference | None:
    return Reference.objects.select_related("application__provider").filter(token_hash=token_hash).first()
