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
from collections.abc import Callable, Iterable, Mapping, Sequence
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


def _rest(
    coefs: list[tuple[str, float]], key: str, bounds: dict[str, tuple[float, float]]
) -> tuple[float, float]:
    lo = sum(c * (bounds[k][0] if c > 0 else bounds[k][1]) for k, c in coefs if k != key)
    hi = sum(c * (bounds[k][1] if c > 0 else bounds[k][0]) for k, c in coefs if k != key)
    return lo, hi


def _tighten(
    coefs: list[tuple[str, float]], rhs: float, bounds: dict[str, tuple[float, float]]
) -> bool | None:
    """One equation's pass: True if some bound tightened, None if contradictory."""
    lo_all = sum(c * (bounds[k][0] if c > 0 else bounds[k][1]) for k, c in coefs)
    hi_all = sum(c * (bounds[k][1] if c > 0 else bounds[k][0]) for k, c in coefs)
    changed = False
    for key, coef in coefs:
        lo_k, hi_k = bounds[key]
        # coef * x = rhs - sum(others): bound the others' sum, then divide.
        lo_rest, hi_rest = (
            lo_all - coef * (lo_k if coef > 0 else hi_k),
            hi_all - coef * (hi_k if coef > 0 else lo_k),
        )
        if math.isnan(lo_rest) or math.isnan(hi_rest):  # inf - inf: sum the others afresh
            lo_rest, hi_rest = _rest(coefs, key, bounds)
        a, b = (rhs - hi_rest) / coef, (rhs - lo_rest) / coef
        lo, hi = min(a, b), max(a, b)
        new_lo = max(lo_k, math.ceil(lo - 1e-9)) if not math.isinf(lo) else lo_k
        new_hi = min(hi_k, math.floor(hi + 1e-9)) if not math.isinf(hi) else hi_k
        if new_lo > new_hi:
            return None
        if (new_lo, new_hi) != (lo_k, hi_k):
            bounds[key] = (new_lo, new_hi)
            changed = True
    return changed


def _propagate(
    equations: Sequence[Equation], hidden: set[str], cap: float
) -> dict[str, tuple[float, float]] | None:
    """Interval propagation: the bounds an attacker can prove for each withheld count,
    or None when the hypothesis (every withheld count <= ``cap``) is inconsistent."""
    bounds = {k: (1.0, float(cap)) for k in hidden}
    rows = [([(k, float(c)) for k, c in coefs.items()], float(rhs)) for coefs, rhs in equations]
    for _ in range(2 * len(hidden) + 4):
        changed = False
        for coefs, rhs in rows:
            result = _tighten(coefs, rhs, bounds)
            if result is None:
                return None
            changed = changed or result
        if not changed:
            break
    return bounds


def recoverable(values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str]) -> set[str]:
    """Withheld keys whose true value the attacker pins exactly."""
    equations = _equations(values, relations, hidden)
    pinned: set[str] = set()
    for cap in (THRESHOLD - 1, math.inf):
        bounds = _propagate(equations, hidden, cap)
        if bounds is None:
            continue
        pinned |= {k for k in hidden if bounds[k][0] == bounds[k][1] == values[k]}
    return pinned


def _next_to_hide(
    values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str], pinned: set[str]
) -> str | None:
    """The smallest shown non-zero count in a relation of a pinned cell; when those hold
    none (the cell was pinned through a chain of relations), widen the search one
    relation at a time along withheld cells."""
    reach, seen = set(pinned), -1
    while len(reach) != seen:
        seen = len(reach)
        near = [[total, *parts] for total, parts in relations if reach & {total, *parts}]
        candidates = [(values[k], k) for keys in near for k in keys if k not in hidden and values[k] > 0]
        if candidates:
            return min(candidates)[1]
        reach |= {k for keys in near for k in keys}
    return None


