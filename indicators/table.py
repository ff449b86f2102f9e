"""The report as one flat table (the CSV, and the rows the API and page also show):
``period, indicator, breakdown, group, measure, value``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

COLUMNS = ("period", "indicator", "breakdown", "group", "measure", "value")
LABELS = (
    "age_band",
    "concern_type",
    "discipline",
    "instrument",
    "band",
    "month",
    "reason",
    "answer",
    "barrier",
)


def _items(
    period: str, indicator: str, breakdown: str, group: str, node: dict[str, Any]
) -> Iterator[tuple[Any, ...]]:
    labels = [f"{k}={node[k]}" for k in LABELS if k in node]
    group = ";".join(filter(None, [group, *labels]))
    for key, value in node.items():
        if key in LABELS:
            continue
        if isinstance(value, list):
            for item in value:
                yield from _items(period, indicator, f"{breakdown}/{key}" if breakdown else key, group, item)
        elif not isinstance(value, dict):
            yield (period, indicator, breakdown, group, key, value)


def rows(report: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    if report["state"] != "published":  # no figures yet: say so in the table's own terms
        yield ("current", "publication", "", "", "state", report["state"])
        yield ("current", "publication", "", "", "next_publication_at", report["next_publication_at"])
    for period in ("current", "previous"):
        for indicator, node in (report[period] or {}).items():
            if node is not None:  # a block the period was published without (rollups.LATER_BLOCKS)
                yield from _items(period, indicator, "", "", node)
    capacity = {k: v for k, v in report["capacity"].items() if k not in ("as_of", "rule")}
    yield from _items("snapshot", "capacity", "", "", capacity)


def _cell(value: Any) -> Any:
    return "" if value is None else value


def to_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(report):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
