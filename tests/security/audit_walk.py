"""Finding 4 (issue 8): every read of child data writes an audit row, lists included.

The route inventory's walk (``tests/test_route_inventory.py``) sends every HTTP route of
the inventory (``tests/routes/``) as each role over the demo world, once, and holds each
answer both to its pinned status and to this rule. A response "names a child" when a
demo child's full name or first name (as a whole word) appears in its body, when it
references the child as a FHIR ``Patient/<id>``, or when its URL is the child's own
(``/children/<id>/``, e.g. the access log, which lists rows about the child without
repeating the name) and it succeeded. For every response, the access-log rows it added
(outcome allowed, by that user) name exactly the children the response named: no
child shown without a row, and (for reads) no row for a child not shown."""

from __future__ import annotations

import re

from audit.models import AuditEvent, Outcome
from families.models import Child

# The access-log export lists rows by child id, not by name: it names no child, and its
# own read is logged as an export of the log (a row without a child).
# A partner's one-time link (issue 27) is read by the partner whoever holds it: its rows
# are written under the partner's name ("<partner> (partner_link)", no account), checked
# in tests/referrals/test_partner_links.py, not under the signed-in walker.
NAME_FREE = {"audit-export", "api-audit-export", "partner-link"}


def child_patterns() -> dict[int, re.Pattern[str]]:
    return {
        child.pk: re.compile(rf"\b({re.escape(child.first_name)}|{re.escape(child.name)})\b")
        for child in Child.objects.all()
    }


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("pk", flat=True).first() or 0


def logging_problem(route, answer, patterns) -> str | None:  # type: ignore[no-untyped-def]
    """The rule above for one answer (``tests.routes.walk.Answer``, read inside its
    request's rolled-back transaction; ``answer.before`` is ``last_event_id()``): None
    when the rows the request added name exactly the children its answer names."""
    if answer.user is None or route.name in NAME_FREE:
        return None
    named = {
        pk
        for pk, pattern in patterns.items()
        if pattern.search(answer.body)
        or f"Patient/{pk}" in answer.body
        or (answer.response.status_code < 300 and f"/children/{pk}/" in answer.url)
    }
    logged = set(
        AuditEvent.objects.filter(pk__gt=answer.before, outcome=Outcome.ALLOWED, child__isnull=False)
        .filter(actor=answer.user)
        .values_list("child_id", flat=True)
    )
    missing = named - logged
    extra = logged - named if route.method == "get" else set()
    if missing or extra:
        return f"{answer.where()}: unlogged {missing}, not shown {extra}"
    return None
