"""Network indicators: every figure on the dashboard, the API and the CSV comes from
``network_indicators`` (definitions: ``docs/indicators.md``).

Read-only. A constant number of queries whatever the period: one for the referrals of
both periods (narrow columns), one for their screenings, one aggregate for consent
events and one for directory capacity; everything else is computed in Python from those
rows and published through ``Ledger`` (small-cell suppression).
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from consent.models import ConsentEvent, ConsentEventKind
from directory.models import Discipline, Location, Provider
from indicators.ledger import Ledger, Ratio, Slot
from indicators.params import Area, Filters, Period
from referrals.models import ConcernType, DeclineReason, Outcome, Referral, ReferralStatus, Screening

MIN_CHILDREN_FOR_STATISTICS = 11
CONTACT_DAYS = 7
APPOINTMENT_DAYS = 45
AGE_BANDS = (
    ("0-11m", 0, 11),
    ("12-23m", 12, 23),
    ("24-35m", 24, 35),
    ("36-59m", 36, 59),
    ("60m+", 60, 10**6),
)
SCREENING_BANDS: dict[str, tuple[str, ...]] = {
    "asq_3": ("below_cutoff", "monitoring", "above_cutoff"),
    "asq_se_2": ("above_cutoff", "below_cutoff"),
    "mchat_r_f": ("high", "medium", "low"),
    "epds": ("probable_depression", "below_threshold"),
}
AREA_RULE = (
    "A referral's area is the recipient provider's first listed location (state, ZIP3, or "
    "the county of its ZIP): Referral Hub stores no family address. Consents use the "
    "recipient provider's location (consents to a whole organization count only without "
    "an area filter); capacity uses each provider's first location."
)
CAPACITY_RULE = (
    "Providers by discipline and accepting_new_families; the breakdown follows the "
    "directory capacity codes (accepting, waitlist, no_capacity, assessment_required, "
    "unknown) once they land."
)
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class ReferralRow:
    child_id: int
    date_of_birth: datetime.date
    concern_type: str
    from_discipline: str | None
    to_discipline: str
    status: str
    decline_reason: str
    outcome: str
    sent_at: datetime.datetime
    responded_at: datetime.datetime | None
    appointment_at: datetime.datetime | None

    @property
    def contact_days(self) -> float | None:
        return None if self.responded_at is None else _days(self.sent_at, self.responded_at)

    @property
    def appointment_days(self) -> float | None:
        return None if self.appointment_at is None else _days(self.sent_at, self.appointment_at)


@dataclass(frozen=True)
class ScreeningRow:
    sent_at: datetime.datetime
    instrument: str
    band: str


# --- Filters --------------------------------------------------------------------------


def _in_area(qs: QuerySet[Any], provider_path: str, area: Area | None) -> QuerySet[Any]:
    if area is None:
        return qs
    first = Location.objects.filter(provider=OuterRef(provider_path)).order_by("id")
    filtered: QuerySet[Any]
    if area.kind == "state":
        filtered = qs.annotate(area_key=Subquery(first.values("state")[:1])).filter(
            area_key__iexact=area.value
        )
    elif area.kind == "zip3":
        filtered = qs.annotate(area_key=Subquery(first.values("zip")[:1])).filter(
            area_key__startswith=area.value
        )
    else:
        zip5 = first.annotate(zip5=Substr("zip", 1, 5)).values("zip5")[:1]
        filtered = qs.annotate(area_key=Subquery(zip5)).filter(area_key__in=area.zips)
    return filtered


def counted_referrals(
    filters: Filters, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Referral]:
    """The referrals that count: sent in [start, end), not cancelled, to a provider of
    the filtered discipline and area."""
    qs = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end).exclude(status=ReferralStatus.CANCELLED)
    if filters.discipline:
        qs = qs.filter(to_provider__discipline=filters.discipline)
    return _in_area(qs, "to_provider", filters.area)


# --- Loading (one query each) -----------------------------------------------------------


def _load_referrals(qs: QuerySet[Referral]) -> list[ReferralRow]:
    columns = (
        "child_id",
        "child__date_of_birth",
        "concern_type",
        "from_provider__discipline",
        "to_provider__discipline",
        "status",
        "decline_reason",
        "outcome",
        "sent_at",
        "responded_at",
        "appointment_at",
    )
    return [ReferralRow(*row) for row in qs.order_by().values_list(*columns)]


def screening_band(instrument: str, result: dict[str, Any]) -> str:
    """The result band the server derived (``referrals.screening``), one per screening."""
    if instrument == "asq_3":
        zones = (result.get("zones") or {}).values()
        return (
            "below_cutoff" if "below" in zones else "monitoring" if "monitoring" in zones else "above_cutoff"
        )
    if instrument == "asq_se_2":
        return "above_cutoff" if result.get("above_cutoff") else "below_cutoff"
    if instrument == "mchat_r_f":
        return str(result.get("risk_band") or "low")
    if instrument == "epds":
        return "probable_depression" if result.get("probable_depression") else "below_threshold"
    return "other"


def _load_screenings(referrals: QuerySet[Referral]) -> list[ScreeningRow]:
    rows = Screening.objects.filter(referral__in=referrals.values("pk")).order_by()
    return [
        ScreeningRow(sent_at, instrument, screening_band(instrument, result or {}))
        for sent_at, instrument, result in rows.values_list("referral__sent_at", "instrument", "result")
    ]


def _load_consent_counts(filters: Filters, current: Period, previous: Period) -> dict[tuple[str, str], int]:
    cur_start, cur_end = current.bounds()
    prev_start, _ = previous.bounds()
    qs = ConsentEvent.objects.filter(
        kind__in=[ConsentEventKind.GRANTED, ConsentEventKind.REVOKED], at__gte=prev_start, at__lt=cur_end
    )
    if filters.discipline:
        qs = qs.filter(consent__recipient_provider__discipline=filters.discipline)
    qs = _in_area(qs, "consent__recipient_provider", filters.area)
    current_q = Q(at__gte=cur_start)
    rows = qs.values("kind").annotate(
        current=Count("pk", filter=current_q), previous=Count("pk", filter=~current_q)
    )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[("current", row["kind"])] += row["current"]
        counts[("previous", row["kind"])] += row["previous"]
    return counts


def _load_capacity(filters: Filters) -> dict[str, dict[bool, int]]:
    qs: QuerySet[Any] = Provider.objects.all()
    if filters.discipline:
        qs = qs.filter(discipline=filters.discipline)
    qs = _in_area(qs, "pk", filters.area)
    table: dict[str, dict[bool, int]] = defaultdict(lambda: defaultdict(int))
    for row in qs.order_by().values("discipline", "accepting_new_families").annotate(n=Count("pk")):
        table[row["discipline"]][row["accepting_new_families"]] += row["n"]
    return table


# --- Helpers ------------------------------------------------------------------------


def age_months(born: datetime.date, on: datetime.date) -> int:
    months = (on.year - born.year) * 12 + on.month - born.month - (1 if on.day < born.day else 0)
    return max(months, 0)


def age_band(months: int) -> str:
    return next(label for label, low, high in AGE_BANDS if low <= months <= high)


def _days(start: datetime.datetime, end: datetime.datetime) -> float:
    return (end - start).total_seconds() / 86400


def spread(days: Sequence[float], children: int) -> dict[str, Any]:
    """Median and 90th percentile (nearest rank) in days, only for >= 11 children."""
    if children < MIN_CHILDREN_FOR_STATISTICS:
        return {
            "median_days": None,
            "p90_days": None,
            "statistics_note": f"fewer than {MIN_CHILDREN_FOR_STATISTICS} children",
        }
    ordered = sorted(days)
    p90 = ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]
    return {
        "median_days": round(statistics.median(ordered), 1),
        "p90_days": round(p90, 1),
        "statistics_note": "",
    }


def by_month_sent(rows: list[ReferralRow]) -> dict[str, list[ReferralRow]]:
    """Rows by the UTC month they were sent, ``YYYY-MM`` (one pass; strftime is slow)."""
    months: dict[str, list[ReferralRow]] = defaultdict(list)
    for row in rows:
        months[f"{row.sent_at.year:04d}-{row.sent_at.month:02d}"].append(row)
    return months


def months_of(period: Period) -> list[str]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day.strftime("%Y-%m"))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _breakdown(
    ledger: Ledger, prefix: str, label: str, codes: Iterable[str], counts: dict[str, int], total: Slot | None
) -> list[dict[str, Any]]:
    items, slots = [], []
    for code in codes:
        slot = ledger.count(f"{prefix}.{code}", counts.get(code, 0))
        slots.append(slot)
        items.append({label: code, "count": slot})
    if total is not None:
        ledger.relate(total, slots)
    return items


# --- Indicators, one function each --------------------------------------------------


def children_referred(ledger: Ledger, p: str, rows: list[ReferralRow]) -> dict[str, Any]:
    first: dict[int, ReferralRow] = {}
    concerns: dict[str, set[int]] = defaultdict(set)
    for row in sorted(rows, key=lambda r: r.sent_at):
        first.setdefault(row.child_id, row)
        concerns[row.concern_type].add(row.child_id)
    bands: dict[str, int] = defaultdict(int)
    for row in first.values():
        bands[age_band(age_months(row.date_of_birth, row.sent_at.date()))] += 1
    total = ledger.count(f"{p}.children", len(first))
    return {
        "count": total,
        "by_age_band": _breakdown(
            ledger, f"{p}.children.age", "age_band", [b[0] for b in AGE_BANDS], bands, total
        ),
        # A child referred for two concerns counts under both: no total to add up to.
        "by_concern_type": _breakdown(
            ledger,
            f"{p}.children.concern",
            "concern_type",
            ConcernType.values,
            {k: len(v) for k, v in concerns.items()},
            None,
        ),
    }


FAMILY_SOURCE = "family"


def referral_sources(ledger: Ledger, p: str, rows: list[ReferralRow], total: Slot) -> dict[str, Any]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        # A family's own request has no sending provider: its source is "family".
        counts[row.from_discipline or FAMILY_SOURCE] += 1
    codes = [*Discipline.values, FAMILY_SOURCE]
    return {
        "count": total,
        "by_discipline": _breakdown(ledger, f"{p}.sources", "discipline", codes, counts, total),
    }


def screenings(ledger: Ledger, p: str, rows: list[ScreeningRow]) -> dict[str, Any]:
    total = ledger.count(f"{p}.screenings", len(rows))
    instruments, slots = [], []
    for instrument, bands in SCREENING_BANDS.items():
        mine = [r for r in rows if r.instrument == instrument]
        slot = ledger.count(f"{p}.screenings.{instrument}", len(mine))
        slots.append(slot)
        counts: dict[str, int] = defaultdict(int)
        for row in mine:
            counts[row.band] += 1
        by_band = _breakdown(ledger, f"{p}.screenings.{instrument}", "band", bands, counts, slot)
        instruments.append({"instrument": instrument, "count": slot, "by_band": by_band})
    ledger.relate(total, slots)
    return {"count": total, "by_instrument": instruments}


def _connected_cells(
    ledger: Ledger, key: str, rows: list[ReferralRow], total: Slot | None = None
) -> dict[str, Any]:
    connected = sum(
        1 for r in rows if r.status == ReferralStatus.COMPLETED and r.outcome == Outcome.CONNECTED
    )
    total = total or ledger.count(f"{key}.referrals", len(rows))
    yes = ledger.count(f"{key}.connected", connected)
    no = ledger.count(f"{key}.not_connected", len(rows) - connected)
    ledger.relate(total, [yes, no])
    return {
        "referrals_count": total,
        "connected_count": yes,
        "not_connected_count": no,
        "percent": Ratio(yes, total),
    }


def connected(ledger: Ledger, p: str, rows: list[ReferralRow], period: Period, total: Slot) -> dict[str, Any]:
    overall = _connected_cells(ledger, f"{p}.connected", rows, total)
    monthly = by_month_sent(rows)
    by_month = []
    for month in months_of(period):
        mine = monthly.get(month, [])
        by_month.append({"month": month, **_connected_cells(ledger, f"{p}.connected.{month}", mine)})
    for measure in ("referrals_count", "connected_count", "not_connected_count"):
        ledger.relate(overall[measure], [m[measure] for m in by_month])
    return {**overall, "by_month": by_month}


def _clock_end(period: Period, now: datetime.datetime) -> datetime.datetime:
    return min(period.bounds()[1], now)


def first_contact(
    ledger: Ledger, p: str, rows: list[ReferralRow], period: Period, now: datetime.datetime
) -> dict[str, Any]:
    """First contact = the recipient's first answer (accept or decline: ``responded_at``)."""
    end = _clock_end(period, now)
    answered = [r for r in rows if r.responded_at is not None]
    due = [r for r in rows if r.responded_at is not None or _days(r.sent_at, end) >= CONTACT_DAYS]
    within = sum(1 for r in answered if (r.contact_days or 0.0) <= CONTACT_DAYS)
    total = ledger.count(f"{p}.contact.due", len(due))
    yes = ledger.count(f"{p}.contact.within", within)
    no = ledger.count(f"{p}.contact.later", len(due) - within)
    ledger.relate(total, [yes, no])
    by_month = []
    monthly = by_month_sent(answered)
    for month in months_of(period):
        mine = monthly.get(month, [])
        stats = spread([r.contact_days or 0.0 for r in mine], len({r.child_id for r in mine}))
        by_month.append({"month": month, **stats})
    return {
        "referrals_count": total,
        "within_7_days_count": yes,
        "after_7_days_count": no,
        "percent_within_7_days": Ratio(yes, total),
        **spread([r.contact_days or 0.0 for r in answered], len({r.child_id for r in answered})),
        "by_month": by_month,
    }


