import uuid

from tests.routes import Route, WsRoute

NOT_ON_TEAM = {"guardian": 404, "guardian2": 404, "outsider": 404, "curator": 404}


def _mateo(world):
    return {"case_id": world["cases"]["mateo"].pk}


ROUTES = [
    Route("api-case-messages", {"anonymous": 403, **NOT_ON_TEAM, "team_provider": 200}, kwargs=_mateo),
    Route(
        "api-case-messages",
        {"anonymous": 403, **NOT_ON_TEAM, "team_provider": 201},
        method="post",
        kwargs=_mateo,
        data=lambda w: {"body": "Route check", "client_msg_id": str(uuid.uuid4())},
        label="post-api-case-messages",
    ),
    Route("case-chat", {"anonymous": 302, **NOT_ON_TEAM, "team_provider": 200}, kwargs=_mateo),
    # The Cases page is the providers' (the outsider's is empty); others get a 403 page.
    Route(
        "cases",
        {
            "anonymous": 302,
            "guardian": 403,
            "guardian2": 403,
            "team_provider": 200,
            "outsider": 200,
            "curator": 403,
        },
    ),
]

WS_ROUTES = [
    WsRoute(
        "ws-case-chat",
        path=lambda w: f"/ws/cases/{w['cases']['mateo'].pk}/",
        expect={
            "anonymous": 4401,
            "guardian": 4403,
            "guardian2": 4403,
            "team_provider": "accept",
            "outsider": 4403,
            "curator": 4403,
        },
    ),
]
