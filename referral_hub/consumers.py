"""``/ws/notifications/``: one socket per signed-in tab for in-app notifications
addressed to the user's group (``user.<id>``): new referrals, status changes, mentions.

Events on the group:
- ``{"type": "notify", "kind": str, "payload": dict}`` -> forwarded to the client as
  ``{"type": "notify", "kind", "payload"}`` (payloads carry ids and labels only).
- ``{"type": "force.close", "reason": str}`` -> close 4403 (logout, deactivation).
- ``{"type": "access.changed", ...}`` -> ignored here (case sockets re-check access).
- ``{"type": "notices.read", "unread"}`` -> forwarded: the notice badge's new total.
- ``{"type": "case.activity", "case_id", "change", "message_id", "unread_total"}`` ->
  forwarded: the Cases page and the unread-messages badge move.
"""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer

from referral_hub import events
from referral_hub.realtime import user_group


async def refuse(consumer: AsyncWebsocketConsumer, code: int) -> None:
    """Refuse a socket with an application close code (4401, 4403, ...). A close before
    ``accept`` becomes a bare HTTP 403 at the handshake and the code is lost, so accept
    first, then close: the client learns why. (Origin refusals stay HTTP 403.)"""
    await consumer.accept()
    await consumer.close(code=code)


class NotificationsConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]  # channels ships no type information
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await refuse(self, 4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        await self._send_frame(
            events.error_frame(code="read_only", detail="This socket only delivers notifications.")
        )

    async def notify(self, event: dict[str, Any]) -> None:
        await self._send_frame(
            events.notify(
                kind=event["kind"], payload=event.get("payload", {}), notice_id=event.get("notice_id")
            )
        )

    async def notices_read(self, event: dict[str, Any]) -> None:
        await self._send_frame(events.notices_read(unread=event["unread"]))

    async def case_activity(self, event: dict[str, Any]) -> None:
        await self._send_frame(
            events.case_activity(
                case_id=event["case_id"],
                change=event["change"],
                message_id=event["message_id"],
                unread_total=event["unread_total"],
            )
        )

    async def _send_frame(self, frame: events.NotificationsFrame) -> None:
        """Every frame to the client goes out here: mypy refuses a shape outside
        ``NotificationsFrame``."""
        await self.send_json(frame)

    async def force_close(self, event: dict[str, Any]) -> None:
        await self.close(code=4403)

    async def access_changed(self, event: dict[str, Any]) -> None:
        return None