def first_appointment(
    ledger: Ledger, p: str, rows: list[ReferralRow], period: Period, now: datetime.datetime
) -> dict[str, Any]:
    end = _clock_end(period, now)
    live = [r for r in rows if r.status != ReferralStatus.DECLINED]
    booked = [r for r in live if r.appointment_at is not None]
    due = [r for r in live if r.appointment_at is not None or _days(r.sent_at, end) >= APPOINTMENT_DAYS]
    within = sum(1 for r in booked if (r.appointment_days or 0.0) <= APPOINTMENT_DAYS)
    total = ledger.count(f"{p}.appointment.due", len(due))
    yes = ledger.count(f"{p}.appointment.within", within)
    no = ledger.count(f"{p}.appointment.later", len(due) - within)
    ledger.relate(total, [yes, no])
    return {
        "referrals_count": total,
        "within_45_days_count": yes,
        "after_45_days_count": no,
        "percent_within_45_days": Ratio(yes, total),
        **spread([r.appointment_days or 0.0 for r in booked], len({r.child_id for r in booked})),
    }


def declines(ledger: Ledger, p: str, rows: list[ReferralRow], disciplines: Sequence[str]) -> dict[str, Any]:
    declined = [r for r in rows if r.status == ReferralStatus.DECLINED]
    grid: dict[tuple[str, str], int] = defaultdict(int)
    for row in declined:
        grid[(row.to_discipline, row.decline_reason or DeclineReason.OTHER)] += 1
    total = ledger.count(f"{p}.declines", len(declined))
    reasons = DeclineReason.values
    by_reason = _breakdown(
        ledger,
        f"{p}.declines.reason",
        "reason",
        reasons,
        {r: sum(grid[(d, r)] for d in disciplines) for r in reasons},
        total,
    )
    by_discipline = _breakdown(
        ledger,
        f"{p}.declines.discipline",
        "discipline",
        disciplines,
        {d: sum(grid[(d, r)] for r in reasons) for d in disciplines},
        total,
    )
    cells = []
    for d_item in by_discipline:
        d = d_item["discipline"]
        reason_cells = _breakdown(
            ledger,
            f"{p}.declines.{d}",
            "reason",
            reasons,
            {r: grid[(d, r)] for r in reasons},
            d_item["count"],
        )
        cells.append({"discipline": d, "by_reason": reason_cells})
    for i, r_item in enumerate(by_reason):
        ledger.relate(r_item["count"], [c["by_reason"][i]["count"] for c in cells])
    return {
        "count": total,
        "by_reason": by_reason,
        "by_discipline": by_discipline,
        "by_discipline_and_reason": cells,
    }


