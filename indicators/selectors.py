"""Network indicators: the true counts of one aligned period for one population
(``period_block``), computed from a calendar year's rows (``load_year``: one query for
the year's referrals, one for their screenings, one for consent events). Publishing
(suppression across every period and population of the year) is
``indicators.publication``; definitions: ``docs/indicators.md``.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from consent.models import ConsentEvent, ConsentEventKind
from directory.models import Discipline, Location, Provider
from indicators.ledger import Ledger, Ratio, Slot
from indicators.params import Area, Filters, Period
from referrals.models import (
    Barrier,
    ConcernType,
    DeclineReason,
    NeedsMet,
    Outcome,
    Referral,
    ReferralStatus,
    Screening,
)

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
    "A referral's area is the state of the recipient provider's first listed location: "
    "Referral Hub stores no family address. Consents use the recipient provider's "
    "location (consents to a whole organization count only without an area or "
    "discipline filter); capacity uses each provider's first location."
)
CAPACITY_RULE = (
    "Providers by discipline and accepting_new_families; the breakdown follows the "
    "directory capacity codes (accepting, waitlist, no_capacity, assessment_required, "
    "unknown) once they land."
)
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class ReferralRow:
    id: int
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
    recipient_state: str | None
    needs_met: str = ""
    barriers: tuple[str, ...] = ()
    family_needs_met: str = ""
    family_barriers: tuple[str, ...] = ()

    @property
    def contact_days(self) -> float | None:
        return None if self.responded_at is None else _days(self.sent_at, self.responded_at)

    @property
    def appointment_days(self) -> float | None:
        return None if self.appointment_at is None else _days(self.sent_at, self.appointment_at)


@dataclass(frozen=True)
class ScreeningRow:
    referral_id: int
    sent_at: datetime.datetime
    instrument: str
    band: str


@dataclass(frozen=True)
class ConsentRow:
    kind: str
    at: datetime.datetime
    discipline: str | None  # None: a consent to a whole organization
    state: str | None


@dataclass
class YearData:
    """A calendar year's counted referrals, their screenings and consent events."""

    rows: list[ReferralRow]
    screenings: list[ScreeningRow]
    consents: list[ConsentRow]
    first_ids: set[int]  # each child's first counted referral of the year


# --- Filters --------------------------------------------------------------------------


def _first_state(provider_path: str) -> Subquery:
    first = Location.objects.filter(provider=OuterRef(provider_path)).order_by("id")
    return Subquery(first.values("state")[:1])


def _in_area(qs: QuerySet[Any], provider_path: str, area: Area | None) -> QuerySet[Any]:
    if area is None:
        return qs
    filtered: QuerySet[Any] = qs.annotate(area_key=_first_state(provider_path)).filter(
        area_key__iexact=area.value
    )
    return filtered


def counted_referrals(start: datetime.datetime, end: datetime.datetime) -> QuerySet[Referral]:
    """The referrals that count: sent in [start, end), not cancelled."""
    return Referral.objects.filter(sent_at__gte=start, sent_at__lt=end).exclude(
        status=ReferralStatus.CANCELLED
    )


# --- Loading (one query each) -----------------------------------------------------------


def _load_referrals(qs: QuerySet[Referral]) -> list[ReferralRow]:
    columns = (
        "id",
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
        "recipient_state",
        "needs_met",
        "barriers",
        "family_needs_met",
        "family_barriers",
    )
    qs = qs.annotate(recipient_state=_first_state("to_provider"))
    return [_referral_row(row) for row in qs.order_by().values_list(*columns)]


def _referral_row(values: tuple[Any, ...]) -> ReferralRow:
    *head, answer, named, family_answer, family_named = values
    return dataclasses.replace(
        ReferralRow(*head),
        needs_met=answer,
        barriers=tuple(named or ()),
        family_needs_met=family_answer,
        family_barriers=tuple(family_named or ()),
    )


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
        ScreeningRow(referral_id, sent_at, instrument, screening_band(instrument, result or {}))
        for referral_id, sent_at, instrument, result in rows.values_list(
            "referral_id", "referral__sent_at", "instrument", "result"
        )
    ]


def _load_consents(start: datetime.datetime, end: datetime.datetime) -> list[ConsentRow]:
    qs = ConsentEvent.objects.filter(
        kind__in=[ConsentEventKind.GRANTED, ConsentEventKind.REVOKED], at__gte=start, at__lt=end
    ).annotate(state=_first_state("consent__recipient_provider"))
    return [
        ConsentRow(kind, at, discipline, state)
        for kind, at, discipline, state in qs.order_by().values_list(
            "kind", "at", "consent__recipient_provider__discipline", "state"
        )
    ]


