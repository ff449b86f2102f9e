"""Network indicators: the true counts of one aligned period for one population
(``period_block``), computed from a calendar year's rows (``load_year``: one query for
the year's referrals, one for their screenings, one for consent events). Publishing
(suppression across every period and population of the year) is
``indicators.publication``; definitions: ``docs/indicators.md``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from consent.models import ConsentEvent, ConsentEventKind
from directory.models import Discipline, Location, Provider
from indicators import tally as tally_
from indicators.ledger import Ledger, Ratio, Slot
from indicators.params import Area, Filters, Period
from indicators.tally import Tally
from referrals.models import (
    Barrier,
    ConcernType,
    DeclineReason,
    NeedsMet,
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


# --- Indicators, one function each (from a ``Tally``: indicators.tally) -------------


def _codes(tally: Tally, prefix: str, codes: Iterable[str]) -> dict[str, int]:
    return {code: tally.counts[f"{prefix}.{code}"] for code in codes}


def children_referred(ledger: Ledger, p: str, tally: Tally) -> dict[str, Any]:
    """Children whose first counted referral of the calendar year is among the period's,
    by their age and the concern of that referral: so months and quarters add up to the
    year, and populations to the network (nothing left over to difference)."""
    total = ledger.count(f"{p}.children", tally.counts["children"])
    bands = [b[0] for b in AGE_BANDS]
    return {
        "count": total,
        "by_age_band": _breakdown(
            ledger, f"{p}.children.age", "age_band", bands, _codes(tally, "children.age", bands), total
        ),
        "by_concern_type": _breakdown(
            ledger,
            f"{p}.children.concern",
            "concern_type",
            ConcernType.values,
            _codes(tally, "children.concern", ConcernType.values),
            total,
        ),
    }


FAMILY_SOURCE = tally_.FAMILY_SOURCE


def referral_sources(ledger: Ledger, p: str, tally: Tally, total: Slot) -> dict[str, Any]:
    # A family's own request has no sending provider: its source is "family".
    codes = [*Discipline.values, FAMILY_SOURCE]
    return {
        "count": total,
        "by_discipline": _breakdown(
            ledger, f"{p}.sources", "discipline", codes, _codes(tally, "sources", codes), total
        ),
    }


def screenings(ledger: Ledger, p: str, tally: Tally) -> dict[str, Any]:
    total = ledger.count(f"{p}.screenings", tally.counts["screenings"])
    instruments, slots = [], []
    for instrument, bands in SCREENING_BANDS.items():
        slot = ledger.count(f"{p}.screenings.{instrument}", tally.counts[f"screenings.{instrument}"])
        slots.append(slot)
        counts = _codes(tally, f"screenings.{instrument}", bands)
        by_band = _breakdown(ledger, f"{p}.screenings.{instrument}", "band", bands, counts, slot)
        instruments.append({"instrument": instrument, "count": slot, "by_band": by_band})
    ledger.relate(total, slots)
    return {"count": total, "by_instrument": instruments}


def _connected_cells(ledger: Ledger, key: str, tally: Tally, total: Slot | None = None) -> dict[str, Any]:
    referrals, connected = tally.counts["referrals"], tally.counts["connected"]
    total = total or ledger.count(f"{key}.referrals", referrals)
    yes = ledger.count(f"{key}.connected", connected)
    no = ledger.count(f"{key}.not_connected", referrals - connected)
    ledger.relate(total, [yes, no])
    return {
        "referrals_count": total,
        "connected_count": yes,
        "not_connected_count": no,
        "percent": Ratio(yes, total),
    }


def connected(
    ledger: Ledger, p: str, source: TallySource, block: Tally, period: Period, total: Slot, slice_: str
) -> dict[str, Any]:
    overall = _connected_cells(ledger, f"{p}.connected", block, total)
    by_month: list[dict[str, Any]] = []
    for month in months_of(period) if slice_ == "all" else []:
        mine = source.month(month, slice_)
        by_month.append({"month": month, **_connected_cells(ledger, f"{p}.connected.{month}", mine)})
    for measure in ("referrals_count", "connected_count", "not_connected_count"):
        if by_month:
            ledger.relate(overall[measure], [m[measure] for m in by_month])
    return {**overall, "by_month": by_month}


def spread(tally: Tally, key: str) -> dict[str, Any]:
    """Median and 90th percentile (nearest rank) in days of histogram ``key``, only for
    >= 11 children."""
    if tally.children(key) < MIN_CHILDREN_FOR_STATISTICS:
        return {
            "median_days": None,
            "p90_days": None,
            "statistics_note": f"fewer than {MIN_CHILDREN_FOR_STATISTICS} children",
        }
    median, p90 = tally_.spread_values(tally_.ordered_days(tally, key))
    return {"median_days": round(median, 1), "p90_days": round(p90, 1), "statistics_note": ""}


def first_contact(
    ledger: Ledger,
    p: str,
    source: TallySource,
    block: Tally,
    period: Period,
    now: datetime.datetime,
    slice_: str,
) -> dict[str, Any]:
    """First contact = the recipient's first answer (accept or decline: ``responded_at``).
    The 7-day clock runs to ``now`` (when the figures are computed; the period is closed),
    so each referral is due or not whatever period it is counted in."""
    answered = block.counts["contact.answered"]
    due = answered + tally_.due_open(block, "contact.open", now, CONTACT_DAYS)
    within = tally_.within(block, "contact", CONTACT_DAYS)
    total = ledger.count(f"{p}.contact.due", due)
    yes = ledger.count(f"{p}.contact.within", within)
    no = ledger.count(f"{p}.contact.later", due - within)
    ledger.relate(total, [yes, no])
    by_month = []
    for month in months_of(period) if slice_ == "all" else []:
        by_month.append({"month": month, **spread(source.month(month, slice_), "contact")})
    return {
        "referrals_count": total,
        "within_7_days_count": yes,
        "after_7_days_count": no,
        "percent_within_7_days": Ratio(yes, total),
        **spread(block, "contact"),
        "by_month": by_month,
    }


def first_appointment(ledger: Ledger, p: str, block: Tally, now: datetime.datetime) -> dict[str, Any]:
    booked = block.counts["appointment.booked"]
    due = booked + tally_.due_open(block, "appointment.open", now, APPOINTMENT_DAYS)
    within = tally_.within(block, "appointment", APPOINTMENT_DAYS)
    total = ledger.count(f"{p}.appointment.due", due)
    yes = ledger.count(f"{p}.appointment.within", within)
    no = ledger.count(f"{p}.appointment.later", due - within)
    ledger.relate(total, [yes, no])
    return {
        "referrals_count": total,
        "within_45_days_count": yes,
        "after_45_days_count": no,
        "percent_within_45_days": Ratio(yes, total),
        **spread(block, "appointment"),
    }


def declines(ledger: Ledger, p: str, tally: Tally, disciplines: Sequence[str]) -> dict[str, Any]:
    reasons = DeclineReason.values
    grid = {(d, r): tally.counts[f"declines.{d}.{r}"] for d in disciplines for r in reasons}
    total = ledger.count(f"{p}.declines", tally.counts["declines"])
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


def needs_met(ledger: Ledger, p: str, tally: Tally) -> dict[str, Any]:
    """Help Me Grow's "Needs Met", over the period's completed referrals: the
    recipient's answer at completion (one per referral; a referral completed before the
    question was asked counts as ``unknown``), and apart from it the families' own
    answers (only where a family answered). docs/indicators.md, "Needs met"."""
    total = ledger.count(f"{p}.needs.completed", tally.counts["completed"])
    answered = ledger.count(f"{p}.needs.family", tally.counts["needs.family"])
    codes = NeedsMet.values
    return {
        "completed_count": total,
        "by_answer": _breakdown(
            ledger, f"{p}.needs.answer", "answer", codes, _codes(tally, "needs", codes), total
        ),
        "family_answered_count": answered,
        "by_family_answer": _breakdown(
            ledger, f"{p}.needs.family", "answer", codes, _codes(tally, "needs.family", codes), answered
        ),
    }


def barriers(ledger: Ledger, p: str, tally: Tally) -> dict[str, Any]:
    """What got in the way, over the period's completed referrals: referrals naming at
    least one barrier, and each barrier's referrals (a referral may name several, so
    the barriers do not add up to the total), the recipients' and the families' apart."""
    codes = Barrier.values
    return {
        "referrals_count": ledger.count(f"{p}.barriers", tally.counts["barriers"]),
        "by_barrier": _breakdown(
            ledger, f"{p}.barriers.of", "barrier", codes, _codes(tally, "barriers.of", codes), None
        ),
        "family_referrals_count": ledger.count(f"{p}.barriers.family", tally.counts["barriers.family"]),
        "by_family_barrier": _breakdown(
            ledger,
            f"{p}.barriers.family.of",
            "barrier",
            codes,
            _codes(tally, "barriers.family.of", codes),
            None,
        ),
    }


def consents(ledger: Ledger, p: str, tally: Tally) -> dict[str, Any]:
    return {
        "granted_count": ledger.count(f"{p}.consents.granted", tally.counts["consents.granted"]),
        "revoked_count": ledger.count(f"{p}.consents.revoked", tally.counts["consents.revoked"]),
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


class TallySource(Protocol):
    """Where a block's tallies come from: a year's rows (``RowSource``, computed on
    request) or the stored monthly tallies (``indicators.monthly.Cube``)."""

    as_of: datetime.datetime

    def block(self, period: Period, slice_: str) -> Tally: ...

    def month(self, month: str, slice_: str) -> Tally: ...


class RowSource:
    """Tallies computed from a year's rows, one block at a time (the rows of the period
    and population, then tallied)."""

    def __init__(self, data: YearData, as_of: datetime.datetime) -> None:
        self.data = data
        self.as_of = as_of
        self.by_referral: dict[int, list[ScreeningRow]] = defaultdict(list)
        for screening in data.screenings:
            self.by_referral[screening.referral_id].append(screening)

    def _tally(self, start: datetime.datetime, after: datetime.datetime, slice_: str) -> Tally:
        tally = Tally()
        for r in self.data.rows:
            if start <= r.sent_at < after and in_slice(slice_, r.to_discipline, r.recipient_state):
                band = age_band(age_months(r.date_of_birth, r.sent_at.date()))
                tally_.count_referral(tally, r, r.id in self.data.first_ids, band)
                for s in self.by_referral.get(r.id, ()):
                    tally_.count_screening(tally, s.instrument, s.band)
        for e in self.data.consents:
            if start <= e.at < after and in_slice(slice_, e.discipline, e.state):
                tally_.count_consent(tally, e.kind)
        return tally

    def block(self, period: Period, slice_: str) -> Tally:
        return self._tally(*period.bounds(), slice_)

    def month(self, month: str, slice_: str) -> Tally:
        first = datetime.date.fromisoformat(f"{month}-01")
        return self._tally(*Period("month", first).bounds(), slice_)


def period_block(
    ledger: Ledger, p: str, period: Period, slice_: str, source: TallySource, now: datetime.datetime
) -> dict[str, Any]:
    """The true counts (``Slot``s) of ``period`` for the population ``slice_`` (``all``,
    ``discipline:<code>``, ``state:<XX>``), keys prefixed ``p``. Months appear inside a
    period (``by_month``) for the whole network only."""
    block = source.block(period, slice_)
    kind, _, value = slice_.partition(":")
    disciplines = [value] if kind == "discipline" else list(Discipline.values)
    referrals_total = ledger.count(f"{p}.referrals", block.counts["referrals"])
    return {
        "children_referred": children_referred(ledger, p, block),
        "referral_sources": referral_sources(ledger, p, block, referrals_total),
        "screenings": screenings(ledger, p, block),
        "connected": connected(ledger, p, source, block, period, referrals_total, slice_),
        "first_contact": first_contact(ledger, p, source, block, period, now, slice_),
        "first_appointment": first_appointment(ledger, p, block, now),
        "declines": declines(ledger, p, block, disciplines),
        "consents": consents(ledger, p, block),
        "needs_met": needs_met(ledger, p, block),
        "barriers": barriers(ledger, p, block),
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
        source = RowSource(load_year(period.start.year), now)
        blocks[name] = period_block(ledger, name, period, filters.slice, source, now)
    disciplines = [filters.discipline] if filters.discipline else list(Discipline.values)
    report = {
        "period": period_json(current),
        "previous_period": period_json(previous),
        "filters": filters_json(filters),
        **blocks,
        "capacity": capacity(ledger, _load_capacity(filters), disciplines),
    }
    return ledger, report
