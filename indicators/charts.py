"""Server-side SVG charts for the dashboard: readable at a glance, no JavaScript, no
CDN, printable. Each chart comes with the rows of its data table (the page renders the
table next to the figure for screen readers and print)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from indicators.words import word

WIDTH, BAR_AREA, LABEL_W = 640, 200, 330


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    svg: SafeString
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _shown(value: Any) -> str:
    return "n/a" if value is None else str(value)


def _columns(
    title: str, labels: list[str], values: list[Any], unit: str, line: float | None, top: float
) -> SafeString:
    """Vertical bars (one per label), optional dashed reference line at ``line``."""
    n = max(len(labels), 1)
    step = (WIDTH - 60) / n
    height = BAR_AREA + 60
    parts = [
        format_html(
            '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart">', WIDTH, height, title
        )
    ]
    parts.append(
        format_html(
            '<line x1="50" y1="{}" x2="{}" y2="{}" class="axis"/>', BAR_AREA + 10, WIDTH - 5, BAR_AREA + 10
        )
    )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = 55 + i * step
        number = _number(value)
        if number is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="missing">{}</text>', _f(x + step / 2), BAR_AREA, _shown(value)
                )
            )
        else:
            h = BAR_AREA * min(number, top) / top if top else 0
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="bar" data-value="{}"><title>{}: {}{}</title></rect>',
                    _f(x + 2),
                    _f(BAR_AREA + 10 - h),
                    _f(max(step - 4, 1)),
                    _f(h),
                    number,
                    label,
                    number,
                    unit,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="tick">{}</text>', _f(x + step / 2), BAR_AREA + 28, label[-5:]
            )
        )
    if line is not None and top:
        y = BAR_AREA + 10 - BAR_AREA * line / top
        parts.append(
            format_html('<line x1="50" y1="{}" x2="{}" y2="{}" class="target"/>', _f(y), WIDTH - 5, _f(y))
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="target-label">{}{} target</text>',
                WIDTH - 8,
                _f(y - 4),
                line,
                unit,
            )
        )
    parts.append(format_html('<text x="45" y="18" class="scale">{}{}</text>', top, unit))
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a literal
    return SafeString("".join(parts))


def _hbars(title: str, labels: list[str], values: list[Any]) -> SafeString:
    """Horizontal bars, one per label; suppressed cells read "<11" and draw no bar."""
    numbers = [n for n in map(_number, values) if n is not None]
    top = max(numbers, default=0) or 1
    row_h = 24
    height = row_h * max(len(labels), 1) + 10
    parts = [
        format_html(
            '<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart">', WIDTH, height, title
        )
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 5 + i * row_h
        parts.append(format_html('<text x="{}" y="{}" class="label">{}</text>', LABEL_W - 6, y + 16, label))
        number = _number(value)
        w = (WIDTH - LABEL_W - 60) * number / top if number else 0
        if w:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" class="bar" data-value="{}"/>',
                    LABEL_W,
                    y + 3,
                    _f(w),
                    row_h - 6,
                    number,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="value">{}</text>', _f(LABEL_W + w + 4), y + 16, _shown(value)
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a literal
    return SafeString("".join(parts))


def first_contact_chart(block: dict[str, Any]) -> Chart:
    months = block["first_contact"]["by_month"]
    medians = [m["median_days"] for m in months]
    top = max([7.0, *(v for v in medians if v is not None)]) * 1.2
    title = "Median days to first contact by month, against the 7-day target"
    return Chart(
        "first-contact",
        title,
        "Months with fewer than 11 children show n/a.",
        _columns(title, [m["month"] for m in months], medians, " d", 7, round(top, 1)),
        ["Month", "Median days", "90th percentile days", "Note"],
        [[m["month"], _shown(m["median_days"]), _shown(m["p90_days"]), m["statistics_note"]] for m in months],
    )


def connected_chart(block: dict[str, Any]) -> Chart:
    months = block["connected"]["by_month"]
    title = "Referrals connected to services (%) by month sent"
    return Chart(
        "connected",
        title,
        "Percent shown only when both counts are at least 11.",
        _columns(title, [m["month"] for m in months], [m["percent"] for m in months], "%", None, 100),
        ["Month", "Referrals", "Connected", "Percent connected"],
        [[m["month"], m["referrals_count"], m["connected_count"], _shown(m["percent"])] for m in months],
    )


def declines_chart(block: dict[str, Any], by: str) -> Chart:
    key, label = ("reason", "Reason") if by == "reason" else ("discipline", "Discipline")
    items = block["declines"][f"by_{key}"]
    title = f"Declined referrals by {label.lower()}"
    return Chart(
        f"declines-{key}",
        title,
        "Where the network has gaps.",
        _hbars(title, [word(i[key], key) for i in items], [i["count"] for i in items]),
        [label, "Declined"],
        [[word(i[key], key), i["count"]] for i in items],
    )


def screenings_chart(block: dict[str, Any]) -> Chart:
    labels, values, rows = [], [], []
    for instrument in block["screenings"]["by_instrument"]:
        for band in instrument["by_band"]:
            labels.append(f"{instrument['instrument']}: {band['band']}")
            values.append(band["count"])
            rows.append([instrument["instrument"], band["band"], band["count"]])
    title = "Screenings by instrument and result band"
    return Chart(
        "screenings", title, "", _hbars(title, labels, values), ["Instrument", "Band", "Screenings"], rows
    )


def dashboard_charts(report: dict[str, Any]) -> list[Chart]:
    block = report["current"]
    if block is None:  # not published yet: no charts, the page says why
        return []
    return [
        first_contact_chart(block),
        connected_chart(block),
        declines_chart(block, "reason"),
        declines_chart(block, "discipline"),
        screenings_chart(block),
    ]
