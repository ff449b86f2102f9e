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

from indicators.linear import (
    Equation,
    Relation,
    derived_equations,
    determined,
    propagate,
    relation_equations,
    rest_bounds,
    signed_keys,
)

SUPPRESSED = "<11"
THRESHOLD = 11

SignedKeys = Sequence[tuple[str, int]]


def is_small(value: int) -> bool:
    return 1 <= value < THRESHOLD


def _pinned_by_bounds(values: Mapping[str, int], equations: Sequence[Equation], cells: set[str]) -> set[str]:
    """``cells`` whose proven bounds close on their true value: once under the
    hypothesis that every withheld count is 1-10, once with no upper limit (a
    contradictory hypothesis proves nothing)."""
    pinned: set[str] = set()
    for cap in (THRESHOLD - 1, math.inf):
        bounds = propagate(equations, cells, cap)
        if bounds is not None:
            pinned |= {k for k in cells if bounds[k][0] == bounds[k][1] == values[k]}
    return pinned


def recoverable(values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str]) -> set[str]:
    """Withheld keys whose true value the attacker pins exactly."""
    return _pinned_by_bounds(values, derived_equations(values, relations, hidden), hidden)


def _smallest_near(
    values: Mapping[str, int],
    start: set[str],
    near: Callable[[set[str]], Iterable[Sequence[str]]],
    eligible: Callable[[str], bool],
) -> str | None:
    """The smallest eligible cell of the relations (``near``) that touch ``start``; if
    none, the search widens to every cell of those relations, one relation further out
    each round, until it reaches nothing new."""
    reach, seen = set(start), -1
    while len(reach) != seen:
        seen = len(reach)
        keys = [k for relation in near(reach) for k in relation]
        candidates = [(values[k], k) for k in keys if eligible(k)]
        if candidates:
            return min(candidates)[1]
        reach |= set(keys)
    return None


def _next_to_hide(
    values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str], pinned: set[str]
) -> str | None:
    """The smallest shown non-zero count in a relation of a pinned cell; when those hold
    none (the cell was pinned through a chain of relations), widen the search one
    relation at a time along withheld cells."""

    def near(reach: set[str]) -> list[list[str]]:
        return [[total, *parts] for total, parts in relations if reach & {total, *parts}]

    def shown(k: str) -> bool:
        return k not in hidden and values[k] > 0

    return _smallest_near(values, pinned, near, shown)


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


def _complete(values: Mapping[str, int], group: Sequence[Relation], mine: set[str]) -> set[str]:
    """One group's withheld cells (``mine``, grown in place) plus complements, one at a
    time, until nothing withheld is recoverable or nothing more can be withheld."""
    while mine:
        pinned = recoverable(values, group, mine)
        extra = _next_to_hide(values, group, mine, pinned) if pinned else None
        if extra is None:
            break
        mine.add(extra)
    return mine


def suppress(values: Mapping[str, int], relations: Iterable[Relation]) -> set[str]:
    """The keys to withhold: every 1-10 count, plus complements until nothing withheld
    can be recovered (or nothing more can be withheld)."""
    hidden = {k for k, v in values.items() if is_small(v)}
    for group in _components(values, [(total, list(parts)) for total, parts in relations]):
        keys = {k for total, parts in group for k in (total, *parts)}
        hidden |= _complete(values, group, hidden & keys)
    return hidden


def publish(value: int, hidden: bool) -> int | str:
    return SUPPRESSED if hidden else value


# --- Across periods and populations ---------------------------------------------------


def _closes_on_truth(values: Mapping[str, int], unknown: SignedKeys, rhs: int, cap: float) -> bool:
    """Whether, with every withheld cell of the relation between 1 and ``cap``, the
    bounds the others put on one of them leave only its true value."""
    bounds = {k: (1.0, float(cap)) for k, _ in unknown}
    for key, sign in unknown:
        lo_rest, hi_rest = rest_bounds(unknown, key, bounds)
        a, b = (rhs - hi_rest) / sign, (rhs - lo_rest) / sign
        lo, hi = max(min(a, b), 1.0), min(max(a, b), float(cap))
        if lo == hi == values[key]:
            return True
    return False


