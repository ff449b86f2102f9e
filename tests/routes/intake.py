"""Family requests and the care coordinators' queue. Only guardians ask; only
coordinators see the queue; a request's pages answer 404 to everyone but its family."""

from tests.routes import Route, everyone

GUARDIANS_ONLY = {**everyone(403), "guardian": 200, "guardian2": 200, "coordinator": 403}
COORDINATOR_ONLY = {**everyone(403), "coordinator": 200}
COORDINATOR_PAGE = {**COORDINATOR_ONLY, "anonymous": 302}


def _queued(w):
    return {"request_id": w["family_requests"]["queued"].pk}


def _anonymous(w):
    return {"request_id": w["family_requests"]["anonymous"].pk}


def _referred(w):
    return {"request_id": w["family_requests"]["referred"].pk}


def _ask(w):
    return {
        "child": w["children"]["mateo"].pk,
        # The outsider has no referral of Mateo open (the care team's providers do).
        "provider": w["providers"]["outsider"].pk,
        "concern": "He does not babble yet.",
        "preferred_language": "en",
        "contact_method": "email",
        "best_times": "mornings",
        "password": w["password"],
    }


ROUTES = [
    Route("intake-ask", {**GUARDIANS_ONLY, "anonymous": 200}),
    Route(
        "intake-ask",
        {**GUARDIANS_ONLY, "anonymous": 200},
        query="provider=1",
        label="get-intake-ask-provider",
    ),
    Route(
        "intake-ask",
        # The walk posts JSON, which is no form: the page is shown again (the form's
        # own answers are pinned in tests/intake); signed out too (the form for asking
        # without an account, issue 25: tests/intake/test_ask_without_account.py).
        {**everyone(403), "anonymous": 200, "guardian": 200, "guardian2": 200},
        method="post",
        data=lambda w: {**_ask(w), "child": str(w["children"]["mateo"].pk)},
        query="",
        label="post-intake-ask",
    ),
    Route("intake-request-done", {**everyone(404), "anonymous": 302}, kwargs=_referred),
    Route("intake-my-requests", {**GUARDIANS_ONLY, "anonymous": 302}),
    Route("intake-sign", {**everyone(404), "anonymous": 302}, kwargs=_queued),
    Route(
        "intake-withdraw",
        {**everyone(404), "anonymous": 302},
        method="post",
        kwargs=_queued,
        data=lambda w: {},
    ),
    Route("intake-queue", COORDINATOR_PAGE),
    Route("intake-queue-item", COORDINATOR_PAGE, kwargs=_queued),
    # A request made without an account (no child): the coordinators' alone.
    Route("intake-queue-item", COORDINATOR_PAGE, kwargs=_anonymous, label="get-intake-queue-item-anonymous"),
    Route(
        "intake-queue-item",
        # "Close: we reached the family" is the form field action=close; the walk's JSON
        # body is no form, so the page is shown again (closing is pinned in tests/intake).
        COORDINATOR_PAGE,
        method="post",
        kwargs=_anonymous,
        data=lambda w: {"action": "close"},
        label="post-intake-queue-item-close",
    ),
    Route(
        "intake-queue-item",
        COORDINATOR_PAGE,
        method="post",
        kwargs=_queued,
        data=lambda w: {"to_provider": w["providers"]["slp"].pk},
        label="post-intake-queue-item-route",
    ),
    Route("api-requests", {**everyone(200), "anonymous": 403}),
    Route(
        "api-requests",
        {**everyone(403), "guardian": 201, "guardian2": 404},
        method="post",
        data=_ask,
        label="post-api-requests",
    ),
    Route(
        "api-request-sign",
        {**everyone(403), "guardian": 404, "guardian2": 404},
        method="post",
        kwargs=_queued,
        data=lambda w: {"password": w["password"]},
    ),
    Route(
        "api-request-withdraw",
        {**everyone(404), "anonymous": 403},
        method="post",
        kwargs=_queued,
        data=lambda w: {},
    ),
    Route("api-coordination-queue", COORDINATOR_ONLY),
    Route("api-coordination-queue-item", COORDINATOR_ONLY, kwargs=_queued),
    Route(
        "api-coordination-route",
        COORDINATOR_ONLY,
        method="post",
        kwargs=_queued,
        data=lambda w: {"to_provider": w["providers"]["slp"].pk},
    ),
    Route(
        "api-coordination-queue-item",
        COORDINATOR_ONLY,
        kwargs=_anonymous,
        label="get-api-coordination-anonymous",
    ),
    Route(
        "api-coordination-route",
        # Without an account there is nothing to route: 409 account_needed.
        {**COORDINATOR_ONLY, "coordinator": 409},
        method="post",
        kwargs=_anonymous,
        data=lambda w: {"to_provider": w["providers"]["slp"].pk},
        label="post-api-coordination-route-anonymous",
    ),
]
