"""The true counts of a set of referrals, kept so that they add up: a ``Tally``.

Every figure of ``selectors.period_block`` is computed from a ``Tally``, never from the
rows themselves, so a period's figures are the same whether its tally was built from the
period's rows (``tally_rows``) or added up from the stored tallies of its months
(``merge`` over ``indicators.monthly``). What is not a plain sum is kept exactly:

- medians and 90th percentiles of days: every duration in microseconds with how many
  referrals took exactly that long (a histogram: adding histograms adds the multisets);
- "at least 11 children" behind the medians (distinct children, not additive): up to 11
  child ids per tally; a union of such sets has 11 or more ids exactly when the children
  behind it are 11 or more, and below that it is exact;
- counts that depend on when a period is published (unanswered referrals whose 7-day
  or 45-day clock has run): each unanswered referral's sent time in microseconds, so the
  clock is read at publication;
- unduplicated children: a child counts where its first counted referral of the
  calendar year falls, which the tally of that referral's month records.

Internal only: a tally holds true counts and a few child ids, it is never published.
"""

from __future__ import annotations

import datetime
import heapq
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from referrals.models import DeclineReason, NeedsMet, Outcome, ReferralStatus

CHILDREN_KEPT = 11  # the statistics need "at least 11 children": 11 ids tell that
US = datetime.timedelta(microseconds=1)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
FAMILY_SOURCE = "family"
HISTOGRAMS = ("contact", "appointment", "contact.open", "appointment.open")
CHILD_SETS = ("contact", "appointment")


def micros(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // US


def days(us: int) -> float:
    """Microseconds as days, the float ``selectors`` always computed
    (``timedelta.total_seconds() / 86400``)."""
    return us / 10**6 / 86400


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    hists: dict[str, Counter[int]] = field(default_factory=lambda: {k: Counter() for k in HISTOGRAMS})
    kids: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k in CHILD_SETS})

    def add(self, other: Tally) -> None:
        self.counts.update(other.counts)
        for key, hist in other.hists.items():
            self.hists[key].update(hist)
        for key, ids in other.kids.items():
            self.kids[key] = _capped(self.kids[key] | ids)

    def children(self, key: str) -> int:
        """Distinct children behind ``key``: exact below 11, 11 for "11 or more"."""
        return len(self.kids[key])

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "hists": {k: {str(us): n for us, n in h.items()} for k, h in self.hists.items() if h},
            "kids": {k: sorted(ids) for k, ids in self.kids.items() if ids},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        tally = cls(counts=Counter(data["counts"]))
        for key, hist in data.get("hists", {}).items():
            tally.hists[key] = Counter({int(us): n for us, n in hist.items()})
        for key, ids in data.get("kids", {}).items():
            tally.kids[key] = set(ids)
        return tally


def _capped(ids: set[int]) -> set[int]:
    return ids if len(ids) <= CHILDREN_KEPT else set(heapq.nsmallest(CHILDREN_KEPT, ids))


def merge(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total.add(tally)
    return total


# --- From rows ----------------------------------------------------------------------------


def count_referral(tally: Tally, row: Any, first: bool, age_band: str) -> None:
    """Add one counted referral (a ``selectors.ReferralRow``); ``first``: the child's first
    counted referral of the calendar year, ``age_band`` the child's band at it."""
    c = tally.counts
    c["referrals"] += 1
    if first:
        c["children"] += 1
        c[f"children.age.{age_band}"] += 1
        c[f"children.concern.{row.concern_type}"] += 1
    c[f"sources.{row.from_discipline or FAMILY_SOURCE}"] += 1
    if row.status == ReferralStatus.COMPLETED and row.outcome == Outcome.CONNECTED:
        c["connected"] += 1
    _count_contact(tally, row)
    _count_appointment(tally, row)
    if row.status == ReferralStatus.DECLINED:
        c["declines"] += 1
        c[f"declines.{row.to_discipline}.{row.decline_reason or DeclineReason.OTHER}"] += 1
    if row.status == ReferralStatus.COMPLETED:
        _count_completed(c, row)


def _count_contact(tally: Tally, row: Any) -> None:
    if row.responded_at is None:
        tally.hists["contact.open"][micros(row.sent_at)] += 1
        return
    tally.counts["contact.answered"] += 1
    tally.hists["contact"][(row.responded_at - row.sent_at) // US] += 1
    tally.kids["contact"] = _capped(tally.kids["contact"] | {row.child_id})


def _count_appointment(tally: Tally, row: Any) -> None:
    if row.status == ReferralStatus.DECLINED:
        return
    if row.appointment_at is None:
        tally.hists["appointment.open"][micros(row.sent_at)] += 1
        return
    tally.counts["appointment.booked"] += 1
    tally.hists["appointment"][(row.appointment_at - row.sent_at) // US] += 1
    tally.kids["appointment"] = _capped(tally.kids["appointment"] | {row.child_id})


def _count_completed(c: Counter[str], row: Any) -> None:
    c["completed"] += 1
    c[f"needs.{row.needs_met or NeedsMet.UNKNOWN}"] += 1
    if row.family_needs_met:
        c["needs.family"] += 1
        c[f"needs.family.{row.family_needs_met}"] += 1
    if row.barriers:
        c["barriers"] += 1
    for code in set(row.barriers):
        c[f"barriers.of.{code}"] += 1
    if row.family_barriers:
        c["barriers.family"] += 1
    for code in set(row.family_barriers):
        c[f"barriers.family.of.{code}"] += 1


def count_screening(tally: Tally, instrument: str, band: str) -> None:
    tally.counts["screenings"] += 1
    tally.counts[f"screenings.{instrument}"] += 1
    tally.counts[f"screenings.{instrument}.{band}"] += 1


def count_consent(tally: Tally, kind: str) -> None:
    tally.counts[f"consents.{kind}"] += 1


# --- Reading a tally --------------------------------------------------------------------


def within(tally: Tally, key: str, limit: int) -> int:
    """Referrals of histogram ``key`` that took at most ``limit`` days."""
    return sum(n for us, n in tally.hists[key].items() if days(us) <= limit)


def due_open(tally: Tally, key: str, now: datetime.datetime, limit: int) -> int:
    """Unanswered (unbooked) referrals whose ``limit``-day clock had run at ``now``."""
    now_us = micros(now)
    return sum(n for sent, n in tally.hists[key].items() if days(now_us - sent) >= limit)


def ordered_days(tally: Tally, key: str) -> list[tuple[float, int]]:
    """The histogram as ``(days, referrals)`` in increasing order."""
    return [(days(us), n) for us, n in sorted(tally.hists[key].items())]


def nth(ordered: list[tuple[float, int]], index: int) -> float:
    """The ``index``-th (0-based) value of the multiset ``ordered``."""
    seen = 0
    for value, n in ordered:
        seen += n
        if index < seen:
            return value
    raise IndexError(index)


def spread_values(ordered: list[tuple[float, int]]) -> tuple[float, float]:
    """Median (as ``statistics.median``) and nearest-rank 90th percentile."""
    n = sum(count for _, count in ordered)
    if n % 2:
        median = nth(ordered, n // 2)
    else:
        median = (nth(ordered, n // 2 - 1) + nth(ordered, n // 2)) / 2
    return median, nth(ordered, max(math.ceil(0.9 * n) - 1, 0))
