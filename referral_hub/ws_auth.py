"""WebSocket authentication for non-browser clients: ``Authorization: Token <key>`` on
the handshake. Browsers use the session cookie (AuthMiddlewareStack)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@database_sync_to_async  # type: ignore[untyped-decorator]  # channels ships no type information
def _user_for_token(key: str) -> User | None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    user: User = token.user
    return user


class TokenAuthMiddleware(BaseMiddleware):  # type: ignore[misc]  # channels ships no type information
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        raw = headers.get(b"authorization", b"").decode("latin-1")
        if raw.lower().startswith("token "):
            user = await _user_for_token(raw[6:].strip())
            if user is not None:
                scope = dict(scope, user=user)
        return await super().__call__(scope, receive, send)
