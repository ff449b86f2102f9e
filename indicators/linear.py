"""What an attacker can prove about withheld counts from the shown ones (pure functions).

Each additive relation of a table (``(total_key, [part keys])``: the parts sum to the
total) becomes a linear equation over the withheld counts once the shown counts are
moved to the right-hand side. ``indicators.suppression`` asks two questions of those
equations:

- exactly: which withheld counts do the equations fix on their own? Row reduction
  (over fractions for a small table, modulo a large prime for a year of thousands of
  cells, where fractions would grow without bound);
- by bounds: with every withheld count >= 1 (and, as a hypothesis, <= 10), which ones
  are squeezed to a single value? Interval propagation, one equation at a time.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

Relation = tuple[str, Sequence[str]]
Equation = tuple[dict[str, Fraction], Fraction]  # sum(coef * withheld) == rhs
Bounds = dict[str, tuple[float, float]]
FloatRow = tuple[list[tuple[str, float]], float]
ModRow = tuple[dict[int, int], int]  # column -> coefficient (mod PRIME), rhs (mod PRIME)

# A Mersenne prime far above any count: a solution modulo PRIME that lies within
# +-PRIME/2 is the integer solution, and inverses exist for every non-zero coefficient.
PRIME = (1 << 61) - 1


# --- Equations ------------------------------------------------------------------------


def signed_keys(total: str, parts: Iterable[str]) -> list[tuple[str, int]]:
    """A relation as ``sum(sign * value) == 0``: the total counts -1, each part +1."""
    return [(total, -1), *((p, 1) for p in parts)]


def _equation(values: Mapping[str, int], relation: Relation, hidden: set[str]) -> Equation:
    """One relation over the withheld counts: shown counts move to the right-hand side;
    a withheld key appearing with opposite signs cancels out."""
    coefs: dict[str, Fraction] = defaultdict(Fraction)
    rhs = Fraction(0)
    for key, sign in signed_keys(*relation):
        if key in hidden:
            coefs[key] += sign
        else:
            rhs -= sign * values[key]
    return {k: c for k, c in coefs.items() if c}, rhs


def relation_equations(
    values: Mapping[str, int], relations: Iterable[Relation], hidden: set[str]
) -> list[Equation]:
    """Each relation that involves a withheld count, as an equation (in order)."""
    equations = (_equation(values, relation, hidden) for relation in relations)
    return [equation for equation in equations if equation[0]]


def derived_equations(
    values: Mapping[str, int], relations: Sequence[Relation], hidden: set[str]
) -> list[Equation]:
    """Each relation as an equation over the withheld counts, plus the rows of its
    reduced echelon form: the linear combinations an attacker would derive (e.g. a
    total minus two sibling totals), which interval propagation alone would miss."""
    rows = relation_equations(values, relations, hidden)
    return rows + reduced(rows, sorted(hidden))


# --- Reduced row echelon form over the rationals ---------------------------------------


def _find_pivot(work: Sequence[Equation], start: int, key: str) -> int | None:
    """The first row from ``start`` on with a non-zero coefficient for ``key``."""
    return next((i for i in range(start, len(work)) if work[i][0].get(key)), None)


def _normalized(row: Equation, key: str) -> Equation:
    """``row`` divided by its coefficient for ``key`` (which becomes 1)."""
    coefs, rhs = row
    lead = coefs[key]
    return {k: c / lead for k, c in coefs.items()}, rhs / lead


def _minus(row: Equation, factor: Fraction, pivot: Equation) -> Equation:
    """``row - factor * pivot``, dropping the coefficients that cancel."""
    merged = defaultdict(Fraction, row[0])
    for k, c in pivot[0].items():
        merged[k] -= factor * c
    return {k: c for k, c in merged.items() if c}, row[1] - factor * pivot[1]


def _eliminate(work: list[Equation], pivot_row: int, key: str) -> None:
    """Clear ``key`` from every row but the pivot row (whose coefficient is 1)."""
    pivot = work[pivot_row]
    for i, row in enumerate(work):
        factor = row[0].get(key) if i != pivot_row else None
        if factor:
            work[i] = _minus(row, factor, pivot)


def reduced(rows: Sequence[Equation], order: Sequence[str]) -> list[Equation]:
    """The non-empty rows of the reduced row echelon form of ``rows``, pivoting on the
    keys in ``order`` (Gauss-Jordan elimination with exact fractions)."""
    work = [(dict(c), r) for c, r in rows]
    pivot_row = 0
    for key in order:
        found = _find_pivot(work, pivot_row, key)
        if found is None:
            continue
        work[pivot_row], work[found] = work[found], work[pivot_row]
        work[pivot_row] = _normalized(work[pivot_row], key)
        _eliminate(work, pivot_row, key)
        pivot_row += 1
    return [row for row in work if row[0]]


# --- Exact solve modulo PRIME ---------------------------------------------------------


def _nonzero(row: dict[int, int]) -> dict[int, int]:
    return {k: c for k, c in row.items() if c}


def _subtract_scaled(target: dict[int, int], factor: int, source: Mapping[int, int]) -> None:
    """``target -= factor * source`` (mod PRIME), in place; zeros are kept (the caller
    drops them once the row is done)."""
    for k, c in source.items():
        target[k] = (target.get(k, 0) - factor * c) % PRIME


def _modular(equation: Equation, index: dict[str, int]) -> ModRow:
    """``equation`` modulo PRIME, each key numbered (in first-seen order) by ``index``."""
    coefs, rhs = equation
    row = {index.setdefault(k, len(index)): int(c) % PRIME for k, c in coefs.items()}
    return row, int(rhs) % PRIME


def _reduce_against(row: dict[int, int], value: int, rows: Mapping[int, ModRow]) -> ModRow:
    """A new row with the pivots already found cleared from it (those rows are reduced,
    so one pass in the row's own key order is enough)."""
    for pivot in [k for k in row if k in rows]:
        factor = row.get(pivot, 0)
        if factor:
            other, other_rhs = rows[pivot]
            _subtract_scaled(row, factor, other)
            value = (value - factor * other_rhs) % PRIME
    return _nonzero(row), value


def _scaled(row: dict[int, int], value: int, pivot: int) -> ModRow:
    """The row divided by its pivot coefficient (times its inverse: Fermat's little
    theorem, PRIME being prime)."""
    inverse = pow(row[pivot], PRIME - 2, PRIME)
    return {k: c * inverse % PRIME for k, c in row.items()}, value * inverse % PRIME


def _clear_column(rows: dict[int, ModRow], pivot: int, new: ModRow) -> None:
    """Clear the new pivot's column from the rows already found, keeping them reduced."""
    row, value = new
    for other_pivot, (other, other_rhs) in list(rows.items()):
        factor = other.get(pivot, 0)
        if factor:
            merged = dict(other)
            _subtract_scaled(merged, factor, row)
            rows[other_pivot] = (_nonzero(merged), (other_rhs - factor * value) % PRIME)


def _signed(value: int) -> int:
    """A residue read back as the integer nearest zero (counts and their differences
    are far below PRIME / 2)."""
    return value - PRIME if value > PRIME // 2 else value


def determined(equations: Iterable[Equation]) -> dict[str, int]:
    """Withheld cells whose value the equations fix exactly, with that value (reduced
    row echelon form modulo a large prime, one equation at a time: a cell is fixed
    when its row holds nothing else)."""
    index: dict[str, int] = {}
    rows: dict[int, ModRow] = {}  # pivot -> (coefs, rhs)
    for equation in equations:
        row, value = _reduce_against(*_modular(equation, index), rows)
        if not row:
            continue
        pivot = min(row)
        new = _scaled(row, value, pivot)
        _clear_column(rows, pivot, new)
        rows[pivot] = new
    names = {i: k for k, i in index.items()}
    return {names[pivot]: _signed(value) for pivot, (row, value) in rows.items() if len(row) == 1}


# --- Bounds propagation ---------------------------------------------------------------


def _low(coef: float, bound: tuple[float, float]) -> float:
    """The least ``coef * x`` for ``x`` within ``bound``."""
    return coef * (bound[0] if coef > 0 else bound[1])


def _high(coef: float, bound: tuple[float, float]) -> float:
    """The greatest ``coef * x`` for ``x`` within ``bound``."""
    return coef * (bound[1] if coef > 0 else bound[0])


def rest_bounds(coefs: Sequence[tuple[str, float]], key: str, bounds: Bounds) -> tuple[float, float]:
    """The least and greatest ``sum(coef * x)`` over every term but ``key``'s."""
    lo = sum(_low(c, bounds[k]) for k, c in coefs if k != key)
    hi = sum(_high(c, bounds[k]) for k, c in coefs if k != key)
    return lo, hi


def _span(coefs: Sequence[tuple[str, float]], bounds: Bounds) -> tuple[float, float]:
    """The least and greatest ``sum(coef * x)`` over every term."""
    return sum(_low(c, bounds[k]) for k, c in coefs), sum(_high(c, bounds[k]) for k, c in coefs)


def _others(
    coefs: Sequence[tuple[str, float]], key: str, coef: float, bounds: Bounds, span: tuple[float, float]
) -> tuple[float, float]:
    """``rest_bounds`` cheaply: the whole span minus ``key``'s own term, unless an
    infinite bound makes that inf - inf (then the others are summed afresh)."""
    bound = bounds[key]
    lo_rest, hi_rest = span[0] - _low(coef, bound), span[1] - _high(coef, bound)
    if math.isnan(lo_rest) or math.isnan(hi_rest):
        return rest_bounds(coefs, key, bounds)
    return lo_rest, hi_rest


def _narrowed(
    coefs: Sequence[tuple[str, float]],
    rhs: float,
    key: str,
    coef: float,
    bounds: Bounds,
    span: tuple[float, float],
) -> tuple[float, float] | None:
    """``key``'s bounds from ``coef * x = rhs - sum(others)``: bound the others' sum,
    then divide, rounding inwards (counts are integers; 1e-9 absorbs float error).
    None when the bounds cross (the hypothesis is contradictory)."""
    lo_k, hi_k = bounds[key]
    lo_rest, hi_rest = _others(coefs, key, coef, bounds, span)
    a, b = (rhs - hi_rest) / coef, (rhs - lo_rest) / coef
    lo, hi = min(a, b), max(a, b)
    new_lo = max(lo_k, math.ceil(lo - 1e-9)) if not math.isinf(lo) else lo_k
    new_hi = min(hi_k, math.floor(hi + 1e-9)) if not math.isinf(hi) else hi_k
    return None if new_lo > new_hi else (new_lo, new_hi)


def _tighten(coefs: Sequence[tuple[str, float]], rhs: float, bounds: Bounds) -> bool | None:
    """One equation's pass: True if some bound tightened, None if contradictory. The
    span is taken once, before the pass (as the bounds were when it started)."""
    span = _span(coefs, bounds)
    changed = False
    for key, coef in coefs:
        new = _narrowed(coefs, rhs, key, coef, bounds, span)
        if new is None:
            return None
        if new != bounds[key]:
            bounds[key] = new
            changed = True
    return changed


def _sweep(rows: Sequence[FloatRow], bounds: Bounds) -> bool | None:
    """Every equation's pass once: True if some bound tightened, None if contradictory."""
    changed = False
    for coefs, rhs in rows:
        result = _tighten(coefs, rhs, bounds)
        if result is None:
            return None
        changed = changed or result
    return changed


def propagate(equations: Sequence[Equation], hidden: set[str], cap: float) -> Bounds | None:
    """Interval propagation: the bounds an attacker can prove for each withheld count,
    or None when the hypothesis (every withheld count <= ``cap``) is inconsistent. The
    number of sweeps is capped: enough for a chain through every withheld count."""
    bounds = {k: (1.0, float(cap)) for k in hidden}
    rows = [([(k, float(c)) for k, c in coefs.items()], float(rhs)) for coefs, rhs in equations]
    for _ in range(2 * len(hidden) + 4):
        changed = _sweep(rows, bounds)
        if changed is None:
            return None
        if not changed:
            break
    return bounds
