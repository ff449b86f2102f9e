"""A real SMTP server on localhost (aiosmtpd) that can be down, then up, on a fixed port.
Used by the outbox tests and by browser tests that follow a link someone was e-mailed."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    def up(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def subject_of(message: Message) -> str:
    """The Subject header, decoded (non-ASCII subjects arrive RFC 2047 encoded)."""
    return str(make_header(decode_header(message["Subject"] or "")))


def text_of(message: Message) -> str:
    """The plain-text body of a received message, decoded."""
    part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
    payload = part.get_payload(decode=True)
    return (
        payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else str(payload)
    )


def wait_for_mail(server: SmtpServer, count: int, timeout: float = 20) -> list[Message]:
    """The first ``count`` messages the server received, waiting up to ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while len(server.mailbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(server.mailbox.messages) >= count, (
        f"expected {count} e-mails, got {len(server.mailbox.messages)}"
    )
    return server.mailbox.messages[:count]
