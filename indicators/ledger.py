"""Counts collected while an indicator is computed, suppressed together, then published.

Each count is a ``Slot`` (a unique key and its true value). Breakdowns declare the
additive relations between their slots (parts sum to a total); ``Ledger.publish`` runs
the suppression over every slot and relation at once (a total shared by two tables is
the same slot, so it is withheld everywhere or nowhere) and replaces each slot with its
published value, and each ``Ratio`` with a percentage only when both its counts are shown.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from indicators.suppression import publish, suppress


@dataclass(frozen=True)
class Slot:
    key: str
    value: int


@dataclass(frozen=True)
class Ratio:
    """``numerator / denominator`` as a percentage with one decimal."""

    numerator: Slot
    denominator: Slot


class Ledger:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}
        self.relations: list[tuple[str, list[str]]] = []

    def count(self, key: str, value: int) -> Slot:
        if key in self.values:
            raise ValueError(f"slot {key!r} declared twice")
        self.values[key] = value
        return Slot(key, value)

    def relate(self, total: Slot, parts: list[Slot]) -> None:
        if sum(p.value for p in parts) != total.value:
            raise ValueError(f"{total.key}: parts do not add up")
        self.relations.append((total.key, [p.key for p in parts]))

    def publish(self, report: Any) -> Any:
        values = tuple(self.values.items())
        relations = tuple((total, tuple(parts)) for total, parts in self.relations)
        return _resolve(report, set(_suppressed(values, relations)))


@functools.lru_cache(maxsize=256)
def _suppressed(
    values: tuple[tuple[str, int], ...], relations: tuple[tuple[str, tuple[str, ...]], ...]
) -> frozenset[str]:
    """``suppress`` is a pure function of the counts and relations: the same table (the
    capacity snapshot between two changes of the directory) is solved once per process."""
    return frozenset(suppress(dict(values), [(total, list(parts)) for total, parts in relations]))


def _percent(ratio: Ratio, hidden: set[str]) -> float | None:
    num, den = ratio.numerator, ratio.denominator
    if num.key in hidden or den.key in hidden or den.value == 0:
        return None
    return round(100 * num.value / den.value, 1)


def _resolve(node: Any, hidden: set[str]) -> Any:
    if isinstance(node, Slot):
        return publish(node.value, node.key in hidden)
    if isinstance(node, Ratio):
        return _percent(node, hidden)
    if isinstance(node, dict):
        return {k: _resolve(v, hidden) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, hidden) for v in node]
    return node


def resolve(report: Any, hidden: set[str]) -> Any:
    """``report`` with each slot published (withheld if its key is in ``hidden``)."""
    return _resolve(report, hidden)
