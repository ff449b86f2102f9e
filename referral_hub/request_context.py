"""The current request's id, readable anywhere (audit rows, log lines) without importing
the middleware stack: logging is configured before apps load, so this imports nothing."""

from __future__ import annotations

import contextvars

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")
