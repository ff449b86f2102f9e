import datetime

from tests.routes import Route, everyone


def _mateo(w):
    return w["children"]["mateo"].pk


def _pediatrician_consent(w):
    return {"consent_id": w["consents"]["pediatrician"].pk}


def _grant(w):
    return {
        "child": _mateo(w),
        "recipient_provider": w["providers"]["social_worker"].pk,
        "purposes": ["referral"],
        "data_categories": ["demographics"],
        "expires_on": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        "password": "demo-pass-2026",
    }


ROUTES = [
    Route(
        "portal",
        {
            "anonymous": 302,
            "guardian": 200,
            "guardian2": 200,
            "team_provider": 302,
            "outsider": 302,
            "curator": 403,
        },
    ),
    Route(
        "portal-child",
        {**everyone(404), "anonymous": 302, "guardian": 200},
        kwargs=lambda w: {"child_id": _mateo(w)},
    ),
    Route(
        "portal-household",
        {
            "anonymous": 302,
            "guardian": 200,
            "guardian2": 200,
            "team_provider": 403,
            "outsider": 403,
            "curator": 403,
        },
    ),
    Route(
        "portal-child-household",
        {**everyone(404), "anonymous": 302, "guardian": 200},
        kwargs=lambda w: {"child_id": _mateo(w)},
    ),
    Route(
        "portal-consent-new",
        {
            "anonymous": 302,
            "guardian": 200,
            "guardian2": 404,
            "team_provider": 403,
            "outsider": 403,
            "curator": 403,
        },
        kwargs=lambda w: {"child_id": _mateo(w)},
    ),
    Route(
        "portal-consent-print",
        {**everyone(404), "anonymous": 302, "guardian": 200},
        kwargs=_pediatrician_consent,
    ),
    Route(
        "portal-consent-revoke",
        {
            "anonymous": 302,
            "guardian": 200,
            "guardian2": 404,
            "team_provider": 403,
            "outsider": 403,
            "curator": 403,
        },
        kwargs=_pediatrician_consent,
    ),
    Route(
        "portal-consent-revoke",
        {
            "anonymous": 302,
            "guardian": 302,
            "guardian2": 404,
            "team_provider": 403,
            "outsider": 403,
            "curator": 403,
        },
        method="post",
        kwargs=_pediatrician_consent,
        data=lambda w: {},
        label="post-portal-consent-revoke",
    ),
    Route(
        "portal-provider",
        {
            "anonymous": 302,
            "guardian": 403,
            "guardian2": 403,
            "team_provider": 200,
            "outsider": 200,
            "curator": 403,
        },
    ),
    Route("api-consents", {**everyone(200), "anonymous": 403}),
    Route(
        "api-consents",
        {
            "anonymous": 403,
            "guardian": 201,
            "guardian2": 404,
            "team_provider": 403,
            "outsider": 403,
            "curator": 403,
        },
        method="post",
        data=_grant,
        label="post-api-consents",
    ),
    Route(
        "api-consent-revoke",
        {
            "anonymous": 403,
            "guardian": 200,
            "guardian2": 404,
            "team_provider": 403,
            "outsider": 403,
            "curator": 403,
        },
        method="post",
        kwargs=_pediatrician_consent,
        data=lambda w: {"reason": "route inventory"},
    ),
    Route(
        # Nobody in the demo invited family 1, so even the team provider may not attest for it.
        "api-consent-attest",
        {
            **everyone(404),
            "anonymous": 403,
            "guardian": 403,
            "guardian2": 403,
            "curator": 403,
            "network_lead": 403,
        },
        method="post",
        data=lambda w: {
            "child": _mateo(w),
            "guardian": w["guardians"]["guardian"].pk,
            "signature_method": "provider_attested_verbal",
            "purposes": ["referral"],
            "data_categories": ["demographics"],
            "expires_on": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
        },
    ),
    Route(
        "fhir-consent",
        {**everyone(404), "anonymous": 403, "guardian": 200, "team_provider": 200},
        kwargs=_pediatrician_consent,
    ),
]
