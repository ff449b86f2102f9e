"""Directory routes: public pages and API for everyone; curation for curators only."""

from tests.routes import Route, everyone


def _imh(world) -> dict:
    return {"provider_id": world["providers"]["imh_clinician"].pk}


def _pending_endorsement(world) -> dict:
    from directory.models import Endorsement

    return {"endorsement_id": Endorsement.objects.get(provider=world["providers"]["educator"]).pk}


CURATOR_ONLY_PAGE = {**everyone(403), "anonymous": 302, "curator": 200}
CURATOR_ONLY_POST = {**everyone(403), "anonymous": 302, "curator": 302}

ROUTES = [
    Route("home", everyone(200)),
    Route(
        "home", everyone(200), query="near=48104&discipline=mental_health_clinician", label="get-home-search"
    ),
    Route("home", everyone(400), query="near=nowhere", label="get-home-bad-input"),
    Route("provider-page", everyone(200), kwargs=_imh),
    Route("curate", CURATOR_ONLY_PAGE),
    Route("curate-endorsement-verify", CURATOR_ONLY_POST, method="post", kwargs=_pending_endorsement),
    Route("curate-endorsement-revoke", CURATOR_ONLY_PAGE, kwargs=_pending_endorsement),
    # Without a reason and the confirmation the page answers again and nothing changes.
    Route(
        "curate-endorsement-revoke",
        {**CURATOR_ONLY_POST, "curator": 400},
        method="post",
        kwargs=_pending_endorsement,
        label="POST-curate-endorsement-revoke",
    ),
    Route("api-provider-list", everyone(200)),
    Route("api-provider-list", everyone(400), query="discipline=wizard", label="get-api-provider-list-bad"),
    Route("api-provider-detail", everyone(200), kwargs=_imh),
    Route("hsds-services", everyone(200)),
    Route(
        "hsds-service",
        everyone(200),
        kwargs=lambda w: {"service_id": str(w["providers"]["imh_clinician"].hsds_id)},
    ),
    Route("hsds-organizations", everyone(200)),
]
