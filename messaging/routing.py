"""WebSocket routes (issue 5 adds the case chat consumer)."""

websocket_urlpatterns: list = []
