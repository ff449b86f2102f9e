"""The WebSocket Origin check: a browser page may open a socket only from an origin
that matches in scheme, host and port.

An ``Origin`` is accepted when either
1. it is listed in ``CSRF_TRUSTED_ORIGINS`` (exactly, or a ``scheme://*.domain`` entry
   for its subdomains, with the same port), or
2. it is the socket's own origin: its host is in ``ALLOWED_HOSTS``, it names the same
   host and port as the handshake's ``Host`` header, and its scheme is the one the
   socket was opened with (``https`` for ``wss``, ``http`` for ``ws``; behind proxies
   the scheme resolved from ``TRUSTED_PROXY_COUNT``).

Anything else, a missing or unparsable Origin included, is refused at the handshake
(HTTP 403) before any application code runs, as Channels' validator does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from referral_hub.proxy import resolve_headers

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]


def parse_origin(value: str) -> Origin | None:
    """``(scheme, host, port)`` with the default port filled in, or None."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in {"", "/"}:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _trusted(origin: Origin) -> bool:
    scheme, host, port = origin
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        wildcard = "://*." in entry
        trusted = parse_origin(entry.replace("://*.", "://", 1))
        if trusted is None or trusted[0] != scheme or trusted[2] != port:
            continue
        if host == trusted[1] or (wildcard and host.endswith("." + trusted[1])):
            return True
    return False


def socket_origin(scope: dict[str, Any]) -> Origin | None:
    """The origin the socket itself was opened at, from ``Host`` and the scheme."""
    headers = scope.get("headers", [])
    host_header = next((v.decode("latin-1") for k, v in headers if k == b"host"), "")
    peer = (scope.get("client") or ["", 0])[0] or ""
    own = "https" if scope.get("scheme") == "wss" else "http"
    _, scheme = resolve_headers(str(peer), headers, own)
    return parse_origin(f"{scheme}://{host_header}") if host_header else None


def origin_allowed(origin_header: str | None, scope: dict[str, Any]) -> bool:
    origin = parse_origin(origin_header) if origin_header else None
    if origin is None:
        return False
    if _trusted(origin):
        return True
    own = socket_origin(scope)
    if own is None or own != origin:
        return False
    host = f"[{origin[1]}]" if ":" in origin[1] else origin[1]
    domain, _ = split_domain_port(f"{host}:{origin[2]}")
    return validate_host(domain, settings.ALLOWED_HOSTS)


class OriginValidator:
    """ASGI middleware for the WebSocket router (see the module docstring)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = None
        for name, value in scope.get("headers", []):
            if name == b"origin":
                origin = value.decode("latin-1")
        if origin_allowed(origin, scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