def load_year(year: int) -> YearData:
    """Everything a year's periods are computed from (three queries)."""
    utc = datetime.UTC
    start = datetime.datetime(year, 1, 1, tzinfo=utc)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=utc)
    referrals_qs = counted_referrals(start, end)
    rows = sorted(_load_referrals(referrals_qs), key=lambda r: (r.sent_at, r.id))
    first: dict[int, int] = {}
    for row in rows:
        first.setdefault(row.child_id, row.id)
    return YearData(rows, _load_screenings(referrals_qs), _load_consents(start, end), set(first.values()))


def in_slice(slice_: str, discipline: str | None, state: str | None) -> bool:
    """``all``, ``discipline:<code>`` (the recipient's) or ``state:<XX>`` (the
    recipient's first location)."""
    if slice_ == "all":
        return True
    kind, _, value = slice_.partition(":")
    if kind == "discipline":
        return discipline == value
    return (state or "").strip().upper() == value


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


def children_referred(ledger: Ledger, p: str, rows: list[ReferralRow], first_ids: set[int]) -> dict[str, Any]:
    """Children whose first counted referral of the calendar year is among ``rows``, by
    their age and the concern of that referral: so months and quarters add up to the
    year, and populations to the network (nothing left over to difference)."""
    first = [row for row in rows if row.id in first_ids]
    bands: dict[str, int] = defaultdict(int)
    concerns: dict[str, int] = defaultdict(int)
    for row in first:
        bands[age_band(age_months(row.date_of_birth, row.sent_at.date()))] += 1
        concerns[row.concern_type] += 1
    total = ledger.count(f"{p}.children", len(first))
    return {
        "count": total,
        "by_age_band": _breakdown(
            ledger, f"{p}.children.age", "age_band", [b[0] for b in AGE_BANDS], bands, total
        ),
        "by_concern_type": _breakdown(
            ledger, f"{p}.children.concern", "concern_type", ConcernType.values, concerns, total
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


def connected(
    ledger: Ledger, p: str, rows: list[ReferralRow], period: Period, total: Slot, monthly_too: bool
) -> dict[str, Any]:
    overall = _connected_cells(ledger, f"{p}.connected", rows, total)
    monthly = by_month_sent(rows)
    by_month: list[dict[str, Any]] = []
    for month in months_of(period) if monthly_too else []:
        mine = monthly.get(month, [])
        by_month.append({"month": month, **_connected_cells(ledger, f"{p}.connected.{month}", mine)})
    for measure in ("referrals_count", "connected_count", "not_connected_count"):
        if by_month:
            ledger.relate(overall[measure], [m[measure] for m in by_month])
    return {**overall, "by_month": by_month}


def first_contact(
    ledger: Ledger, p: str, rows: list[ReferralRow], period: Period, now: datetime.datetime, monthly_too: bool
) -> dict[str, Any]:
    """First contact = the recipient's first answer (accept or decline: ``responded_at``).
    The 7-day clock runs to ``now`` (when the figures are computed; the period is closed),
    so each referral is due or not whatever period it is counted in."""
    end = now
    answered = [r for r in rows if r.responded_at is not None]
    due = [r for r in rows if r.responded_at is not None or _days(r.sent_at, end) >= CONTACT_DAYS]
    within = sum(1 for r in answered if (r.contact_days or 0.0) <= CONTACT_DAYS)
    total = ledger.count(f"{p}.contact.due", len(due))
    yes = ledger.count(f"{p}.contact.within", within)
    no = ledger.count(f"{p}.contact.later", len(due) - within)
    ledger.relate(total, [yes, no])
    by_month = []
    monthly = by_month_sent(answered)
    for month in months_of(period) if monthly_too else []:
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
    ledger: Ledger, p: str, rows: list[ReferralRow], now: datetime.datetime
) -> dict[str, Any]:
    end = now
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


def needs_met(ledger: Ledger, p: str, rows: list[ReferralRow]) -> dict[str, Any]:
    """Help Me Grow's "Needs Met", over the period's completed referrals: the
    recipient's answer at completion (one per referral; a referral completed before the
    question was asked counts as ``unknown``), and apart from it the families' own
    answers (only where a family answered). docs/indicators.md, "Needs met"."""
    done = [r for r in rows if r.status == ReferralStatus.COMPLETED]
    answers: dict[str, int] = defaultdict(int)
    family: dict[str, int] = defaultdict(int)
    for row in done:
        answers[row.needs_met or NeedsMet.UNKNOWN] += 1
        if row.family_needs_met:
            family[row.family_needs_met] += 1
    total = ledger.count(f"{p}.needs.completed", len(done))
    answered = ledger.count(f"{p}.needs.family", sum(family.values()))
    return {
        "completed_count": total,
        "by_answer": _breakdown(ledger, f"{p}.needs.answer", "answer", NeedsMet.values, answers, total),
        "family_answered_count": answered,
        "by_family_answer": _breakdown(
            ledger, f"{p}.needs.family", "answer", NeedsMet.values, family, answered
        ),
    }


def barriers(ledger: Ledger, p: str, rows: list[ReferralRow]) -> dict[str, Any]:
    """What got in the way, over the period's completed referrals: referrals naming at
    least one barrier, and each barrier's referrals (a referral may name several, so
    the barriers do not add up to the total), the recipients' and the families' apart."""
    done = [r for r in rows if r.status == ReferralStatus.COMPLETED]
    counts: dict[str, int] = defaultdict(int)
    family: dict[str, int] = defaultdict(int)
    for row in done:
        for code in set(row.barriers):
            counts[code] += 1
        for code in set(row.family_barriers):
            family[code] += 1
    codes = Barrier.values
    return {
        "referrals_count": ledger.count(f"{p}.barriers", sum(1 for r in done if r.barriers)),
        "by_barrier": _breakdown(ledger, f"{p}.barriers.of", "barrier", codes, counts, None),
        "family_referrals_count": ledger.count(
            f"{p}.barriers.family", sum(1 for r in done if r.family_barriers)
        ),
        "by_family_barrier": _breakdown(ledger, f"{p}.barriers.family.of", "barrier", codes, family, None),
    }


def consents(ledger: Ledger, p: str, events: list[ConsentRow]) -> dict[str, Any]:
    granted = sum(1 for e in events if e.kind == ConsentEventKind.GRANTED)
    revoked = sum(1 for e in events if e.kind == ConsentEventKind.REVOKED)
    return {
        "granted_count": ledger.count(f"{p}.consents.granted", granted),
        "revoked_count": ledger.count(f"{p}.consents.revoked", revoked),
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


# --- One period, one population ------------------------------------------------------


def period_block(
    ledger: Ledger, p: str, period: Period, slice_: str, data: YearData, now: datetime.datetime
) -> dict[str, Any]:
    """The true counts (``Slot``s) of ``period`` for the population ``slice_`` (``all``,
    ``discipline:<code>``, ``state:<XX>``), keys prefixed ``p``. Months appear inside a
    period (``by_month``) for the whole network only."""
    start, after = period.bounds()
    rows = [
        r
        for r in data.rows
        if start <= r.sent_at < after and in_slice(slice_, r.to_discipline, r.recipient_state)
    ]
    ids = {r.id for r in rows}
    screened = [s for s in data.screenings if s.referral_id in ids]
    events = [e for e in data.consents if start <= e.at < after and in_slice(slice_, e.discipline, e.state)]
    kind, _, value = slice_.partition(":")
    disciplines = [value] if kind == "discipline" else list(Discipline.values)
    monthly = slice_ == "all"
    referrals_total = ledger.count(f"{p}.referrals", len(rows))
    return {
        "children_referred": children_referred(ledger, p, rows, data.first_ids),
        "referral_sources": referral_sources(ledger, p, rows, referrals_total),
        "screenings": screenings(ledger, p, screened),
        "connected": connected(ledger, p, rows, period, referrals_total, monthly),
        "first_contact": first_contact(ledger, p, rows, period, now, monthly),
        "first_appointment": first_appointment(ledger, p, rows, now),
        "declines": declines(ledger, p, rows, disciplines),
        "consents": consents(ledger, p, events),
        "needs_met": needs_met(ledger, p, rows),
        "barriers": barriers(ledger, p, rows),
    }


def capacity_report(filters: Filters) -> dict[str, Any]:
    """Capacity by discipline as of today, suppressed on its own: it counts directory
    listings (public, each with its accepting flag), not children or referrals."""
    ledger = Ledger()
    disciplines = [filters.discipline] if filters.discipline else list(Discipline.values)
    published: dict[str, Any] = ledger.publish(capacity(ledger, _load_capacity(filters), disciplines))
    return published


def period_json(period: Period) -> dict[str, Any]:
    return {
        "kind": period.kind,
        "start": period.start.isoformat(),
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "days": period.days,
    }


def filters_json(filters: Filters) -> dict[str, Any]:
    return {
        "area": {"kind": filters.area.kind, "value": filters.area.value} if filters.area else None,
        "discipline": filters.discipline,
    }


def build_report(*, filters: Filters, now: datetime.datetime | None = None) -> tuple[Ledger, dict[str, Any]]:
    """The report's true counts still in ``Slot``s (unsuppressed: never serialize it;
    ``indicators.publication`` publishes). Tests read true counts from here."""
    now = now or timezone.now()
    current, previous = filters.period, filters.period.previous()
    ledger = Ledger()
    blocks = {}
    for name, period in (("current", current), ("previous", previous)):
        data = load_year(period.start.year)
        blocks[name] = period_block(ledger, name, period, filters.slice, data, now)
    disciplines = [filters.discipline] if filters.discipline else list(Discipline.values)
    report = {
        "period": period_json(current),
        "previous_period": period_json(previous),
        "filters": filters_json(filters),
        **blocks,
        "capacity": capacity(ledger, _load_capacity(filters), disciplines),
    }
    return ledger, report
