"""WebSocket authentication for non-browser clients: ``Authorization: Token <key>`` on
the handshake. Browsers use the session cookie (AuthMiddlewareStack). The same rules
as the API apply: expired tokens and (in production) demo accounts are refused."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware

from referral_hub.auth_backends import user_for_token


class TokenAuthMiddleware(BaseMiddleware):  # type: ignore[misc]  # channels ships no type information
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        raw = headers.get(b"authorization", b"").decode("latin-1")
        if raw.lower().startswith("token "):
            user = await database_sync_to_async(user_for_token)(raw[6:].strip())
            if user is not None:
                scope = dict(scope, user=user)
        return await super().__call__(scope, receive, send)