def _components(values: Mapping[str, int], relations: list[Relation]) -> list[list[Relation]]:
    """Relations grouped by shared cells: each group is suppressed on its own."""
    parent = {k: k for k in values}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for total, parts in relations:
        for part in parts:
            parent[root(part)] = root(total)
    groups: dict[str, list[Relation]] = defaultdict(list)
    for relation in relations:
        groups[root(relation[0])].append(relation)
    return list(groups.values())


def suppress(values: Mapping[str, int], relations: Iterable[Relation]) -> set[str]:
    """The keys to withhold: every 1-10 count, plus complements until nothing withheld
    can be recovered (or nothing more can be withheld)."""
    hidden = {k for k, v in values.items() if is_small(v)}
    for group in _components(values, [(total, list(parts)) for total, parts in relations]):
        keys = {k for total, parts in group for k in (total, *parts)}
        mine = hidden & keys
        while mine:
            pinned = recoverable(values, group, mine)
            extra = _next_to_hide(values, group, mine, pinned) if pinned else None
            if extra is None:
                break
            mine.add(extra)
        hidden |= mine
    return hidden


def publish(value: int, hidden: bool) -> int | str:
    return SUPPRESSED if hidden else value


# --- Across periods and populations ---------------------------------------------------


def _pinned_in(values: Mapping[str, int], keys: Sequence[tuple[str, int]], hidden: set[str]) -> bool:
    """Whether one relation (``sum(sign * value) == 0``) pins a withheld cell on its
    own: an attacker moves the shown cells to one side and bounds each withheld one by
    the others (each >= 1; once with each <= 10, once without an upper limit)."""
    unknown = [(k, sign) for k, sign in keys if k in hidden]
    if not unknown:
        return False
    if len(unknown) == 1:
        return True
    rhs = -sum(sign * values[k] for k, sign in keys if k not in hidden)
    for cap in (THRESHOLD - 1, math.inf):
        bounds = {k: (1.0, float(cap)) for k, _ in unknown}
        for key, sign in unknown:
            lo_rest = sum(s * (bounds[k][0] if s > 0 else bounds[k][1]) for k, s in unknown if k != key)
            hi_rest = sum(s * (bounds[k][1] if s > 0 else bounds[k][0]) for k, s in unknown if k != key)
            a, b = (rhs - hi_rest) / sign, (rhs - lo_rest) / sign
            lo, hi = max(min(a, b), 1.0), min(max(a, b), float(cap))
            if lo == hi == values[key]:
                return True
    return False


def suppress_linked(
    values: Mapping[str, int],
    relations: Sequence[Relation],
    *,
    virtual: set[str],
    fixed: Mapping[str, bool],
) -> set[str]:
    """Withheld keys for a whole year of periods and populations at once (thousands of
    cells, so relation by relation rather than ``suppress``'s exact search):

    - every count from 1 to 10 is withheld (primary);
    - while a relation (parts add up to a total: breakdowns, months to their quarter,
      quarters to their year, populations to the network) pins a withheld cell on its
      own (one withheld cell in it, or withheld cells that can only be 1 each, or only 10
      each), its smallest shown non-zero cell that may still be withheld is withheld too.

    ``virtual`` cells are never published (what is left when the populations are taken
    from the network: e.g. providers without a location): withheld while 1-10, never
    chosen as a complement. ``fixed`` cells were published earlier (True: withheld) and
    keep their state. Tested from the outside by ``tests/indicators/test_differencing.py``.
    """
    hidden = {k for k, v in values.items() if is_small(v) and k not in fixed}
    hidden |= {k for k, h in fixed.items() if h}
    signed = [[(total, -1), *((p, 1) for p in parts)] for total, parts in relations]
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, keys in enumerate(signed):
        for k, _ in keys:
            by_key[k].append(i)

    def eligible(k: str) -> bool:
        return k not in hidden and k not in virtual and k not in fixed and values[k] > 0

    def one_by_one(queue: list[int]) -> None:
        queued = set(queue)
        while queue:
            i = queue.pop()
            queued.discard(i)
            keys = signed[i]
            if not _pinned_in(values, keys, hidden):
                continue
            candidates = [(values[k], k) for k, _ in keys if eligible(k)]
            if not candidates:
                continue  # nothing left to withhold here (published before): see the docs
            extra = min(candidates)[1]
            hidden.add(extra)
            for j in [*by_key[extra], i]:
                if j not in queued:
                    queued.add(j)
                    queue.append(j)

    one_by_one(list(range(len(signed))))
    # Then the relations together: bounds carried from one relation to the next (a
    # month's total pins a cell of another month through the quarter's total).
    for _ in range(100):
        pinned = _pinned_together(values, relations, hidden)
        added = []
        for cell in sorted(pinned):
            extra = _nearest(relations, by_key, signed, cell, eligible, values)
            if extra is not None:
                hidden.add(extra)
                added.append(extra)
        if not added:
            break
        one_by_one(sorted({j for k in added for j in by_key[k]}))
    return hidden


