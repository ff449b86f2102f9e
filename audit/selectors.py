"""Reads of the access log."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from referral_hub.errors import ApplicationError

CSV_COLUMNS = [
    "id",
    "at",
    "actor_id",
    "actor_label",
    "child_id",
    "action",
    "data_category",
    "purpose",
    "consent_id",
    "outcome",
    "object_type",
    "object_id",
    "detail",
    "request_id",
    "prev_hash",
    "hash",
]


def child_access_log(*, child_id: int) -> QuerySet[AuditEvent]:
    """The accounting of disclosures for one child, newest first (callers check that the
    actor is the child's guardian)."""
    return AuditEvent.objects.filter(child_id=child_id).order_by("-at", "-id")


def parse_period(start: str | None, end: str | None) -> tuple[datetime.date, datetime.date]:
    """Inclusive dates; default the last 30 days; at most 366 days; 400 naming the
    parameter otherwise."""
    today = timezone.now().date()
    values = {}
    for name, raw, default in (("start", start, today - datetime.timedelta(days=30)), ("end", end, today)):
        if not raw:
            values[name] = default
            continue
        try:
            values[name] = datetime.date.fromisoformat(raw)
        except ValueError:
            raise ApplicationError(
                "invalid_parameter", f"{name} must be a date (YYYY-MM-DD).", extra={"parameter": name}
            ) from None
    if values["end"] < values["start"]:
        raise ApplicationError("invalid_parameter", "end is before start.", extra={"parameter": "end"})
    if (values["end"] - values["start"]).days > 366:
        raise ApplicationError("invalid_parameter", "At most one year at a time.", extra={"parameter": "end"})
    return values["start"], values["end"]


def audit_period(start: datetime.date, end: datetime.date) -> QuerySet[AuditEvent]:
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)
    stop = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC)
    return AuditEvent.objects.filter(at__gte=begin, at__lt=stop).order_by("id")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(queryset: QuerySet[AuditEvent]) -> Iterator[str]:
    """CSV lines, streamed (a year of log need not fit in memory). Cells starting with
    a formula character are prefixed with ' so spreadsheets do not execute them."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in queryset.values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
        cells = []
        for value in row:
            text = (
                value.isoformat()
                if isinstance(value, datetime.datetime)
                else ("" if value is None else str(value))
            )
            if text[:1] in ("=", "+", "-", "@"):
                text = "'" + text
            cells.append(text)
        yield writer.writerow(cells)
