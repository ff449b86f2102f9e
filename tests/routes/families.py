from tests.routes import Route, everyone


def _child(key):
    return lambda w: {"child_id": w["children"][key].pk}


GUARDIAN_ONLY_PAGE = {
    "anonymous": 302,
    "guardian": 200,
    "guardian2": 200,
    "team_provider": 403,
    "outsider": 403,
    "curator": 403,
}
PROVIDER_ONLY_PAGE = {
    "anonymous": 302,
    "guardian": 403,
    "guardian2": 403,
    "team_provider": 200,
    "outsider": 200,
    "curator": 403,
}

ROUTES = [
    Route("families-register", everyone(200)),
    Route("families-confirm", everyone(400), kwargs=lambda w: {"token": "not-a-valid-token"}),
    # Password reset: the same answers for everyone (known address or not).
    Route("password_reset", everyone(200)),
    Route("password_reset_done", everyone(200)),
    Route("password_reset_confirm", everyone(200), kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}),
    Route("password_reset_complete", everyone(200)),
    Route("families-invitation", everyone(404), kwargs=lambda w: {"token": "not-a-valid-token"}),
    Route("families-add-child", GUARDIAN_ONLY_PAGE),
    Route("families-invite", PROVIDER_ONLY_PAGE),
    Route("api-children", {**everyone(200), "anonymous": 403}),
    Route(
        "api-children",
        {**everyone(403), "guardian": 201, "guardian2": 201},
        method="post",
        data=lambda w: {"first_name": "Nina", "last_name": "New", "date_of_birth": "2025-06-01"},
        label="post-api-children",
    ),
    Route(
        "api-child",
        {**everyone(404), "anonymous": 403, "guardian": 200, "team_provider": 200},
        kwargs=_child("mateo"),
        label="api-child-mateo",
    ),
    Route(
        "api-child",
        {**everyone(404), "anonymous": 403, "guardian2": 200},
        kwargs=_child("ava"),
        label="api-child-ava",
    ),
    Route(
        "api-invitations",
        {**everyone(403), "team_provider": 201, "outsider": 201},
        method="post",
        data=lambda w: {
            "guardian_email": "new.parent@example.test",
            "child_first_name": "Theo",
            "child_last_name": "Park",
            "child_date_of_birth": "2025-09-09",
        },
    ),
]
