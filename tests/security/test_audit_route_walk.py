"""Finding 4 (issue 8): every read of child data writes an audit row, lists included.

Walks every HTTP route of the route inventory (``tests/routes/``) as each role over the
demo world. A response "names a child" when a demo child's full name or first name (as
a whole word) appears in its body, when it references the child as a FHIR
``Patient/<id>``, or when its URL is the child's own (``/children/<id>/``, e.g. the
access log, which lists rows about the child without repeating the name) and it
succeeded. For every response, the access-log rows it added
(outcome allowed, by that user) name exactly the children the response named: no
child shown without a row, and (for reads) no row for a child not shown."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from families.models import Child
from tests.routes import ROLE_USERNAMES, ROLES
from tests.test_route_inventory import ROUTES

pytestmark = [pytest.mark.services, pytest.mark.django_db]

# The access-log export lists rows by child id, not by name: it names no child, and its
# own read is logged as an export of the log (a row without a child).
# A partner's one-time link (issue 27) is read by the partner whoever holds it: its rows
# are written under the partner's name ("<partner> (partner_link)", no account), checked
# in tests/referrals/test_partner_links.py, not under the signed-in walker.
NAME_FREE = {"audit-export", "api-audit-export", "partner-link"}


def _patterns() -> dict[int, re.Pattern[str]]:
    return {
        child.pk: re.compile(rf"\b({re.escape(child.first_name)}|{re.escape(child.name)})\b")
        for child in Child.objects.all()
    }


def _body(response) -> str:  # type: ignore[no-untyped-def]
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _walk_one(client, route, url: str, demo, user, patterns) -> tuple[set[int], set[int]]:  # type: ignore[no-untyped-def]
    """One request in a rolled-back transaction: (children named, children logged)."""
    with transaction.atomic():
        before = AuditEvent.objects.order_by("-id").values_list("pk", flat=True).first() or 0
        data = route.data(demo) if route.data else None
        response = (
            getattr(client, route.method)(url, data=data, content_type="application/json")
            if route.method != "get"
            else client.get(url)
        )
        body = _body(response)
        named = {
            pk
            for pk, pattern in patterns.items()
            if pattern.search(body)
            or f"Patient/{pk}" in body
            or (response.status_code < 300 and f"/children/{pk}/" in url)
        }
        logged = set(
            AuditEvent.objects.filter(pk__gt=before, outcome=Outcome.ALLOWED, child__isnull=False)
            .filter(actor=user)
            .values_list("child_id", flat=True)
        )
        transaction.set_rollback(True)
    return named, logged


@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if r.name not in NAME_FREE],
    ids=[r.label or f"{r.method}-{r.name}" for r in ROUTES if r.name not in NAME_FREE],
)
def test_every_response_naming_a_child_logged_exactly_those_children(route, demo, client, postgres_url):
    patterns = _patterns()
    problems = []
    url = reverse(route.name, kwargs=route.kwargs(demo)) + (f"?{route.query}" if route.query else "")
    for role in ROLES:
        if role == "anonymous":
            continue
        user = User.objects.get(username=ROLE_USERNAMES[role])
        client.force_login(user)
        named, logged = _walk_one(client, route, url, demo, user, patterns)
        missing = named - logged
        extra = logged - named if route.method == "get" else set()
        if missing or extra:
            problems.append(f"{route.method.upper()} {url} as {role}: unlogged {missing}, not shown {extra}")
        client.logout()
    assert not problems, "\n".join(problems)
