"""The endorsement process: a provider's logs, the association's rules (as versioned
data), applications and their timeline, references, reviewer assignments, and the term
(due date, grace) of each endorsement this process granted.

The directory shows the result (``directory.Endorsement``); this app owns how it is
earned and renewed. Invariants that belong to one row are database constraints.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Endorsement, EndorsementCategory, Provider

MAX_HOURS_PER_DAY = Decimal("24")


class Domain(models.TextChoices):
    """The eight domains of the Alliance competency guidelines."""

    THEORETICAL_FOUNDATIONS = "theoretical_foundations", _("Theoretical foundations")
    LAW_REGULATION_AGENCY_POLICY = "law_regulation_agency_policy", _("Law, regulation & agency policy")
    SYSTEMS_EXPERTISE = "systems_expertise", _("Systems expertise")
    DIRECT_SERVICE_SKILLS = "direct_service_skills", _("Direct service skills")
    WORKING_WITH_OTHERS = "working_with_others", _("Working with others")
    COMMUNICATING = "communicating", _("Communicating")
    THINKING = "thinking", _("Thinking")
    REFLECTION = "reflection", _("Reflection")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    DEFERRED = "deferred", _("Deferred")
    ON_HOLD = "on_hold", _("On hold")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationKind(models.TextChoices):
    INITIAL = "initial", _("New endorsement")
    RENEWAL = "renewal", _("Renewal")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DEFER = "defer", _("Defer")
    HOLD = "hold", _("Hold")


class Recommendation(models.TextChoices):
    """A reference's answer to "Do you recommend endorsement?"."""

    YES = "yes", _("Yes, I recommend endorsement")
    WITH_RESERVATIONS = "with_reservations", _("Yes, with reservations")
    NO = "no", _("No, I do not recommend endorsement")


