"""Network indicators over HTTP (network leads only): JSON and the same table as CSV."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.fields import Field
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from directory.models import Discipline
from indicators import services, table
from indicators.params import KINDS
from referral_hub.renderers import CsvRenderer
from referral_hub.schema import ErrorOutput

COUNT_HELP = 'A count: 0, an integer >= 11, or "<11" (withheld).'

PARAMETERS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=list(KINDS),
        description="The kind of period: `month`, `quarter` or `year`. Default: `quarter`. "
        "Only whole calendar periods that ended before today are published.",
    ),
    OpenApiParameter(
        "start",
        OpenApiTypes.DATE,
        description="The period's first day (`2026-07-01` for Q3 2026; a month's 1st, a "
        "quarter's 1 Jan/Apr/Jul/Oct, a year's 1 Jan). Default: the last closed period of "
        "that kind.",
    ),
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        deprecated=True,
        description="Old form, accepted only with `to` when both name exactly one closed "
        "month, quarter or year; any other dates are a 400 `period_not_allowed`.",
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, deprecated=True, description="See `from`."),
    OpenApiParameter(
        "area",
        OpenApiTypes.STR,
        description="A state (`MI`), with `period=quarter` only. ZIP3s and counties are a "
        "400 `period_not_allowed`.",
    ),
    OpenApiParameter(
        "discipline",
        OpenApiTypes.STR,
        enum=Discipline.values,
        description="Recipient discipline, with `period=quarter` only and never with `area`.",
    ),
]
ERRORS = {
    400: OpenApiResponse(
        ErrorOutput,
        description="`period_not_allowed` (free dates, a period not ended yet, a ZIP3 or "
        "county, an area or discipline outside a quarter, both together) or "
        "`invalid_parameter` (a malformed value); `parameter` names it.",
    ),
    403: OpenApiResponse(ErrorOutput, description="`network_lead_only`"),
}


class PeriodOutput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(list(KINDS))
    start = serializers.DateField()
    from_ = serializers.DateField()
    to = serializers.DateField()
    days = serializers.IntegerField()

    def get_fields(self) -> dict[str, Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class PeriodIndicatorsOutput(serializers.Serializer[Any]):
    """Each indicator: counts under ``count`` / ``*_count`` keys (see COUNT_HELP),
    breakdowns as lists under ``by_*`` keys; definitions in docs/indicators.md."""

    children_referred = serializers.DictField(help_text="count, by_age_band[], by_concern_type[]")
    referral_sources = serializers.DictField(help_text="count, by_discipline[] (sender's discipline)")
    screenings = serializers.DictField(help_text="count, by_instrument[{instrument, count, by_band[]}]")
    connected = serializers.DictField(
        help_text="referrals_count, connected_count, not_connected_count, percent, by_month[]"
    )
    first_contact = serializers.DictField(
        help_text="referrals_count, within_7_days_count, after_7_days_count, percent_within_7_days, "
        "median_days, p90_days, statistics_note, by_month[]"
    )
    first_appointment = serializers.DictField(
        help_text="referrals_count, within_45_days_count, after_45_days_count, percent_within_45_days, "
        "median_days, p90_days, statistics_note"
    )
    declines = serializers.DictField(
        help_text="count, by_reason[], by_discipline[], by_discipline_and_reason[]"
    )
    consents = serializers.DictField(help_text="granted_count, revoked_count")
    needs_met = serializers.DictField(
        allow_null=True,
        help_text="Completed referrals: completed_count, by_answer[{answer, count}] (the "
        "recipient's answer; met, partly, not_met, unknown), family_answered_count, "
        "by_family_answer[] (the families' own answers). null for a period published before "
        "needs met were counted.",
    )
    barriers = serializers.DictField(
        allow_null=True,
        help_text="Completed referrals naming a barrier: referrals_count, by_barrier[{barrier, "
        "count}] (a referral may name several), family_referrals_count, by_family_barrier[]. "
        "null as needs_met.",
    )


class IndicatorsOutput(serializers.Serializer[Any]):
    period = PeriodOutput(help_text="The aligned, closed period published.")
    previous_period = PeriodOutput(help_text="The period before it, of the same kind (as published).")
    filters = serializers.DictField()
    area_rule = serializers.CharField()
    suppression = serializers.DictField()
    state = serializers.ChoiceField(
        ["published", "pending", "unavailable"],
        help_text="`published`: the period's figures are in `current`. `pending`: the period has "
        "closed but the job has not published it yet (in the minutes after it closes): `current` "
        "is null and `next_publication_at` says when the job next runs. `unavailable`: the job "
        "does not publish it (a year before any referral or consent event, a state with no "
        "provider listed); `current` is null. A read never computes figures.",
    )
    next_publication_at = serializers.DateTimeField(
        allow_null=True,
        help_text="With `state: pending`: when the job that publishes closed periods next starts "
        "(it runs at 00:00 UTC on each month's first day and hourly at minute 7); null otherwise.",
    )
    current = PeriodIndicatorsOutput(allow_null=True, help_text="null unless `state` is `published`.")
    previous = PeriodIndicatorsOutput(
        allow_null=True, help_text="The previous period as published; null if it is not published."
    )
    capacity = serializers.DictField(
        help_text="as_of, rule, count, accepting_count, not_accepting_count, by_discipline[]"
    )
    # "source" is also an attribute of every DRF field: declared as ``source_``, renamed.
    source_ = serializers.ChoiceField(
        ["rollup"],
        allow_null=True,
        help_text="`rollup`: the period was published by the job before this request (stored, "
        "never recomputed); null when it is not published. (`live`, a period published by the "
        "request itself, is gone: a read never publishes.)",
    )
    as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="The time of the data this period's figures were published from (the monthly "
        "tallies they were added up from, computed by the job after the period ended); published "
        "once, they never change. null when the period is not published.",
    )

    def get_fields(self) -> dict[str, Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["source"] = fields.pop("source_")
        return fields


class IndicatorsApi(APIView):
    @extend_schema(
        parameters=PARAMETERS,
        responses={200: IndicatorsOutput, **ERRORS},
        summary="Network indicators for a period and the previous one (network lead; aggregates only)",
        description=COUNT_HELP,
    )
    def get(self, request: Request) -> Response:
        _, report = services.indicators_read(actor=request.user, query=request.query_params, channel="api")
        return Response(report)


class IndicatorsCsvApi(APIView):
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS},
        summary="The indicators as CSV: period, indicator, breakdown, group, measure, value (network lead)",
    )
    def get(self, request: Request) -> HttpResponse:
        filters, report = services.indicators_read(
            actor=request.user, query=request.query_params, channel="csv"
        )
        response = HttpResponse(table.to_csv(report), content_type="text/csv; charset=utf-8")
        name = f"indicators-{filters.period.start.isoformat()}-{filters.period.end.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
