"""OpenAPI generation tweaks shared by every app: the schema documents every response as
the server sends it (errors included), so a generated client and schemathesis's
conformance checks hold."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import Direction
from rest_framework import serializers
from rest_framework.serializers import Serializer

# Every operation may answer these (bad input or paging, not signed in, refused, missing
# or forbidden (one answer), throttled, database busy); unsafe methods add a conflict
# (wrong status, duplicate) and an unsupported media type.
COMMON_ERRORS = {
    "400": "Bad input: `invalid`, `invalid_parameter`, `invalid_page`, ...",
    "401": "Not signed in (`not_authenticated`, `authentication_failed`).",
    "403": "Refused (`permission_denied`, `consent_required`, ...).",
    "404": "Missing or not yours (`not_found`: one answer for both).",
    "429": "Throttled (`throttled`, with `retry_after_seconds`).",
    "503": "Database busy (`database_busy`, with `retry_after_seconds`); retry.",
}
UNSAFE_ERRORS = {
    "409": "Conflict (`invalid_transition`, `idempotency_conflict`, ...).",
    "415": "Unsupported media type.",
}


class ErrorOutput(serializers.Serializer[Any]):
    """Every error body: ``detail`` for people, ``code`` for programs; some codes add
    fields (``errors`` per input field, ``parameter``, ``retry_after_seconds``...)."""

    detail = serializers.CharField()
    code = serializers.CharField()


class AutoSchema(BaseAutoSchema):
    """Views keep their serializers nested (``ConsentRevokeApi.Input``, HackSoft style),
    so bare class names collide across views and apps. Components are named after the
    qualified name instead: ``ConsentRevokeApiInput``."""

    def get_serializer_name(self, serializer: Serializer[Any], direction: Direction) -> str:
        return type(serializer).__qualname__.replace(".", "")

    def _map_basic_serializer(self, serializer, direction):  # type: ignore[no-untyped-def]  # overrides untyped drf-spectacular internals
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)  # type: ignore[no-untyped-call]  # drf-spectacular is untyped
        # Output fields sent only sometimes (``distance_miles`` without ``near``) are
        # listed on the serializer as ``schema_optional_fields``: documented, not required.
        optional_names = set(getattr(serializer, "schema_optional_fields", ()))
        if optional_names and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional_names]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _get_response_bodies(self, direction="response"):  # type: ignore[no-untyped-def]  # overrides untyped drf-spectacular internals
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(COMMON_ERRORS)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors.update(UNSAFE_ERRORS)
        error_ref = self.resolve_serializer(ErrorOutput, "response").ref
        # JSON always (Django's own refusals are JSON under the API prefixes, see
        # ApiErrorBodyMiddleware), plus the view's renderers (FHIR views: fhir+json).
        media_types = dict.fromkeys(["application/json", *self.map_renderers("media_type")])
        content = {media_type: {"schema": error_ref} for media_type in media_types}
        for code, description in errors.items():
            documented = responses.setdefault(code, {"description": description})
            documented.setdefault("content", content)
        return responses