class RscFormat(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class EntrySource(models.TextChoices):
    """Where a training or RSC entry comes from: typed by the provider, or recorded from
    their attendance at a group or event (``services.record_attendance``)."""

    MANUAL = "manual", _("Entered by you")
    ATTENDANCE = "attendance", _("From attendance")


def _source_fields(prefix: str) -> tuple[models.CheckConstraint, models.UniqueConstraint]:
    """An entry from attendance carries the caller's reference, unique per table; a
    manual one carries none."""
    return (
        models.CheckConstraint(
            condition=models.Q(source=EntrySource.MANUAL, source_ref="")
            | (models.Q(source=EntrySource.ATTENDANCE) & ~models.Q(source_ref="")),
            name=f"{prefix}_source_ref_iff_attendance",
        ),
        models.UniqueConstraint(
            fields=["source_ref"], condition=~models.Q(source_ref=""), name=f"{prefix}_source_ref_unique"
        ),
    )


class FromAttendance:
    """``source`` and ``source_ref`` of a log entry (training, RSC)."""

    source: str

    @property
    def from_attendance(self) -> bool:
        """Recorded from attendance: the provider cannot edit or delete it."""
        return self.source == EntrySource.ATTENDANCE


class RuleSet(models.Model):
    """One version of an association's requirements for one category. Rows are never
    edited: a change of rules is a new ``version``; applications keep the version they
    were opened under, so a past decision is never re-judged by new rules."""

    association = models.CharField(max_length=255)
    category = models.CharField(max_length=48, choices=EndorsementCategory.choices)
    version = models.PositiveIntegerField()
    rules = models.JSONField(help_text="The category's entry of the rules file (see docs/endorsement.md).")
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the canonical rules JSON.")
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["association", "category", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "category", "version"], name="ruleset_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.association} · {self.category} v{self.version}"

    @property
    def grace_days(self) -> int:
        return int(self.rules.get("grace_days", 0))

    @property
    def term_days(self) -> int:
        return int(self.rules.get("term_days", 365))


SOURCE_HELP = "manual: typed by the provider; attendance: recorded from attendance (locked)."
SOURCE_REF_HELP = "The caller's key of the attendance (e.g. groups.attendance:42); blank for manual entries."


class TrainingEntry(FromAttendance, models.Model):
    """One in-service training the provider attended."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="training_entries")
    title = models.CharField(max_length=255)
    provider_org = models.CharField(max_length=255, blank=True, help_text="Who offered the training.")
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    domains = models.JSONField(default=list, blank=True)
    dei = models.BooleanField(default=False, help_text="About diversity, equity and inclusion.")
    about_providing_rsc = models.BooleanField(default=False, help_text="About providing RSC.")
    source = models.CharField(
        max_length=10, choices=EntrySource.choices, default=EntrySource.MANUAL, help_text=SOURCE_HELP
    )
    source_ref = models.CharField(max_length=120, blank=True, default="", help_text=SOURCE_REF_HELP)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["provider", "completed_on"], name="training_provider_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="training_hours_in_a_day"
            ),
            *_source_fields("training"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} h)"

    def clean(self) -> None:
        if self.completed_on and self.completed_on > timezone.now().date():
            raise ValidationError({"completed_on": "A training cannot be completed in the future."})
        unknown = set(self.domains or []) - set(Domain.values)
        if unknown:
            raise ValidationError({"domains": f"Unknown competency domain(s): {', '.join(sorted(unknown))}."})


class RscEntry(FromAttendance, models.Model):
    """Reflective supervision/consultation received from ``consultant`` over a span of days
    (one session from attendance: ``started_on == ended_on``)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="rsc_entries")
    consultant = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="rsc_given")
    started_on = models.DateField()
    ended_on = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    format = models.CharField(max_length=10, choices=RscFormat.choices, default=RscFormat.INDIVIDUAL)
    source = models.CharField(
        max_length=10, choices=EntrySource.choices, default=EntrySource.MANUAL, help_text=SOURCE_HELP
    )
    source_ref = models.CharField(max_length=120, blank=True, default="", help_text=SOURCE_REF_HELP)
    source_title = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="The group or event attended (entries from attendance).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ended_on", "-id"]
        indexes = [models.Index(fields=["provider", "ended_on"], name="rsc_provider_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="rsc_hours_positive"),
            models.CheckConstraint(
                condition=models.Q(ended_on__gte=models.F("started_on")), name="rsc_dates_in_order"
            ),
            models.CheckConstraint(condition=~models.Q(consultant=models.F("provider")), name="rsc_not_self"),
            *_source_fields("rsc"),
        ]

    def __str__(self) -> str:
        return f"RSC {self.started_on}–{self.ended_on} ({self.hours} h)"

    @property
    def days(self) -> int:
        return (self.ended_on - self.started_on).days + 1

    def clean(self) -> None:
        today = timezone.now().date()
        if self.ended_on and self.ended_on > today:
            raise ValidationError({"ended_on": "RSC cannot end in the future."})
        if self.started_on and self.ended_on and self.started_on > self.ended_on:
            raise ValidationError({"ended_on": "RSC must end on or after the day it started."})
        if self.hours is not None and self.started_on and self.ended_on:
            if self.hours > MAX_HOURS_PER_DAY * self.days:
                raise ValidationError({"hours": "At most 24 hours a day."})


class EducationEntry(models.Model):
    """A degree or certificate program the provider completed (portfolio)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="education_entries")
    degree = models.CharField(max_length=120, help_text="e.g. MSW, MA, BA, certificate.")
    field = models.CharField(max_length=160, help_text="Field of study.")
    institution = models.CharField(max_length=255)
    completed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.degree}, {self.field} ({self.institution})"

    def clean(self) -> None:
        if self.completed_on and self.completed_on > timezone.now().date():
            raise ValidationError(
                {"completed_on": "Give the date the degree was completed (not in the future)."}
            )


class WorkEntry(models.Model):
    """A position the provider held (portfolio); ``ended_on`` empty while current."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="work_entries")
    role = models.CharField(max_length=255)
    employer = models.CharField(max_length=255)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    infant_family_focus = models.TextField(
        max_length=2000, blank=True, help_text="The infant/family work this position involved."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="work_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} at {self.employer}"

    def clean(self) -> None:
        today = timezone.now().date()
        if self.started_on and self.started_on > today:
            raise ValidationError({"started_on": "A position cannot start in the future."})
        if self.ended_on and self.ended_on > today:
            raise ValidationError(
                {"ended_on": "A position cannot end in the future (leave it empty while current)."}
            )
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "A position must end on or after the day it started."})


@dataclass(frozen=True)
class PortfolioKind:
    """One kind of portfolio entry, as data: its table, the fields its owner sets and
    corrects, and the date by which a submitted or approved application counts it
    (``lock_day``: from then on the entry no longer changes; None: never locked)."""

    model: type[models.Model]
    fields: tuple[str, ...]
    lock_day: str | None = None
    related: tuple[str, ...] = ()


