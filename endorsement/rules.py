"""The rules engine: pure functions from plain facts (a person's logs in a period) and a
rule list (data from a ``RuleSet``) to each requirement's ``{rule, required, have, met}``.
No database access here, so the property tests can drive it with random logs.

Rule kinds (the JSON format is documented in docs/endorsement.md):
- ``training_hours``: hours of training completed in the period; ``only`` narrows it to
  ``dei`` or ``about_providing_rsc`` trainings; ``only_if_provides_rsc`` makes the rule
  apply only to people who gave RSC in the period.
- ``rsc_hours``: RSC hours received in the period (an entry counts by its end date);
  ``max_group_hours`` (optional) caps the group RSC hours that count toward it
  (individual hours always count in full). Entries from attendance count like typed ones.
- ``rsc_primary_consultant_share``: the share (0–1) of RSC hours from the one consultant
  who gave the most.
- ``references``: references who answered.
- ``ethics_attestation``: 1 once the code of ethics and no-sanctions attestation is signed.
- ``exam``: the exam score (0-100, the mean of the two blind scorers; 0 until both scored);
  ``required`` is the pass mark.
Any rule may carry ``first_year_exempt: true``: in the first term after the endorsement
was first granted it requires nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

from directory.models import EndorsementCategory as C

RULE_KINDS = (
    "training_hours",
    "rsc_hours",
    "rsc_primary_consultant_share",
    "references",
    "ethics_attestation",
    "exam",
)

# The category ladder per track: a reviewer must hold the applied level or higher.
LADDER: dict[str, tuple[str, int]] = {
    C.INFANT_FAMILY_ASSOCIATE: ("imh", 1),
    C.INFANT_FAMILY_SPECIALIST: ("imh", 2),
    C.INFANT_MENTAL_HEALTH_SPECIALIST: ("imh", 3),
    C.INFANT_MENTAL_HEALTH_MENTOR_CLINICAL: ("imh", 4),
    C.INFANT_MENTAL_HEALTH_MENTOR_POLICY: ("imh", 4),
    C.INFANT_MENTAL_HEALTH_MENTOR_RESEARCH: ("imh", 4),
    C.EARLY_CHILDHOOD_FAMILY_ASSOCIATE: ("ecmh", 1),
    C.EARLY_CHILDHOOD_FAMILY_SPECIALIST: ("ecmh", 2),
    C.EARLY_CHILDHOOD_MENTAL_HEALTH_SPECIALIST: ("ecmh", 3),
    C.EARLY_CHILDHOOD_MENTAL_HEALTH_MENTOR: ("ecmh", 4),
}


def at_or_above(held: str, applied: str) -> bool:
    """Whether an endorsement in ``held`` is at the ``applied`` category's level or higher."""
    if held not in LADDER or applied not in LADDER:
        return False
    held_track, held_level = LADDER[held]
    applied_track, applied_level = LADDER[applied]
    return held_track == applied_track and held_level >= applied_level


@dataclass(frozen=True)
class Training:
    completed_on: datetime.date
    hours: Decimal
    dei: bool = False
    about_providing_rsc: bool = False


@dataclass(frozen=True)
class Rsc:
    consultant_id: int
    ended_on: datetime.date
    hours: Decimal
    group: bool = False


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Facts:
    """What the engine knows about one person for one period."""

    period: Period
    training: Sequence[Training] = field(default_factory=tuple)
    rsc: Sequence[Rsc] = field(default_factory=tuple)
    references_answered: int = 0
    ethics_attested: bool = False
    provides_rsc: bool = False
    first_year: bool = False
    exam_score: Decimal = Decimal(0)


class Requirement(TypedDict):
    rule: str
    kind: str
    label: str
    required: float
    have: float
    met: bool
    missing: float


TWO = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _training_have(rule: dict[str, Any], facts: Facts) -> Decimal:
    only = rule.get("only")
    total = Decimal(0)
    for item in facts.training:
        if item.completed_on not in facts.period:
            continue
        if only == "dei" and not item.dei:
            continue
        if only == "about_providing_rsc" and not item.about_providing_rsc:
            continue
        total += item.hours
    return total


def _rsc_in_period(facts: Facts) -> list[Rsc]:
    return [item for item in facts.rsc if item.ended_on in facts.period]


def _rsc_have(rule: dict[str, Any], facts: Facts) -> Decimal:
    items = _rsc_in_period(facts)
    individual = sum((item.hours for item in items if not item.group), Decimal(0))
    group = sum((item.hours for item in items if item.group), Decimal(0))
    cap = rule.get("max_group_hours")
    if cap is not None:
        group = min(group, Decimal(str(cap)))
    return individual + group


def _share_have(rule: dict[str, Any], facts: Facts) -> Decimal:
    by_consultant: dict[int, Decimal] = defaultdict(Decimal)
    for item in _rsc_in_period(facts):
        by_consultant[item.consultant_id] += item.hours
    total = sum(by_consultant.values(), Decimal(0))
    if not total:
        return Decimal(0)
    return max(by_consultant.values()) / total


def _references_have(rule: dict[str, Any], facts: Facts) -> Decimal:
    return Decimal(facts.references_answered)


def _ethics_have(rule: dict[str, Any], facts: Facts) -> Decimal:
    return Decimal(1 if facts.ethics_attested else 0)


def _exam_have(rule: dict[str, Any], facts: Facts) -> Decimal:
    return facts.exam_score


HAVE: dict[str, Callable[[dict[str, Any], Facts], Decimal]] = {
    "training_hours": _training_have,
    "rsc_hours": _rsc_have,
    "rsc_primary_consultant_share": _share_have,
    "references": _references_have,
    "ethics_attestation": _ethics_have,
    "exam": _exam_have,
}


def _required(rule: dict[str, Any], facts: Facts) -> Decimal:
    if rule.get("first_year_exempt") and facts.first_year:
        return Decimal(0)
    if rule.get("only_if_provides_rsc") and not facts.provides_rsc:
        return Decimal(0)
    return Decimal(str(rule["required"]))


def evaluate(rules: Sequence[dict[str, Any]], facts: Facts) -> list[Requirement]:
    """Each rule's required/have/met for ``facts``. A rule met by nothing (required 0,
    e.g. first-year exemption) is reported as met with ``required`` 0."""
    out: list[Requirement] = []
    for rule in rules:
        kind = rule["kind"]
        required = _required(rule, facts)
        have = _q(HAVE[kind](rule, facts))
        met = have >= required
        out.append(
            Requirement(
                rule=rule.get("name", kind),
                kind=kind,
                label=rule.get("label", rule.get("name", kind)),
                required=float(required),
                have=float(have),
                met=met,
                missing=float(max(required - have, Decimal(0))),
            )
        )
    return out


def all_met(requirements: Sequence[Requirement]) -> bool:
    return all(r["met"] for r in requirements)


def missing(requirements: Sequence[Requirement]) -> list[str]:
    """Human-readable shortfalls, e.g. ``"dei_training_hours: 1.0 more"``."""
    return [f"{r['rule']}: {r['missing']:g} more" for r in requirements if not r["met"]]
