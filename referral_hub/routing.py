"""All WebSocket routes: the project's notifications socket plus each app's
``websocket_urlpatterns`` from its ``routing.py`` (found by convention, like urls.py, in
the order of the one list of apps, so the base imports no app)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from referral_hub.apps_list import app_modules
from referral_hub.consumers import NotificationsConsumer


def _collect() -> list[Any]:
    patterns: list[Any] = []
    for module in app_modules("routing"):
        patterns += getattr(module, "websocket_urlpatterns", [])
    return patterns


websocket_urlpatterns = [
    path("ws/notifications/", NotificationsConsumer.as_asgi(), name="ws-notifications"),
    *_collect(),
]
