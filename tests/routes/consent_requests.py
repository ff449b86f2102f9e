"""Consent requests: the social worker asked family 2 (guardian2) to share Ava with the
pediatrician (demo). The team provider (pediatrician) is covered for Mateo only."""

from tests.routes import Route, everyone


def _ava_request(w):
    return {"request_id": w["consent_requests"]["ava_pediatrician"].pk}


def _ask(w):
    return {
        "child": w["children"]["mateo"].pk,
        "provider": w["providers"]["outsider"].pk,
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "note": "route inventory",
    }


GUARDIAN2_ONLY = {
    "anonymous": 403,
    "guardian": 404,
    "guardian2": 200,
    "team_provider": 403,
    "outsider": 403,
    "curator": 403,
}

ROUTES = [
    Route("api-consent-requests", {**everyone(200), "anonymous": 403}),
    Route(
        "api-consent-requests",
        {
            "anonymous": 403,
            "guardian": 403,
            "guardian2": 403,
            "team_provider": 201,
            "outsider": 404,  # no consent lets the outsider see Mateo
            "curator": 403,
        },
        method="post",
        data=_ask,
        label="post-api-consent-requests",
    ),
    Route(
        "api-consent-request-sign",
        GUARDIAN2_ONLY,
        method="post",
        kwargs=_ava_request,
        data=lambda w: {"password": w["password"]},
    ),
    Route(
        "api-consent-request-decline",
        GUARDIAN2_ONLY,
        method="post",
        kwargs=_ava_request,
        data=lambda w: {"reason": "route inventory"},
    ),
    Route(
        "portal-consent-request",
        {**GUARDIAN2_ONLY, "anonymous": 302},
        kwargs=_ava_request,
    ),
    Route(
        # A JSON body is no form: an empty signature is refused on the page (400), nothing changes.
        "portal-consent-request",
        {**GUARDIAN2_ONLY, "anonymous": 302, "guardian2": 400},
        method="post",
        kwargs=_ava_request,
        data=lambda w: {},
        label="post-portal-consent-request",
    ),
    Route(
        # Form posts only: a JSON body names no child, so even the team provider gets 404.
        "consent-request-new",
        {
            "anonymous": 302,
            "guardian": 403,
            "guardian2": 403,
            "team_provider": 404,
            "outsider": 404,
            "curator": 403,
        },
        method="post",
        data=_ask,
    ),
]
