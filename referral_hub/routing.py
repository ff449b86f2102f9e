"""All WebSocket routes: the project's notifications socket plus each app's
``websocket_urlpatterns`` from its ``routing.py`` (found by convention, like urls.py,
so the base imports no app)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.urls import path

from referral_hub.consumers import NotificationsConsumer
from referral_hub.urls import APPS


def _collect() -> list[Any]:
    patterns: list[Any] = []
    for app in APPS:
        try:
            module = import_module(f"{app}.routing")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.routing":
                raise
            continue
        patterns += getattr(module, "websocket_urlpatterns", [])
    return patterns


websocket_urlpatterns = [
    path("ws/notifications/", NotificationsConsumer.as_asgi(), name="ws-notifications"),
    *_collect(),
]
