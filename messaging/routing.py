"""WebSocket routes of the case chat (collected by ``referral_hub.routing``)."""

from django.urls import path

from messaging.consumers import CaseChatConsumer

websocket_urlpatterns = [
    path("ws/cases/<int:case_id>/", CaseChatConsumer.as_asgi(), name="ws-case-chat"),
]
