"""The portal's notice of open consent requests, usable from any portal template
without its view knowing about requests: ``{% pending_consent_requests as rows %}``."""

from __future__ import annotations

from typing import Any

from django import template

from consent import selectors
from consent.models import ConsentRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_consent_requests(context: dict[str, Any]) -> list[ConsentRequest]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return []
    return list(selectors.consent_requests_pending_for_guardian(actor=user))
