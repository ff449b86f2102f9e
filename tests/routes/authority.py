"""Who may consent for a child (issue 26): the household and the recorders (network
staff, a coordinator for a child in their queue) read the list; only the recorders
record, anyone else is refused (403 ``recorder_only``) before the child is looked at.

The walk posts JSON, which carries no document: a recorder's authority or restriction
is refused with 400 ``document_required`` (the recording itself is pinned in
tests/consent/test_authority_record.py); the page, sent no form, is shown again. The
order's document is uploaded first (``/api/v1/documents/``, recorders only): sent no
file, a recorder is refused with 400 ``document_required``, anyone else 403."""

from tests.routes import Route, everyone

RECORDERS_REFUSED = {**everyone(403), "curator": 400, "network_lead": 403}


def _mateo(w):
    return {"child_id": w["children"]["mateo"].pk}


def _sofia(w):
    """The Spanish-speaking family's child, in the coordinators' queue (seed_demo)."""
    return {"child_id": w["children"]["sofia"].pk}


def _authority(w):
    return {"person": w["guardians"]["guardian"].user_id, "basis": "legal_guardian", "order_number": "R-1"}


def _restriction(w):
    return {"person": w["guardians"]["guardian"].user_id, "kind": "no_contact", "order_number": "R-2"}


ROUTES = [
    Route(
        "api-child-authority",
        {**everyone(404), "anonymous": 403, "guardian": 200, "curator": 200, "network_lead": 404},
        kwargs=_mateo,
    ),
    Route(
        "api-child-authority",
        {**everyone(404), "anonymous": 403, "curator": 200, "network_lead": 404, "coordinator": 200},
        kwargs=_sofia,
        label="get-api-child-authority-queued",
    ),
    Route(
        "api-child-authority",
        {**RECORDERS_REFUSED, "coordinator": 404},
        method="post",
        kwargs=_mateo,
        data=_authority,
        label="post-api-child-authority",
    ),
    Route(
        "api-child-authority",
        {**RECORDERS_REFUSED, "coordinator": 400},
        method="post",
        kwargs=_sofia,
        data=_authority,
        label="post-api-child-authority-queued",
    ),
    Route(
        "api-child-restrictions",
        {**everyone(404), "anonymous": 403, "guardian": 200, "curator": 200, "network_lead": 404},
        kwargs=_mateo,
    ),
    Route(
        "api-child-restrictions",
        {**RECORDERS_REFUSED, "coordinator": 400},
        method="post",
        kwargs=_sofia,
        data=_restriction,
        label="post-api-child-restrictions-queued",
    ),
    Route(
        "api-child-restrictions",
        {**RECORDERS_REFUSED, "coordinator": 404},
        method="post",
        kwargs=_mateo,
        data=_restriction,
        label="post-api-child-restrictions",
    ),
    Route(
        "authority-find",
        {**everyone(403), "anonymous": 302, "curator": 200, "network_lead": 403, "coordinator": 200},
    ),
    Route(
        "authority-find",
        {**everyone(403), "anonymous": 302, "curator": 200, "network_lead": 403, "coordinator": 200},
        query="q=a",  # a letter: every child with an "a" in a name (the curator's search)
        label="get-authority-find-search",
    ),
    Route(
        "authority-child",
        {**everyone(403), "anonymous": 302, "curator": 200, "network_lead": 403, "coordinator": 404},
        kwargs=_mateo,
    ),
    Route(
        "authority-child",
        {**everyone(403), "anonymous": 302, "curator": 200, "network_lead": 403, "coordinator": 200},
        kwargs=_sofia,
        label="get-authority-child-queued",
    ),
    Route(
        "authority-child",
        {**everyone(403), "anonymous": 302, "curator": 200, "network_lead": 403, "coordinator": 200},
        method="post",
        kwargs=_sofia,
        data=lambda w: {"action": "authority"},
        label="post-authority-child",
    ),
    Route(
        "api-order-documents",
        {**RECORDERS_REFUSED, "coordinator": 400},
        method="post",
        data=lambda w: {},
        label="post-api-order-documents",
    ),
]
