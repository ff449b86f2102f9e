"""The one context processor settings name: it runs what the apps registered
(``referral_hub.extensions.register_context_processor``), in registration order."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from referral_hub.extensions import context_processors


def registered(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for processor in context_processors():
        context.update(processor(request))
    return context
