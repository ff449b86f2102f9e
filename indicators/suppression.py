"""Small-cell suppression for published counts (pure functions, no database).

A table is a set of named counts (``values``) and the additive relations that hold
between them (``relations``: ``(total_key, [part keys])`` meaning the parts sum to the
total). Publishing rules:

- primary suppression: every count from 1 to 10 is withheld (shown as ``"<11"``);
- complementary suppression: while some withheld count could be worked out from what
  is shown (an attacker solving the relations with every withheld count >= 1, and with
  the hypothesis that each withheld count is 1-10), withhold the smallest shown, non-zero
  count of a relation that contains it (a sibling or the total).

Zeros are shown: withholding a zero as ``"<11"`` would claim 1-10. A complementary
cell may hold more than 10; it still reads ``"<11"`` (the marker means "withheld"),
which ``docs/indicators.md`` explains.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

SUPPRESSED = "<11"
THRESHOLD = 11

Relation = tuple[str, Sequence[str]]


def is_small(value: int) -> bool:
    return 1 <= value < THRESHOLD


Equation = tuple[dict[str, Fraction], Fraction]  # sum(coef * withheld) == rhs


def _equations(values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str]) -> list[Equation]:
    """Each relation as an equation over the withheld counts (shown ones moved right),
    plus the rows of its reduced echelon form: the linear combinations an attacker
    would derive (e.g. a total minus two sibling totals)."""
    rows: list[Equation] = []
    for total, parts in relations:
        coefs: dict[str, Fraction] = defaultdict(Fraction)
        rhs = Fraction(0)
        for key, sign in [(total, -1), *((p, 1) for p in parts)]:
            if key in hidden:
                coefs[key] += sign
            else:
                rhs -= sign * values[key]
        coefs = {k: c for k, c in coefs.items() if c}
        if coefs:
            rows.append((coefs, rhs))
    return rows + _reduced(rows, sorted(hidden))


def _reduced(rows: list[Equation], order: list[str]) -> list[Equation]:
    work = [(dict(c), r) for c, r in rows]
    pivot_row = 0
    for key in order:
        found = next((i for i in range(pivot_row, len(work)) if work[i][0].get(key)), None)
        if found is None:
            continue
        work[pivot_row], work[found] = work[found], work[pivot_row]
        coefs, rhs = work[pivot_row]
        lead = coefs[key]
        coefs, rhs = {k: c / lead for k, c in coefs.items()}, rhs / lead
        work[pivot_row] = (coefs, rhs)
        for i in range(len(work)):
            factor = work[i][0].get(key) if i != pivot_row else None
            if factor:
                merged = defaultdict(Fraction, work[i][0])
                for k, c in coefs.items():
                    merged[k] -= factor * c
                work[i] = ({k: c for k, c in merged.items() if c}, work[i][1] - factor * rhs)
        pivot_row += 1
    return [row for row in work if row[0]]


def _propagate(
    values: Mapping[str, int], equations: Sequence[Equation], hidden: set[str], cap: float
) -> dict[str, tuple[float, float]] | None:
    """Interval propagation: the bounds an attacker can prove for each withheld count,
    or None when the hypothesis (every withheld count <= ``cap``) is inconsistent."""
    bounds = {k: (1.0, float(cap)) for k in hidden}
    for _ in range(2 * len(hidden) + 4):
        changed = False
        for coefs, rhs in equations:
            for key, coef in coefs.items():
                # coef * x = rhs - sum(others): bound the others' sum, then divide.
                lo_rest = sum(
                    c * (bounds[k][0] if c > 0 else bounds[k][1]) for k, c in coefs.items() if k != key
                )
                hi_rest = sum(
                    c * (bounds[k][1] if c > 0 else bounds[k][0]) for k, c in coefs.items() if k != key
                )
                a, b = (float(rhs) - hi_rest) / float(coef), (float(rhs) - lo_rest) / float(coef)
                lo, hi = min(a, b), max(a, b)
                new_lo = max(bounds[key][0], math.ceil(lo - 1e-9) if lo != -math.inf else bounds[key][0])
                new_hi = min(bounds[key][1], math.floor(hi + 1e-9) if hi != math.inf else bounds[key][1])
                if new_lo > new_hi:
                    return None
                if (new_lo, new_hi) != bounds[key]:
                    bounds[key] = (new_lo, new_hi)
                    changed = True
        if not changed:
            break
    return bounds


def recoverable(values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str]) -> set[str]:
    """Withheld keys whose true value the attacker pins exactly."""
    equations = _equations(values, relations, hidden)
    pinned: set[str] = set()
    for cap in (THRESHOLD - 1, math.inf):
        bounds = _propagate(values, equations, hidden, cap)
        if bounds is None:
            continue
        pinned |= {k for k in hidden if bounds[k][0] == bounds[k][1] == values[k]}
    return pinned


def _next_to_hide(
    values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str], pinned: set[str]
) -> str | None:
    candidates: list[tuple[int, str]] = []
    for total, parts in relations:
        keys = [total, *parts]
        if not pinned & set(keys):
            continue
        candidates += [(values[k], k) for k in keys if k not in hidden and values[k] > 0]
    return min(candidates)[1] if candidates else None


def suppress(values: Mapping[str, int], relations: Iterable[Relation]) -> set[str]:
    """The keys to withhold: every 1-10 count, plus complements until nothing withheld
    can be recovered (or nothing more can be withheld)."""
    rels = [(total, list(parts)) for total, parts in relations]
    hidden = {k for k, v in values.items() if is_small(v)}
    while True:
        pinned = recoverable(values, rels, hidden)
        if not pinned:
            return hidden
        extra = _next_to_hide(values, rels, hidden, pinned)
        if extra is None:
            return hidden
        hidden.add(extra)


def publish(value: int, hidden: bool) -> int | str:
    return SUPPRESSED if hidden else value
