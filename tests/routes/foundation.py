from tests.routes import Route, WsRoute, everyone

ROUTES = [
    Route("login", {**everyone(302), "anonymous": 200}),
    Route("logout", everyone(302), method="post"),
    Route("schema", everyone(200)),
    Route("swagger-ui", everyone(200)),
    Route("healthz", everyone(200)),
    Route("readyz", everyone(200)),
    # Tests run as a development checkout (DJANGO_DEBUG unset): /metrics is open.
    Route("metrics", everyone(200)),
    Route("api-token", everyone(400), method="post", data=lambda w: {"username": "nobody"}),
    Route("api-me", {**everyone(200), "anonymous": 403}),
    Route("account-settings", {**everyone(200), "anonymous": 302}),
    # The language switcher: Django's set_language, POST only (a GET writes nothing).
    Route("set_language", everyone(302), method="post"),
    Route("set_language", everyone(405), label="get-set_language"),
    Route("password_change", {**everyone(200), "anonymous": 302}),
    Route("password_change_done", {**everyone(200), "anonymous": 302}),
]

WS_ROUTES = [
    WsRoute(
        "ws-notifications",
        path=lambda w: "/ws/notifications/",
        expect={
            "anonymous": 4401,
            "guardian": "accept",
            "guardian2": "accept",
            "team_provider": "accept",
            "outsider": "accept",
            "curator": "accept",
        },
    ),
]
