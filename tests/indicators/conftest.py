"""A small network with hand-counted history (see the counts in each test).

Current period Q1 2026 (2026-01-01..2026-03-31), previous Q4 2025.
- c0..c11 (12 children; c0-c5 six months old, c6-c11 eighteen months): one referral each
  pediatrician -> IMH clinician (Ann Arbor, MI 48104), sent 2026-03-01 + i days,
  social-emotional, answered after i+1 days, appointment after 20 days (c11: 50 days),
  completed: connected (c11: family declined).
- c12 (30 months): two referrals educator -> SLP (Columbus, OH 43210), both declined:
  2026-03-20 speech/language, no_capacity, answered after 2 days; 2026-03-25
  developmental, out_of_area, answered after 3 days.
- c13: one referral educator -> IMH 2026-03-28, cancelled (never counts).
- previous period: c0 referred 2025-10-01 pediatrician -> IMH, never answered.
- screenings on c0-c2 (ASQ:SE-2 above cutoff), c3 (M-CHAT-R/F high), c4 (EPDS probable
  depression), c5 (ASQ-3 below cutoff).
- consent events: 3 granted and 1 revoked in the current period, 2 granted in Q4 2025.
- providers: pediatrician, educator, IMH (accepting), SLP (not accepting).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest

from cases.models import Case
from consent.models import ConsentEvent
from indicators import rollups
from indicators.params import Filters, Period
from referrals.models import Referral
from referrals.screening import validate_screening
from tests.factories.consent import ConsentFactory
from tests.factories.directory import LocationFactory, ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
PERIOD = Period("quarter", datetime.date(2026, 1, 1))


def at(y: int, m: int, d: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(y, m, d, hour, tzinfo=UTC)


def months_before(moment: datetime.datetime, months: int) -> datetime.date:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return datetime.date(year, month + 1, 15)


@dataclass
class Network:
    providers: dict[str, Any]
    children: list[Any]
    referrals: list[Referral] = field(default_factory=list)

    def filters(self, **kwargs: Any) -> Filters:
        return Filters(period=kwargs.pop("period", PERIOD), **kwargs)


def published_report(filters: Filters, now: datetime.datetime = NOW) -> dict[str, Any]:
    """What a network lead reads once the job has run at ``now`` (a read never publishes)."""
    rollups.refresh_rollups(now)
    return rollups.current_report(filters, now=now)


def referral(child, sender, recipient, sent, **fields) -> Referral:  # type: ignore[no-untyped-def]
    case, _ = Case.objects.get_or_create(child=child)
    return Referral.objects.create(
        case=case,
        child=child,
        from_provider=sender,
        to_provider=recipient,
        created_by=sender.user,
        reason="hand-counted fixture",
        sent_at=sent,
        contact_due_at=sent + datetime.timedelta(days=7),
        appointment_due_at=sent + datetime.timedelta(days=45),
        **fields,
    )


def screening(ref: Referral, data: dict[str, Any]) -> None:
    result = validate_screening({"administered_on": "2026-02-20", **data})
    ref.screenings.create(
        instrument=result.instrument,
        administered_on=result.administered_on,
        inputs=result.inputs,
        result=result.result,
    )


@pytest.fixture
def network(db) -> Network:
    ped = ProviderFactory(discipline="pediatrician")
    edu = ProviderFactory(discipline="early_childhood_educator")
    imh = ProviderFactory(discipline="mental_health_clinician")
    slp = ProviderFactory(discipline="speech_language_pathologist", accepting_new_families=False)
    LocationFactory(provider=imh, city="Ann Arbor", state="MI", zip="48104")
    LocationFactory(provider=slp, city="Columbus", state="OH", zip="43210")
    guardian = GuardianFactory()
    net = Network({"ped": ped, "edu": edu, "imh": imh, "slp": slp}, [])
    for i in range(14):
        sent = at(2026, 3, 1) + datetime.timedelta(days=i)
        age = 6 if i < 6 else 18 if i < 12 else 30
        # Distinct names: siblings born the same day must differ (child_unique_per_family).
        net.children.append(
            ChildFactory(
                family=guardian.family, first_name=f"Child{i}", date_of_birth=months_before(sent, age)
            )
        )
    for i in range(12):
        sent = at(2026, 3, 1) + datetime.timedelta(days=i)
        net.referrals.append(
            referral(
                net.children[i],
                ped,
                imh,
                sent,
                concern_type="social_emotional",
                status="completed",
                outcome="connected" if i < 11 else "family_declined",
                responded_at=sent + datetime.timedelta(days=i + 1),
                appointment_at=sent + datetime.timedelta(days=20 if i < 11 else 50),
                closed_at=sent + datetime.timedelta(days=60),
            )
        )
    c12 = net.children[12]
    referral(
        c12,
        edu,
        slp,
        at(2026, 3, 20),
        concern_type="speech_language",
        status="declined",
        decline_reason="no_capacity",
        responded_at=at(2026, 3, 22),
    )
    referral(
        c12,
        edu,
        slp,
        at(2026, 3, 25),
        concern_type="developmental",
        status="declined",
        decline_reason="out_of_area",
        responded_at=at(2026, 3, 28),
    )
    referral(net.children[13], edu, imh, at(2026, 3, 28), concern_type="behavioral", status="cancelled")
    referral(net.children[0], ped, imh, at(2025, 10, 1), concern_type="developmental", status="sent")
    for ref in net.referrals[:3]:
        screening(ref, {"instrument": "asq_se_2", "interval_months": 18, "total": 90})
    screening(net.referrals[3], {"instrument": "mchat_r_f", "total": 12})
    screening(net.referrals[4], {"instrument": "epds", "total": 15, "item_10": 0})
    screening(
        net.referrals[5],
        {
            "instrument": "asq_3",
            "interval_months": 6,
            "domain_scores": {
                "communication": 5,
                "gross_motor": 60,
                "fine_motor": 60,
                "problem_solving": 60,
                "personal_social": 60,
            },
        },
    )
    consent = ConsentFactory(child=net.children[0], granted_by=guardian, recipient_provider=imh)
    for when, kind in [
        (at(2026, 2, 1), "granted"),
        (at(2026, 2, 2), "granted"),
        (at(2026, 2, 3), "granted"),
        (at(2026, 3, 1), "revoked"),
        (at(2025, 11, 1), "granted"),
        (at(2025, 11, 2), "granted"),
    ]:
        ConsentEvent.objects.create(consent=consent, kind=kind, at=when)
    return net
