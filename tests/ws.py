"""How a WebSocket handshake ended, as a client sees it."""

from __future__ import annotations


async def handshake(communicator, timeout: float = 5) -> str | int:
    """``"accept"``, the close code of a socket accepted then closed at once (4401,
    4403, ...: how refusals are told), or ``"http_403"`` for a refusal at the handshake
    (the Origin check). May consume the socket's first frame."""
    connected, _ = await communicator.connect(timeout=timeout)
    if not connected:
        return "http_403"
    if await communicator.receive_nothing(timeout=0.2):
        return "accept"
    output = await communicator.receive_output(timeout=timeout)
    if output["type"] == "websocket.close":
        return output.get("code", 1000)
    return "accept"  # a first frame (replay, presence): open; callers ignore that frame