def consents(ledger: Ledger, p: str, counts: dict[tuple[str, str], int]) -> dict[str, Any]:
    return {
        "granted_count": ledger.count(f"{p}.consents.granted", counts.get((p, ConsentEventKind.GRANTED), 0)),
        "revoked_count": ledger.count(f"{p}.consents.revoked", counts.get((p, ConsentEventKind.REVOKED), 0)),
    }


def capacity(ledger: Ledger, table: dict[str, dict[bool, int]], disciplines: Sequence[str]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for d in disciplines:
        cells = _connected_free_pair(ledger, f"capacity.{d}", table.get(d, {}))
        rows.append({"discipline": d, **cells})
    totals: dict[str, Slot] = {}
    for measure in ("count", "accepting_count", "not_accepting_count"):
        totals[measure] = ledger.count(f"capacity.{measure}", sum(r[measure].value for r in rows))
        ledger.relate(totals[measure], [r[measure] for r in rows])
    ledger.relate(totals["count"], [totals["accepting_count"], totals["not_accepting_count"]])
    return {
        "as_of": timezone.now().date().isoformat(),
        "rule": CAPACITY_RULE,
        **totals,
        "by_discipline": rows,
    }


def _connected_free_pair(ledger: Ledger, key: str, cells: dict[bool, int]) -> dict[str, Slot]:
    yes = ledger.count(f"{key}.accepting", cells.get(True, 0))
    no = ledger.count(f"{key}.not_accepting", cells.get(False, 0))
    total = ledger.count(f"{key}.providers", yes.value + no.value)
    ledger.relate(total, [yes, no])
    return {"count": total, "accepting_count": yes, "not_accepting_count": no}


# --- The report ---------------------------------------------------------------------


def _period_block(
    ledger: Ledger,
    p: str,
    period: Period,
    rows: list[ReferralRow],
    screened: list[ScreeningRow],
    consent_counts: dict[tuple[str, str], int],
    disciplines: Sequence[str],
    now: datetime.datetime,
) -> dict[str, Any]:
    referrals_total = ledger.count(f"{p}.referrals", len(rows))
    return {
        "children_referred": children_referred(ledger, p, rows),
        "referral_sources": referral_sources(ledger, p, rows, referrals_total),
        "screenings": screenings(ledger, p, screened),
        "connected": connected(ledger, p, rows, period, referrals_total),
        "first_contact": first_contact(ledger, p, rows, period, now),
        "first_appointment": first_appointment(ledger, p, rows, period, now),
        "declines": declines(ledger, p, rows, disciplines),
        "consents": consents(ledger, p, consent_counts),
    }


def _period_json(period: Period) -> dict[str, Any]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat(), "days": period.days}


