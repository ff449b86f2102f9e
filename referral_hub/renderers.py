"""Renderers every app shares. The FHIR renderer lives in ``referral_hub.fhir``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer


class CsvRenderer(BaseRenderer):
    """Lets ``Accept: text/csv`` (or ``?format=csv``) through content negotiation for a
    view that writes its own CSV body (an ``HttpResponse`` or a streamed one). What DRF
    renders through it is only ever an error (``{"detail", "code"}``), written as JSON
    text so the reader still learns why."""

    media_type = "text/csv"
    format = "csv"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return JSONRenderer().render(data)
