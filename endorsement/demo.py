"""Demo endorsement process: two reviewer logins (``reviewer``, ``reviewer2``), the
educator mid-application (Infant Family Specialist, submitted, two of three references
answered, one of them "No") and ``renewing``, a home visitor whose endorsement is due for renewal in three
weeks with part of the year's hours logged; ``reviewer2``'s endorsement revoked by
mistake and verified again with a reason. Idempotent."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone

from directory.demo import DEMO_NS, MICHIGAN_AIMH
from directory.models import Discipline, Endorsement, EndorsementCategory, EndorsementStatus, Provider
from directory.services import endorsement_set_status
from endorsement.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    EducationEntry,
    EndorsementTerm,
    Recommendation,
    Reference,
    RscEntry,
    RuleSet,
    TrainingEntry,
    WorkEntry,
)
from endorsement.services import rules_ensure_default, token_hash
from people.demo import Writer, ensure_user
from people.roles import REVIEWER_GROUP

C = EndorsementCategory
REVIEWERS = {
    "reviewer": ("Dr. Renee Castillo", C.INFANT_MENTAL_HEALTH_MENTOR_CLINICAL, "MI-IMHMC-0101"),
    "reviewer2": ("Dr. Omar Haddad", C.INFANT_MENTAL_HEALTH_SPECIALIST, "MI-IMHS-0202"),
}


def demo_reference_token() -> str:
    """The pending demo reference's link token, derived (not stored) so tests can use it."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{DEMO_NS}:reference".encode(), hashlib.sha256).hexdigest()


def _verified(
    provider: Provider, category: str, credential: str, issued_on: datetime.date, expires_on: datetime.date
) -> Endorsement:
    endorsement, _ = Endorsement.objects.get_or_create(
        provider=provider,
        category=category,
        credential_number=credential,
        defaults={
            "issuing_association": MICHIGAN_AIMH,
            "issued_on": issued_on,
            "expires_on": expires_on,
            "status": EndorsementStatus.VERIFIED,
            "status_changed_at": timezone.now(),
        },
    )
    return endorsement


def _provider(username: str, name: str, discipline: str, password: str) -> tuple[User, Provider]:
    user = ensure_user(username, name, password)
    provider, _ = Provider.objects.get_or_create(
        user=user, defaults={"name": name, "discipline": discipline, "assured_date": timezone.now().date()}
    )
    return user, provider


def _reviewers(world: dict[str, Any]) -> None:
    today = timezone.now().date()
    group, _ = Group.objects.get_or_create(name=REVIEWER_GROUP)
    for username, (name, category, credential) in REVIEWERS.items():
        user, provider = _provider(username, name, Discipline.MENTAL_HEALTH_CLINICIAN, world["password"])
        user.groups.add(group)
        _verified(
            provider,
            category,
            credential,
            today - datetime.timedelta(days=900),
            today + datetime.timedelta(days=400),
        )
        world["users"][username] = user
        world["providers"][username] = provider


def _mid_application(world: dict[str, Any]) -> Application:
    today = timezone.now().date()
    educator = world["providers"]["educator"]
    consultant = world["providers"]["imh_clinician"]
    if not TrainingEntry.objects.filter(provider=educator).exists():
        for i, (title, hours) in enumerate(
            [
                ("Infant mental health foundations", 12),
                ("Reflective practice", 10),
                ("Culture and families", 9),
            ]
        ):
            TrainingEntry.objects.create(
                provider=educator,
                title=title,
                provider_org=MICHIGAN_AIMH,
                completed_on=today - datetime.timedelta(days=60 + 30 * i),
                hours=Decimal(hours),
                domains=["theoretical_foundations", "reflection"],
                dei=i == 2,
            )
        RscEntry.objects.create(
            provider=educator,
            consultant=consultant,
            started_on=today - datetime.timedelta(days=400),
            ended_on=today - datetime.timedelta(days=20),
            hours=Decimal(26),
            format="individual",
        )
    EducationEntry.objects.get_or_create(
        provider=educator,
        degree="BA",
        field="Early childhood education",
        defaults={"institution": "Wayne State University", "completed_on": datetime.date(2014, 5, 10)},
    )
    WorkEntry.objects.get_or_create(
        provider=educator,
        role="Early Head Start home visitor",
        employer="Detroit Family Services",
        defaults={
            "started_on": datetime.date(2018, 9, 1),
            "infant_family_focus": "Weekly home visits with families of infants and toddlers; "
            "reflective supervision every two weeks.",
        },
    )
    rule_set = RuleSet.objects.filter(category=C.INFANT_FAMILY_SPECIALIST).order_by("-version").first()
    assert rule_set is not None, "migration 0002 loads the default rules"
    application, created = Application.objects.get_or_create(
        provider=educator,
        category=C.INFANT_FAMILY_SPECIALIST,
        exam_code="EX-DEMO0001",
        defaults={
            "rule_set": rule_set,
            "status": ApplicationStatus.SUBMITTED,
            "round": 1,
            "submitted_at": timezone.now(),
            "ethics_attested_at": timezone.now(),
        },
    )
    if created:
        ApplicationEvent.objects.create(application=application, from_status="", to_status="draft")
        ApplicationEvent.objects.create(application=application, from_status="draft", to_status="submitted")
        expires = timezone.now() + datetime.timedelta(days=30)
        # One reference says "No": reviewers see it flagged, and approving needs a justification.
        answers = [
            ("Pat Supervisor", Recommendation.YES, "Reflective, warm and steady with families."),
            (
                "Robin Colleague",
                Recommendation.NO,
                "Missed several reflective supervision sessions this year; not ready yet.",
            ),
        ]
        for i, (name, recommendation, comments) in enumerate(answers):
            Reference.objects.create(
                application=application,
                name=name,
                email=f"reference{i}@demo.invalid",
                token_hash=token_hash(f"demo-answered-{i}"),
                expires_at=expires,
                answered_at=timezone.now(),
                ratings={"reflection": 5 - 2 * i, "working_with_others": 4},
                recommend=recommendation != Recommendation.NO,
                recommendation=recommendation,
                comments=comments,
            )
        Reference.objects.create(
            application=application,
            name="Kim Director",
            email="reference2@demo.invalid",
            token_hash=token_hash(demo_reference_token()),
            expires_at=expires,
            waiver=True,
        )
    return application


