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
from indicators.params import KINDS
from referral_hub.errors import ApplicationError


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
        as_of=datetime.datetime.fromisoformat(report["as_of"]),
        csv_url=f"{reverse('api-indicators-csv')}?{urlencode(filters.as_query())}",
    )
    return render(request, "indicators/dashboard.html", context)