def _pinned_together(values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str]) -> set[str]:
    """Withheld cells pinned by interval propagation over all the relations (each
    withheld >= 1; once with each <= 10, once without an upper limit)."""
    equations: list[Equation] = []
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
            equations.append((coefs, rhs))
    involved = {k for coefs, _ in equations for k in coefs}
    pinned = {k for k, v in _determined(equations).items() if v == values[k]}
    for cap in (THRESHOLD - 1, math.inf):
        bounds = _propagate(equations, involved, cap)
        if bounds is not None:
            pinned |= {k for k in involved if bounds[k][0] == bounds[k][1] == values[k]}
    return pinned


def _nearest(
    relations: Sequence[Relation],
    by_key: Mapping[str, list[int]],
    signed: Sequence[Sequence[tuple[str, int]]],
    cell: str,
    eligible: Callable[[str], bool],
    values: Mapping[str, int],
) -> str | None:
    """The smallest cell that may be withheld in a relation of ``cell``; if none, one
    relation further out, and so on."""
    reach, seen = {cell}, -1
    while len(reach) != seen:
        seen = len(reach)
        near = {i for k in reach for i in by_key.get(k, [])}
        candidates = [(values[k], k) for i in near for k, _ in signed[i] if eligible(k)]
        if candidates:
            return min(candidates)[1]
        reach |= {k for i in near for k, _ in signed[i]}
    return None


PRIME = (1 << 61) - 1


def _determined(equations: Sequence[Equation]) -> dict[str, int]:
    """Withheld cells whose value the equations fix exactly, with that value (reduced
    row echelon form modulo a large prime: a cell is fixed when its row holds nothing
    else)."""
    index: dict[str, int] = {}
    rows: dict[int, tuple[dict[int, int], int]] = {}  # pivot -> (coefs, rhs)
    for coefs, rhs in equations:
        row = {index.setdefault(k, len(index)): int(c) % PRIME for k, c in coefs.items()}
        value = int(rhs) % PRIME
        for pivot in [k for k in row if k in rows]:
            factor = row.get(pivot, 0)
            if factor:
                other, other_rhs = rows[pivot]
                for k, c in other.items():
                    row[k] = (row.get(k, 0) - factor * c) % PRIME
                value = (value - factor * other_rhs) % PRIME
        row = {k: c for k, c in row.items() if c}
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {k: c * inverse % PRIME for k, c in row.items()}
        value = value * inverse % PRIME
        for other_pivot, (other, other_rhs) in list(rows.items()):
            factor = other.get(pivot, 0)
            if factor:
                merged = dict(other)
                for k, c in row.items():
                    merged[k] = (merged.get(k, 0) - factor * c) % PRIME
                rows[other_pivot] = (
                    {k: c for k, c in merged.items() if c},
                    (other_rhs - factor * value) % PRIME,
                )
        rows[pivot] = (row, value)
    names = {i: k for k, i in index.items()}
    return {
        names[pivot]: value - PRIME if value > PRIME // 2 else value
        for pivot, (row, value) in rows.items()
        if len(row) == 1
    }
