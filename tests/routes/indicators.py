"""Network indicators: network leads only (everyone else 403; anonymous to the login page)."""

from tests.routes import Route, everyone

ROUTES = [
    Route(
        "indicators-dashboard", {**everyone(403), "anonymous": 302, "network_lead": 200, "coordinator": 403}
    ),
    Route(
        "indicators-dashboard",
        {**everyone(403), "anonymous": 302, "network_lead": 400, "coordinator": 403},
        query="from=someday",
        label="get-indicators-dashboard-bad",
    ),
    Route("api-indicators", {**everyone(403), "network_lead": 200, "coordinator": 403}),
    Route(
        "api-indicators",
        {**everyone(403), "network_lead": 400, "coordinator": 403},
        query="discipline=wizard",
        label="get-api-indicators-bad",
    ),
    Route(
        "api-indicators",
        {**everyone(403), "network_lead": 400, "coordinator": 403},
        query="from=2025-11-01&to=2025-11-29",
        label="get-api-indicators-free-dates",
    ),
    Route("api-indicators-csv", {**everyone(403), "network_lead": 200, "coordinator": 403}),
    # A period the job does not (or not yet) publish: a 200 with its state, never a 500
    # and never figures computed for the request (docs/indicators.md, "Publication state").
    Route(
        "api-indicators",
        {**everyone(403), "network_lead": 200, "coordinator": 403},
        query="period=year&start=2010-01-01",
        label="get-api-indicators-unpublished",
    ),
    Route(
        "indicators-dashboard",
        {**everyone(403), "anonymous": 302, "network_lead": 200, "coordinator": 403},
        query="period=year&start=2010-01-01",
        label="get-indicators-dashboard-unpublished",
    ),
]
