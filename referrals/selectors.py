"""Every read in referrals, already limited to what ``actor`` may see, with the joins a
page needs so it costs a constant number of queries whatever it holds."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case
from consent.policies import covered_child_ids, guardian_children_q
from directory import selectors as directory_selectors
from directory.models import Provider
from directory.roles import provider_of
from families.models import Child
from people.roles import Actor
from referral_hub.errors import ApplicationError
from referrals import policies
from referrals.models import Referral, ReferralEvent, ReferralStatus

S = ReferralStatus
BOXES = ("inbox", "outbox")
OUTCOMES_BACK_WINDOW = datetime.timedelta(days=30)


def _scope(actor: Actor, box: str | None = None, *, stubs: bool = False) -> QuerySet[Referral]:
    """Referrals with a permission row for ``actor``; rows where the actor is the
    recipient also need a consent in force right now (revocation and expiry hide them).
    With ``stubs``, every referral addressed to the actor's listing is in as well: the
    ones they may no longer see stay in their lists as stubs (``child_visible`` false).

    Written with ``IN (subquery)`` filters rather than correlated ``EXISTS`` inside an
    ``OR``: PostgreSQL then hashes the permission and consent sets once per query (see
    docs/benchmarks/referrals.md), whatever the size of the inbox."""
    if not actor.is_authenticated:
        return Referral.objects.none()
    permitted = policies.permitted_referral_ids(user_id=actor.pk)
    provider = provider_of(actor)
    if box and provider is None:
        return Referral.objects.none()
    if provider is None:
        return Referral.objects.filter(pk__in=permitted)
    covered = covered_child_ids(provider=provider, purpose="referral", categories=["demographics"])
    if box == "inbox":
        if stubs:
            return Referral.objects.filter(to_provider_id=provider.pk)
        return Referral.objects.filter(to_provider_id=provider.pk, child_id__in=covered, pk__in=permitted)
    if box == "outbox":
        return Referral.objects.filter(from_provider_id=provider.pk, pk__in=permitted)
    if stubs:
        return Referral.objects.filter(Q(pk__in=permitted) | Q(to_provider_id=provider.pk))
    return Referral.objects.filter(pk__in=permitted).filter(
        ~Q(to_provider_id=provider.pk) | Q(child_id__in=covered)
    )


def referral_list(
    *, actor: Actor, box: str | None = None, status: str | None = None, stubs: bool = True
) -> QuerySet[Referral]:
    """The referrals ``actor`` may list; with ``stubs`` (lists people read) also those
    they may no longer see, which ``hydrate`` marks ``child_visible=False``."""
    if box not in (None, "", *BOXES):
        raise ApplicationError(
            "invalid_parameter", "box must be inbox or outbox.", extra={"parameter": "box"}
        )
    statuses: list[str] = []
    if status:
        statuses = [s for s in status.split(",") if s]
        unknown = [s for s in statuses if s not in S.values]
        if unknown:
            raise ApplicationError(
                "invalid_parameter",
                f"status must be among {', '.join(S.values)}.",
                extra={"parameter": "status"},
            )
    qs = _scope(actor, box or None, stubs=stubs)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.select_related("child", "from_provider", "to_provider").order_by("-sent_at", "-id")


def referral_ids(qs: QuerySet[Referral]) -> QuerySet[Any]:
    """The same rows as ids only: paginate this (a narrow sort), then ``hydrate`` the page."""
    return qs.select_related(None).values_list("id", flat=True)


def hydrate(ids: list[int], *, actor: Actor) -> list[Referral]:
    """One query: the page's referrals with their parties, in the order of ``ids``, each
    with ``child_visible`` (the consent gate asked now, in SQL: a referrer whose
    consent ended gets the row as a stub)."""
    rows = (
        Referral.objects.filter(pk__in=ids)
        .select_related("child", "from_provider", "to_provider")
        .annotate(
            child_visible=policies.child_visible(actor), consent_revoked_at=policies.revoked_at_expr(actor)
        )
    )
    by_id = {r.pk: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def referral_detail(*, referral: Referral) -> Referral:
    """The referral with its timeline and screenings (after ``access_referral``)."""
    return (
        Referral.objects.select_related(
            "child", "from_provider__organization", "to_provider__organization", "case"
        )
        .prefetch_related(
            "screenings", Prefetch("events", queryset=ReferralEvent.objects.select_related("actor"))
        )
        .get(pk=referral.pk)
    )


def overdue_q(now: datetime.datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(status__in=[S.SENT, S.RECEIVED], contact_due_at__lt=now) | Q(
        status__in=[S.SENT, S.RECEIVED, S.ACCEPTED], appointment_due_at__lt=now
    )


def needs_action_q(provider_id: int, now: datetime.datetime | None = None) -> Q:
    """Inbox rows waiting for the recipient: answer, schedule, or record the outcome of a
    past appointment."""
    now = now or timezone.now()
    return Q(to_provider_id=provider_id) & (
        Q(status__in=[S.SENT, S.RECEIVED, S.ACCEPTED]) | Q(status=S.SCHEDULED, appointment_at__lt=now)
    )


def referral_counts(*, actor: Actor) -> dict[str, int]:
    """Dashboard counters in one query: ``waiting_for_you`` (inbox needing action),
    ``new`` (unopened), ``overdue`` (either box), ``awaiting_response`` (outbox)."""
    provider = provider_of(actor)
    if provider is None:
        return {"waiting_for_you": 0, "new": 0, "overdue": 0, "awaiting_response": 0}
    now = timezone.now()
    mine = Q(to_provider_id=provider.pk) | Q(from_provider_id=provider.pk)
    return (
        _scope(actor)
        .filter(mine)
        .aggregate(
            waiting_for_you=Count("pk", filter=needs_action_q(provider.pk, now)),
            new=Count("pk", filter=Q(to_provider_id=provider.pk, status=S.SENT)),
            overdue=Count("pk", filter=overdue_q(now)),
            awaiting_response=Count(
                "pk", filter=Q(from_provider_id=provider.pk, status__in=[S.SENT, S.RECEIVED])
            ),
        )
    )


def dashboard(*, actor: Actor, limit: int = 50) -> dict[str, Any]:
    """The provider dashboard's sections (each capped at ``limit`` rows, sorted on ids
    first and hydrated after, so a huge inbox costs a narrow sort, not a wide one)."""
    provider = provider_of(actor)
    provider_id = provider.pk if provider is not None else 0  # not a provider: every section is empty
    now = timezone.now()
    mine = Q(to_provider_id=provider_id) | Q(from_provider_id=provider_id)
    inbox = referral_list(actor=actor, box="inbox", stubs=False)
    outbox = referral_list(actor=actor, box="outbox")

    def top(qs: QuerySet[Referral], n: int = limit) -> list[Referral]:
        return hydrate(list(referral_ids(qs)[:n]), actor=actor)

    return {
        "counts": referral_counts(actor=actor),
        "needs_action": top(inbox.filter(needs_action_q(provider_id, now))),
        "overdue": top(referral_list(actor=actor, stubs=False).filter(mine).filter(overdue_q(now))),
        "awaiting_response": top(outbox.filter(status__in=[S.SENT, S.RECEIVED])),
        # The loop closed: referrals you sent that came back completed (30 days).
        "outcomes_back": top(
            outbox.filter(status=S.COMPLETED, closed_at__gte=now - OUTCOMES_BACK_WINDOW).order_by(
                "-closed_at", "-id"
            ),
            10,
        ),
        "recent_outbox": top(outbox, 10),
        # Stubs included: a referral you may no longer see says so instead of vanishing.
        "recent_inbox": top(referral_list(actor=actor, box="inbox"), 10),
        "now": now,
    }


def case_referrals(*, actor: Actor, case: Case) -> QuerySet[Referral]:
    return (
        referral_list(actor=actor)
        .filter(case_id=case.pk)
        .annotate(child_visible=policies.child_visible(actor))
    )


def consented_children(*, provider: Provider) -> QuerySet[Any]:
    """Children ``provider`` may refer (covered for ``referral``): the new-referral picker."""

    if provider is None:
        return Child.objects.none()
    return Child.objects.filter(pk__in=covered_child_ids(provider=provider, purpose="referral")).order_by(
        "last_name", "first_name", "id"
    )


def can_receive() -> Q:
    """A listing a referral can reach: its account, or one-time links to its e-mail."""
    return Q(user__isnull=False) | ~Q(email="")


def recipient_search(*, q: str, exclude_provider_id: int | None = None, limit: int = 20) -> QuerySet[Any]:
    """Directory providers who can receive referrals (an account, or an e-mail address
    for one-time links: issue 27), found with the directory's words and by part of a
    name (``directory.selectors.provider_pick_condition``). Unlisted partners are
    private to the families who share with them: never found by search."""
    qs = Provider.objects.filter(can_receive(), unlisted=False).select_related("organization")
    q = (q or "").strip()
    if q:
        qs = qs.filter(directory_selectors.provider_pick_condition(q))
    if exclude_provider_id:
        qs = qs.exclude(pk=exclude_provider_id)
    return qs.order_by("name", "id")[:limit]


def covered_recipients(
    *, cover: dict[str, set[int]], exclude_provider_id: int | None = None
) -> QuerySet[Provider]:
    """The providers (with an account, or an e-mail for links) a child's consents cover:
    always offered."""
    qs = Provider.objects.filter(
        Q(pk__in=cover["providers"]) | Q(organization_id__in=cover["organizations"]), can_receive()
    ).select_related("organization")
    if exclude_provider_id:
        qs = qs.exclude(pk=exclude_provider_id)
    return qs.order_by("name", "id")


def portal_referrals(*, actor: Actor) -> QuerySet[Referral]:
    """A guardian's children's referrals (through the permission rows granted at sending),
    of the children the guardian may see now: the permission rows were granted to the
    household at sending, and a court order's ``no_information`` restriction recorded
    since keeps the child, and so its referrals, from that person."""
    return referral_list(actor=actor).filter(guardian_children_q(actor, "child__")).prefetch_related("events")


def case_page_referrals(actor: Actor, case: Case) -> dict[str, Any]:
    """The case page's referrals (a ``cases.extensions.register_case_page_section`` section)."""
    return {"referrals": case_referrals(actor=actor, case=case)}
