"""Who is the client? The one place that answers, from ``TRUSTED_PROXY_COUNT``.

``X-Forwarded-For`` is a list every proxy appends to: ``client, proxy1, ..., proxyN-1``,
and the last proxy is the TCP peer (``REMOTE_ADDR``). Anything left of what our own
proxies wrote is whatever the client chose to send, so the left-most value is never
believed. With ``TRUSTED_PROXY_COUNT = N``:

- ``N = 0`` (default): no ``X-Forwarded-*`` header is believed; the client is the TCP
  peer and the scheme is the connection's own.
- ``N >= 1``: the client address is the N-th ``X-Forwarded-For`` entry from the right
  (the address our outermost proxy saw), and the scheme the N-th ``X-Forwarded-Proto``
  entry from the right. A header with fewer entries than N (a proxy that overwrites
  rather than appends) gives its left-most entry, which a trusted proxy wrote.

:class:`TrustedProxyMiddleware` rewrites ``REMOTE_ADDR`` and ``X-Forwarded-Proto`` before
anything else reads them, so django-axes (``AXES_CLIENT_IP_CALLABLE``), DRF throttling
(``NUM_PROXIES = 0``: it reads ``REMOTE_ADDR``) and ``SECURE_PROXY_SSL_HEADER`` all see the
resolved values. daphne runs without ``--proxy-headers`` (it believes the left-most value).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# What ``SECURE_PROXY_SSL_HEADER`` reads; only ever the value resolved here.
PROTO_META = "HTTP_X_FORWARDED_PROTO"
FOR_META = "HTTP_X_FORWARDED_FOR"


def trusted_proxy_count() -> int:
    return max(int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0), 0)


def _entries(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _nth_from_right(raw: str, n: int) -> str:
    entries = _entries(raw)
    if not entries:
        return ""
    return entries[max(len(entries) - n, 0)]


def _valid_ip(value: str) -> str:
    """An address, without a port or brackets; empty when it is not an IP address."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def resolve(peer: str, forwarded_for: str, forwarded_proto: str, scheme: str) -> tuple[str, str]:
    """``(client address, scheme)`` for a request from ``peer`` carrying these headers."""
    count = trusted_proxy_count()
    if count == 0:
        return peer, scheme
    client = _valid_ip(_nth_from_right(forwarded_for, count)) or peer
    proto = _nth_from_right(forwarded_proto, count).lower()
    return client, proto if proto in {"http", "https"} else scheme


def resolve_headers(peer: str, headers: Iterable[tuple[bytes, bytes]], scheme: str) -> tuple[str, str]:
    """The same for an ASGI scope's raw headers (WebSocket handshakes)."""
    found: dict[bytes, list[str]] = {}
    for name, value in headers:
        found.setdefault(name.lower(), []).append(value.decode("latin-1"))
    return resolve(
        peer,
        ",".join(found.get(b"x-forwarded-for", [])),
        ",".join(found.get(b"x-forwarded-proto", [])),
        scheme,
    )


def client_ip(request: HttpRequest) -> str:
    """django-axes' ``AXES_CLIENT_IP_CALLABLE``: the address the middleware resolved."""
    resolved = getattr(request, "client_ip", None)
    if resolved:
        return str(resolved)
    meta = request.META
    address, _ = resolve(
        meta.get("REMOTE_ADDR", ""), meta.get(FOR_META, ""), meta.get(PROTO_META, ""), "http"
    )
    return address


class TrustedProxyMiddleware:
    """First in the chain: replaces the forwarded headers with what they mean here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        own_scheme = "https" if meta.get("wsgi.url_scheme") == "https" else "http"
        asgi_scope = getattr(request, "scope", None)
        if isinstance(asgi_scope, dict):
            own_scheme = "https" if asgi_scope.get("scheme") == "https" else "http"
        peer = meta.get("REMOTE_ADDR", "")
        address, scheme = resolve(peer, meta.get(FOR_META, ""), meta.get(PROTO_META, ""), own_scheme)
        meta["REMOTE_ADDR"] = address
        meta[PROTO_META] = scheme
        meta.pop(FOR_META, None)
        request.client_ip = address  # type: ignore[attr-defined]  # read back by referral_hub.proxy.client_ip
        return self.get_response(request)
