from tests.routes import Route, everyone


def _mateo(w):
    return {"child_id": w["children"]["mateo"].pk}


ROUTES = [
    Route("portal-access-log", {**everyone(404), "anonymous": 302, "guardian": 200}, kwargs=_mateo),
    Route("api-child-access-log", {**everyone(404), "anonymous": 403, "guardian": 200}, kwargs=_mateo),
    Route("audit-export", {**everyone(403), "anonymous": 302, "curator": 200}),
    Route("api-audit-export", {**everyone(403), "curator": 200}),
]
