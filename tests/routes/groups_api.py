"""Groups and events, the API (issue 28): finding groups and their calendars is public;
registering needs an account (a providers' group takes providers only); a registration,
its cancelling and its calendar are its registrant's alone (404 to anyone else)."""

from tests.routes import Route, everyone

SIGNED_IN = {**everyone(200), "anonymous": 403}
# Roles with a directory listing: the pediatrician (team provider) and the outsider.
PROVIDERS = ("team_provider", "outsider")


def _group(key):
    return lambda w: {"group_id": w["groups"][key].pk}


def _registration(who):
    return lambda w: {"registration_id": w["group_registrations"][who].pk}


ROUTES = [
    Route("api-group-list", everyone(200)),
    Route(
        "api-group-list",
        everyone(200),
        query="kind=parent_group&near=48104&language=es&age_months=12",
        label="get-api-group-list-filtered",
    ),
    Route("api-group-list", everyone(400), query="kind=picnic", label="get-api-group-list-bad-kind"),
    Route("api-group-detail", everyone(200), kwargs=_group("spanish_parents")),
    Route(
        "api-group-detail",
        everyone(200),
        kwargs=_group("reflective_supervision"),
        label="get-api-group-detail-rsc",
    ),
    Route("api-group-calendar", everyone(200), kwargs=_group("baby_and_me")),
    Route(
        "api-group-register",
        # The guardian already holds a place: the same registration, 200.
        {**everyone(201), "anonymous": 403, "guardian": 200},
        method="post",
        kwargs=_group("baby_and_me"),
        data=lambda w: {},
    ),
    Route(
        "api-group-register",
        # Providers only; the pediatrician already holds a place.
        {**everyone(403), "team_provider": 200, "outsider": 201},
        method="post",
        kwargs=_group("reflective_supervision"),
        data=lambda w: {},
        label="post-api-group-register-providers-only",
    ),
    Route("api-group-registration-list", SIGNED_IN),
    Route(
        "api-group-registration-cancel",
        {**everyone(404), "anonymous": 403, "guardian": 200},
        method="post",
        kwargs=_registration("guardian"),
        data=lambda w: {},
    ),
    Route(
        "api-group-registration-calendar",
        {**everyone(404), "anonymous": 403, "guardian": 200},
        kwargs=_registration("guardian"),
    ),
    Route(
        "api-group-registration-calendar",
        {**everyone(404), "anonymous": 403, "team_provider": 200},
        kwargs=_registration("pediatrician"),
        label="get-api-group-registration-calendar-provider",
    ),
]