def build_report(*, filters: Filters, now: datetime.datetime | None = None) -> tuple[Ledger, dict[str, Any]]:
    """The report with true counts still in ``Slot``s (unsuppressed: never serialize
    it; ``network_indicators`` publishes it). Tests read true counts from here."""
    now = now or timezone.now()
    current, previous = filters.period, filters.period.previous()
    start, end = previous.bounds()[0], current.bounds()[1]
    referrals_qs = counted_referrals(filters, start, end)
    rows = _load_referrals(referrals_qs)
    screened = _load_screenings(referrals_qs)
    consent_counts = _load_consent_counts(filters, current, previous)
    capacity_table = _load_capacity(filters)
    disciplines = [filters.discipline] if filters.discipline else list(Discipline.values)
    cut = current.bounds()[0]
    ledger = Ledger()
    report = {
        "period": _period_json(current),
        "previous_period": _period_json(previous),
        "filters": {
            "area": {"kind": filters.area.kind, "value": filters.area.value} if filters.area else None,
            "discipline": filters.discipline,
        },
        "area_rule": AREA_RULE,
        "suppression": {"threshold": 11, "marker": "<11"},
        "current": _period_block(
            ledger,
            "current",
            current,
            [r for r in rows if r.sent_at >= cut],
            [s for s in screened if s.sent_at >= cut],
            consent_counts,
            disciplines,
            now,
        ),
        "previous": _period_block(
            ledger,
            "previous",
            previous,
            [r for r in rows if r.sent_at < cut],
            [s for s in screened if s.sent_at < cut],
            consent_counts,
            disciplines,
            now,
        ),
        "capacity": capacity(ledger, capacity_table, disciplines),
    }
    return ledger, report


def network_indicators(*, filters: Filters, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Every indicator for the filtered period and the previous period of the same
    length, suppressed (aggregates only: no child, no row per child). Callers check
    the role first (``indicators.services.indicators_read``)."""
    ledger, report = build_report(filters=filters, now=now)
    published: dict[str, Any] = ledger.publish(report)
    return published