def _pinned_in(values: Mapping[str, int], keys: SignedKeys, hidden: set[str]) -> bool:
    """Whether one relation (``sum(sign * value) == 0``) pins a withheld cell on its
    own: an attacker moves the shown cells to one side and bounds each withheld one by
    the others (each >= 1; once with each <= 10, once without an upper limit)."""
    unknown = [(k, sign) for k, sign in keys if k in hidden]
    if len(unknown) <= 1:
        return bool(unknown)  # none withheld: nothing to pin; a single one: pinned
    rhs = -sum(sign * values[k] for k, sign in keys if k not in hidden)
    return any(_closes_on_truth(values, unknown, rhs, cap) for cap in (THRESHOLD - 1, math.inf))


def _pinned_together(values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str]) -> set[str]:
    """Withheld cells pinned by the relations together: fixed exactly by the equations
    (``linear.determined``), or by interval propagation over all of them (each withheld
    >= 1; once with each <= 10, once without an upper limit)."""
    equations = relation_equations(values, relations, hidden)
    involved = {k for coefs, _ in equations for k in coefs}
    pinned = {k for k, v in determined(equations).items() if v == values[k]}
    return pinned | _pinned_by_bounds(values, equations, involved)


class _Linked:
    """The state of ``suppress_linked``: the withheld set (grown in place) and the
    relations as signed keys, indexed by cell."""

    def __init__(
        self,
        values: Mapping[str, int],
        relations: Sequence[Relation],
        virtual: set[str],
        fixed: Mapping[str, bool],
    ) -> None:
        self.values = values
        self.relations = relations
        self.virtual = virtual
        self.fixed = fixed
        self.hidden = {k for k, v in values.items() if is_small(v) and k not in fixed}
        self.hidden |= {k for k, h in fixed.items() if h}
        self.signed = [signed_keys(total, parts) for total, parts in relations]
        self.by_key: dict[str, list[int]] = defaultdict(list)
        for i, keys in enumerate(self.signed):
            for k, _ in keys:
                self.by_key[k].append(i)

    def eligible(self, k: str) -> bool:
        """May ``k`` be chosen as a complement (shown, published, not fixed, non-zero)?"""
        return k not in self.hidden and k not in self.virtual and k not in self.fixed and self.values[k] > 0

    def _complement(self, keys: SignedKeys) -> str | None:
        """The cell to withhold for one relation: its smallest eligible cell if the
        relation pins a withheld one on its own, else None (also when nothing is left to
        withhold there, published before: see the docs)."""
        if not _pinned_in(self.values, keys, self.hidden):
            return None
        candidates = [(self.values[k], k) for k, _ in keys if self.eligible(k)]
        return min(candidates)[1] if candidates else None

    def one_by_one(self, queue: list[int]) -> None:
        """Relation by relation from ``queue`` (a stack), until none pins a withheld cell
        on its own; a new complement requeues its relations and the current one."""
        queued = set(queue)
        while queue:
            i = queue.pop()
            queued.discard(i)
            extra = self._complement(self.signed[i])
            if extra is None:
                continue
            self.hidden.add(extra)
            for j in [*self.by_key[extra], i]:
                if j not in queued:
                    queued.add(j)
                    queue.append(j)

    def _nearest(self, cell: str) -> str | None:
        """The smallest cell that may be withheld in a relation of ``cell``; if none, one
        relation further out, and so on."""

        def near(reach: set[str]) -> list[list[str]]:
            indices = {i for k in reach for i in self.by_key.get(k, [])}
            return [[k for k, _ in self.signed[i]] for i in indices]

        return _smallest_near(self.values, {cell}, near, self.eligible)

    def together(self) -> list[str]:
        """One round of the joint solve: a complement near each cell the relations pin
        together (in key order); returns the cells withheld."""
        added = []
        for cell in sorted(_pinned_together(self.values, self.relations, self.hidden)):
            extra = self._nearest(cell)
            if extra is not None:
                self.hidden.add(extra)
                added.append(extra)
        return added


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
    state = _Linked(values, relations, virtual, fixed)
    state.one_by_one(list(range(len(state.signed))))
    # Then the relations together: bounds carried from one relation to the next (a
    # month's total pins a cell of another month through the quarter's total).
    for _ in range(100):
        added = state.together()
        if not added:
            break
        state.one_by_one(sorted({j for k in added for j in state.by_key[k]}))
    return state.hidden
