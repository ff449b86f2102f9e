"""Small-cell suppression holds against someone who solves for the withheld cells.

Random tables (a list with its total, and a grid with row, column and grand totals)
go through ``suppress``; an attacker then searches every assignment of the withheld
cells consistent with what was published (each withheld cell >= 1; once assuming every
"<11" really is 1-10, once with no upper limit) and reports the cells that take one
value in every solution. It must find none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.suppression import SUPPRESSED, publish, suppress, suppress_linked

Relation = tuple[str, Sequence[str]]

small_or_not = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 40))


def attacker(
    shown: Mapping[str, int | str], relations: Sequence[Relation], cap: int, guess: Mapping[str, int]
) -> set[str]:
    """The withheld cells that take a single value in every assignment consistent with
    the published table (each withheld cell in 1..``cap``): for each withheld cell, search
    for a consistent assignment where it differs from ``guess`` (depth-first, values
    forced by relations with one unknown left, nearest-to-guess values first)."""
    hidden = [k for k, v in shown.items() if v == SUPPRESSED]

    def feasible(assign: dict[str, int]) -> bool:
        changed = True
        while changed:
            changed = False
            for total, parts in relations:
                signed = [(total, -1), *((p, 1) for p in parts)]
                unknown = [(k, s) for k, s in signed if k in hidden and k not in assign]
                known = sum(s * int(assign.get(k, shown[k])) for k, s in signed if (k, s) not in unknown)
                if not unknown:
                    if known != 0:
                        return False
                elif len(unknown) == 1:
                    key, sign = unknown[0]
                    value = -known * sign
                    if not 1 <= value <= cap:
                        return False
                    assign[key] = value
                    changed = True
                else:
                    lo = sum(s * (1 if s == 1 else cap) for _, s in unknown)
                    hi = sum(s * (cap if s == 1 else 1) for _, s in unknown)
                    if not lo <= -known <= hi:
                        return False
        return True

    def search(assign: dict[str, int]) -> bool:
        assign = dict(assign)
        if not feasible(assign):
            return False
        free = [k for k in hidden if k not in assign]
        if not free:
            return True
        key = free[0]
        order = sorted(range(1, cap + 1), key=lambda v: abs(v - guess[key]))
        return any(search({**assign, key: v}) for v in order)

    pinned = set()
    for key in hidden:
        others = [v for v in sorted(range(1, cap + 1), key=lambda v: abs(v - guess[key])) if v != guess[key]]
        if not any(search({key: v}) for v in others):
            pinned.add(key)
    return pinned


def check(values: dict[str, int], relations: list[Relation]) -> None:
    hidden = suppress(values, relations)
    shown = {k: publish(v, k in hidden) for k, v in values.items()}
    assert all(v == 0 or v == SUPPRESSED or v >= 11 for v in shown.values())
    assert all(shown[k] == SUPPRESSED for k, v in values.items() if 1 <= v <= 10)
    # Two readings of "<11": every withheld cell is 1-10, or anything up to the largest
    # count in the table (no cell exceeds the grand total).
    for cap in sorted({10, max(10, *values.values())}):
        if cap < max(values[k] for k in hidden or ["total"]):
            continue  # the truth is outside this reading: it cannot pin the true value
        leaked = attacker(shown, relations, cap, values)
        assert not leaked, f"recovered {leaked} from {shown} (cells <= {cap})"


@settings(max_examples=150, deadline=None)
@given(st.lists(small_or_not, min_size=2, max_size=5))
def test_a_list_and_its_total_never_give_away_a_small_cell(cells):
    values = {f"c{i}": v for i, v in enumerate(cells)}
    values["total"] = sum(cells)
    check(values, [("total", [f"c{i}" for i in range(len(cells))])])


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 3), st.integers(2, 3), st.data())
def test_a_grid_with_margins_never_gives_away_a_small_cell(rows, cols, data):
    grid = [[data.draw(small_or_not) for _ in range(cols)] for _ in range(rows)]
    values = {f"r{r}c{c}": grid[r][c] for r in range(rows) for c in range(cols)}
    relations: list[Relation] = []
    for r in range(rows):
        values[f"row{r}"] = sum(grid[r])
        relations.append((f"row{r}", [f"r{r}c{c}" for c in range(cols)]))
    for c in range(cols):
        values[f"col{c}"] = sum(grid[r][c] for r in range(rows))
        relations.append((f"col{c}", [f"r{r}c{c}" for r in range(rows)]))
    values["total"] = sum(map(sum, grid))
    relations.append(("total", [f"row{r}" for r in range(rows)]))
    relations.append(("total", [f"col{c}" for c in range(cols)]))
    check(values, relations)


def test_a_single_small_cell_takes_its_smallest_sibling_with_it():
    values = {"a": 4, "b": 30, "c": 12, "total": 46}
    assert suppress(values, [("total", ["a", "b", "c"])]) == {"a", "c"}


def test_nothing_small_means_nothing_withheld():
    values = {"a": 0, "b": 30, "c": 12, "total": 42}
    assert suppress(values, [("total", ["a", "b", "c"])]) == set()


def check_linked(values: dict[str, int], relations: list[Relation], fixed: dict[str, bool]) -> None:
    """``suppress_linked`` (a year of periods and populations) against the same attacker."""
    hidden = suppress_linked(values, relations, virtual=set(), fixed=fixed)
    assert {k for k, h in fixed.items() if h} <= hidden
    assert not {k for k, h in fixed.items() if not h} & hidden
    shown = {k: publish(v, k in hidden) for k, v in values.items()}
    assert all(shown[k] == SUPPRESSED for k, v in values.items() if 1 <= v <= 10 and k not in fixed)
    # The attacker's two readings of "<11": each withheld cell 1-10, or no upper limit
    # (a bound far above every count stands in for it; knowing the true largest count,
    # itself withheld, would be knowing more than was published).
    for cap in (10, 3 * max(values.values()) + 10):
        if cap < max(values[k] for k in hidden or ["total"]):
            continue
        leaked = attacker(shown, relations, cap, values)
        assert not leaked, f"recovered {leaked} from {shown} (cells <= {cap})"


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 3), st.integers(2, 3), st.data())
def test_months_by_category_with_their_quarter_never_give_away_a_small_cell(months, cats, data):
    """Months x categories with month totals, the quarter's categories and the quarter's
    total: the shape of a quarter and its months."""
    grid = [[data.draw(small_or_not) for _ in range(cats)] for _ in range(months)]
    values = {f"m{m}c{c}": grid[m][c] for m in range(months) for c in range(cats)}
    relations: list[Relation] = []
    for m in range(months):
        values[f"m{m}"] = sum(grid[m])
        relations.append((f"m{m}", [f"m{m}c{c}" for c in range(cats)]))
    for c in range(cats):
        values[f"q{c}"] = sum(grid[m][c] for m in range(months))
        relations.append((f"q{c}", [f"m{m}c{c}" for m in range(months)]))
    values["total"] = sum(map(sum, grid))
    relations.append(("total", [f"m{m}" for m in range(months)]))
    relations.append(("total", [f"q{c}" for c in range(cats)]))
    check_linked(values, relations, {})


@settings(max_examples=100, deadline=None)
@given(st.lists(small_or_not, min_size=2, max_size=4), st.data())
def test_a_year_after_its_quarters_were_published_gives_nothing_away(quarters, data):
    """The quarters were published first (held as they were: withheld or shown); the
    year and its split come later and must not undo them."""
    values = {f"q{i}": v for i, v in enumerate(quarters)}
    values["total"] = sum(quarters)
    halves = data.draw(st.integers(0, values["total"]))
    values["a"], values["b"] = halves, values["total"] - halves
    earlier = suppress({k: v for k, v in values.items() if k.startswith("q")}, [])
    fixed = {f"q{i}": f"q{i}" in earlier for i in range(len(quarters))}
    relations: list[Relation] = [("total", [f"q{i}" for i in range(len(quarters))]), ("total", ["a", "b"])]
    check_linked(values, relations, fixed)