def _due_for_renewal(world: dict[str, Any]) -> Endorsement:
    today = timezone.now().date()
    _, provider = _provider("renewing", "Taylor Brooks", Discipline.HOME_VISITOR, world["password"])
    rule_set = RuleSet.objects.filter(category=C.INFANT_FAMILY_SPECIALIST).order_by("-version").first()
    assert rule_set is not None
    due_on = today + datetime.timedelta(days=21)
    endorsement = _verified(
        provider,
        C.INFANT_FAMILY_SPECIALIST,
        "MI-IFS-E000900",
        due_on - datetime.timedelta(days=2 * 365),
        due_on + datetime.timedelta(days=rule_set.grace_days),
    )
    EndorsementTerm.objects.get_or_create(
        endorsement=endorsement,
        defaults={"rule_set": rule_set, "first_issued_on": endorsement.issued_on, "due_on": due_on},
    )
    if not TrainingEntry.objects.filter(provider=provider).exists():
        TrainingEntry.objects.create(
            provider=provider,
            title="Home visiting and attachment",
            completed_on=today - datetime.timedelta(days=90),
            hours=Decimal(8),
            domains=["direct_service_skills"],
        )
        RscEntry.objects.create(
            provider=provider,
            consultant=world["providers"]["imh_clinician"],
            started_on=today - datetime.timedelta(days=200),
            ended_on=today - datetime.timedelta(days=10),
            hours=Decimal(7),
        )
    world["users"]["renewing"] = provider.user
    world["providers"]["renewing"] = provider
    return endorsement


def _reverified(world: dict[str, Any]) -> None:
    """Dr. Omar Haddad's endorsement was revoked by mistake and verified again, with the
    curator's reason in its history (the curation page's "revoked" and "verified" tabs).
    Recorded once: never again over what a curator did since."""
    endorsement = Endorsement.objects.filter(credential_number=REVIEWERS["reviewer2"][2]).first()
    curator = world["users"].get("curator")
    if endorsement is None or curator is None or endorsement.reviews.exists():
        return  # done already, or a curator has acted on it: leave their record alone
    endorsement_set_status(
        actor=curator,
        endorsement_id=endorsement.pk,
        status=EndorsementStatus.REVOKED,
        note="Membership lapsed in the association's records.",
    )
    endorsement_set_status(
        actor=curator,
        endorsement_id=endorsement.pk,
        status=EndorsementStatus.VERIFIED,
        note="The association confirmed the lapse was its clerical error (call with MI-AIMH).",
        confirmed=True,
    )


def seed(world: dict[str, Any], stdout: Writer) -> None:
    rules_ensure_default()
    _reviewers(world)
    _reverified(world)
    application = _mid_application(world)
    renewal = _due_for_renewal(world)
    world["endorsement"] = {
        "application": application,
        "reference_token": demo_reference_token(),
        "renewal_endorsement": renewal,
        "education": EducationEntry.objects.filter(provider=application.provider).first(),
        "work": WorkEntry.objects.filter(provider=application.provider).first(),
        "training": TrainingEntry.objects.filter(provider=application.provider).first(),
        "rsc": RscEntry.objects.filter(provider=application.provider).first(),
    }
    stdout.write(
        "endorsement: reviewers 'reviewer' and 'reviewer2', an application in progress (a reference "
        "said No), a renewal due, a revoked endorsement verified again with a reason"
    )
