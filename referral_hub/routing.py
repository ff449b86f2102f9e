"""All WebSocket routes: the project's notifications socket plus each app's."""

from django.urls import path

from messaging.routing import websocket_urlpatterns as messaging_routes
from referral_hub.consumers import NotificationsConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationsConsumer.as_asgi(), name="ws-notifications"),
    *messaging_routes,
]