PORTFOLIO_KINDS: dict[str, PortfolioKind] = {
    "training": PortfolioKind(
        TrainingEntry,
        ("title", "provider_org", "completed_on", "hours", "domains", "dei", "about_providing_rsc"),
        lock_day="completed_on",
    ),
    "rsc": PortfolioKind(
        RscEntry, ("started_on", "ended_on", "hours", "format"), lock_day="ended_on", related=("consultant",)
    ),
    "education": PortfolioKind(EducationEntry, ("degree", "field", "institution", "completed_on")),
    "work": PortfolioKind(WorkEntry, ("role", "employer", "started_on", "ended_on", "infant_family_focus")),
}


class Application(models.Model):
    """A provider's application for a category (or a renewal of an endorsement).
    ``status`` changes only through services, by conditional update, with a timeline row."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="endorsement_applications")
    kind = models.CharField(max_length=10, choices=ApplicationKind.choices, default=ApplicationKind.INITIAL)
    category = models.CharField(max_length=48, choices=EndorsementCategory.choices)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="applications")
    endorsement = models.ForeignKey(
        Endorsement, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    round = models.PositiveSmallIntegerField(default=0, help_text="Review rounds: +1 on every submit.")
    exam_code = models.CharField(max_length=16, unique=True, help_text="What blind exam scorers see.")
    ethics_attested_at = models.DateTimeField(null=True, blank=True)
    decision_snapshot = models.JSONField(
        default=dict, blank=True, help_text="The requirements as judged at approval; never recomputed."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="application_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_category_display()} · {self.provider.name}"

    @property
    def reference_said_no(self) -> bool:
        """An answered reference does not recommend endorsement (uses the prefetched
        references when there are). For reviewers' and curators' lists, not the applicant's."""
        return any(
            r.answered_at is not None and r.recommendation == Recommendation.NO for r in self.references.all()
        )


class ApplicationEvent(models.Model):
    """The timeline: one row per status change or notable step."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}->{self.to_status} at {self.at:%Y-%m-%d %H:%M}"


class Reference(models.Model):
    """A reference asked to rate the applicant through a single-use, expiring link.
    Only the sha256 of the link's token is stored."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="references")
    name = models.CharField(max_length=255)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    waiver = models.BooleanField(default=False, help_text="The applicant never sees the ratings.")
    answered_at = models.DateTimeField(null=True, blank=True)
    ratings = models.JSONField(default=dict, blank=True)
    recommend = models.BooleanField(null=True, blank=True)
    recommendation = models.CharField(
        max_length=20,
        choices=Recommendation.choices,
        blank=True,
        help_text="The answer in full (blank until answered); ``recommend`` is false only for no.",
    )
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Reference {self.name} for application {self.application_id}"


class ReviewerAssignment(models.Model):
    """A reviewer on an application for one review round, and their decision."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    feedback = models.TextField(blank=True)
    justification = models.TextField(
        blank=True, help_text="Why approve although a reference said no (required then)."
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round", "reviewer"], name="assignment_one_per_reviewer_round"
            )
        ]

    def __str__(self) -> str:
        return f"Reviewer {self.reviewer_id} on {self.application_id} r{self.round}"


class EndorsementTerm(models.Model):
    """The renewal clock of an endorsement this process granted: due each ``due_on``,
    shown until ``due_on + grace`` (the directory's ``expires_on``), then lapsed."""

    endorsement = models.OneToOneField(Endorsement, on_delete=models.CASCADE, related_name="term")
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    first_issued_on = models.DateField()
    due_on = models.DateField()
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Term of endorsement {self.endorsement_id}, due {self.due_on}"

    @property
    def lapses_on(self) -> datetime.date:
        return self.due_on + datetime.timedelta(days=self.rule_set.grace_days)


class DocumentKind(models.TextChoices):
    TRANSCRIPT = "transcript", "Transcript"
    CERTIFICATE = "certificate", "Certificate"
    LICENSE = "license", "License"
    OTHER = "other", "Other"


def document_path(instance: Document, filename: str) -> str:
    # Never the uploader's file name on disk: it is kept in ``original_name`` only.
    return f"endorsement/{instance.provider_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A portfolio document (transcript, certificate). Read by the owner, the reviewers
    assigned to one of the owner's applications, and curators; every read is audited."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="endorsement_documents")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    file = models.FileField(upload_to=document_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class Exam(models.Model):
    """The applicant's exam answers. Scorers see only ``application.exam_code``."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="exam")
    answers = models.TextField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Exam {self.application.exam_code}"


class ExamScore(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exam", "scorer"], name="exam_one_score_per_scorer"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="exam_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.score} for exam {self.exam_id}"
