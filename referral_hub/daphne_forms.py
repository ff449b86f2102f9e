"""Form bodies reach Django whole when daphne serves the app.

Daphne serves HTTP on Twisted, whose ``Request`` parses every ``multipart/form-data``
POST body into ``request.args`` before the application sees it. Daphne never reads
those (it hands the raw body to the ASGI application, where Django parses it), but
when Twisted's e-mail based parser does not understand a body (an empty form, that
is only the closing boundary; a field name outside ASCII, twisted#4446, daphne#447)
Twisted answers a bare ``400 Bad Request`` without headers or body and hangs up: the
client never gets the API's ``{"detail", "code"}`` and Django never logs the request.

``install()`` (called by ``referral_hub.asgi``) makes daphne build its requests with
Twisted's pre-parse switched off (``parsePOSTFormSubmission=False``, Twisted's own
switch): nothing is lost, and Django alone judges form bodies.
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    try:
        from daphne import http_protocol
    except ImportError:  # not served by daphne: nothing to do
        return
    base: Any = http_protocol.WebRequest
    if getattr(base, "django_parses_forms", False):
        return

    class WebRequest(base):  # type: ignore[misc]  # daphne ships no type information
        """daphne's request, without Twisted's pre-parse of form bodies."""

        django_parses_forms = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["parsePOSTFormSubmission"] = False
            super().__init__(*args, **kwargs)

    # daphne's HTTPFactory.buildProtocol looks this name up for every connection.
    http_protocol.WebRequest = WebRequest
