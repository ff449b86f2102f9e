from families.models import Authority
from tests.routes import Route, everyone


def _mateos_parent_authority(w):
    guardian = w["guardians"]["guardian"]
    return {
        "authority_id": Authority.objects.filter(child=w["children"]["mateo"], holder=guardian).first().pk
    }


ROUTES = [
    Route(
        # Staff (the demo curator) end any authority early, a coordinator one of a child in
        # their queue (Mateo is not); everyone else gets the same 404 as for a missing id.
        "api-authority-end",
        {**everyone(404), "anonymous": 403, "curator": 200},
        method="post",
        kwargs=_mateos_parent_authority,
        data=lambda w: {"note": "Route inventory: custody moved to the agency."},
    ),
]
