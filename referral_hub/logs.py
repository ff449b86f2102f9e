"""Structured logs: one JSON object per line (production), and one access line per
request with request id, user id, route, method, status and duration.

Privacy: the access line names the route *pattern* (``api/v1/referrals/<int:pk>/``), never
the query string or any body; exception lines carry the exception type and stack but not
its message, because database errors quote the row values they refused."""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

from referral_hub.request_context import current_request_id

access_log = logging.getLogger("referral_hub.access")

# Attributes every LogRecord has; anything else came in through ``extra=`` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["stack"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(entry, default=str)


class AccessLogMiddleware:
    """One ``referral_hub.access`` line per request (placed outside authentication, so
    the user is known by the time the response comes back)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        access_log.info(
            "request",
            extra={
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "route": match.route if match is not None else "<unmatched>",
                "method": request.method,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
