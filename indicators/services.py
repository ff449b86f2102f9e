"""Reading the indicators is an audited, aggregate access: one audit row per read, with
no child (the report holds none), naming the filters and the channel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from audit.models import Action
from audit.services import audit_denied, audit_record
from indicators import rollups
from indicators.params import Filters, parse_filters
from indicators.policies import require_network_lead
from people.roles import Actor
from referral_hub.errors import ApplicationError

OBJECT_TYPE = "network_indicators"


def _describe(filters: Filters, channel: str) -> str:
    query = ", ".join(f"{k}={v}" for k, v in filters.as_query().items())
    return f"aggregate read ({channel}): {query}"


def indicators_read(
    *, actor: Actor, query: Mapping[str, str], channel: str
) -> tuple[Filters, dict[str, Any]]:
    """The filters and the suppressed report for a network lead (``channel``: api, csv
    or page). Everyone else gets 403 ``network_lead_only`` (and a denied audit row)
    before the query is even parsed; a bad parameter is a 400 ``invalid_parameter``."""
    try:
        require_network_lead(actor)
    except ApplicationError:
        audit_denied(
            actor=actor, action=Action.VIEW, object_type=OBJECT_TYPE, detail=f"not a network lead ({channel})"
        )
        raise
    filters = parse_filters(query)
    with transaction.atomic():
        report = rollups.current_report(filters)
        audit_record(
            actor=actor,
            action=Action.EXPORT if channel == "csv" else Action.VIEW,
            object_type=OBJECT_TYPE,
            detail=_describe(filters, channel),
        )
    return filters, report
