"""The dashboard page for network leads."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from directory.models import Discipline
from indicators import charts, services
from indicators.params import KINDS, Filters
from referral_hub.errors import ApplicationError


def _moment(iso: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(iso) if iso else None


def _previous_url(filters: Filters) -> str:
    """The same question for the period before (published while this one is pending)."""
    previous = Filters(filters.period.previous(), filters.area, filters.discipline)
    return f"{reverse('indicators-dashboard')}?{urlencode(previous.as_query())}"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"disciplines": Discipline.choices, "kinds": KINDS, "query": request.GET}
    try:
        filters, report = services.indicators_read(actor=request.user, query=request.GET, channel="page")
    except ApplicationError as exc:
        if exc.status == 403:
            return render(
                request, "families/message.html", {"title": "Not available", "text": exc.message}, status=403
            )
        return render(
            request, "indicators/dashboard.html", {**context, "error": exc.message}, status=exc.status
        )
    context.update(
        report=report,
        charts=charts.dashboard_charts(report),
        filters=filters,
        as_of=_moment(report["as_of"]),
        next_publication_at=_moment(report["next_publication_at"]),
        csv_url=f"{reverse('api-indicators-csv')}?{urlencode(filters.as_query())}",
        previous_url=_previous_url(filters) if report["current"] is None and report["previous"] else None,
    )
    return render(request, "indicators/dashboard.html", context)
