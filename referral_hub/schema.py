"""OpenAPI generation tweaks shared by every app."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema


class AutoSchema(BaseAutoSchema):
    """Views keep their serializers nested (``ConsentRevokeApi.Input``, HackSoft style),
    so bare class names collide across views and apps. Components are named after the
    qualified name instead: ``ConsentRevokeApiInput``."""

    def get_serializer_name(self, serializer, direction):  # type: ignore[no-untyped-def]
        return type(serializer).__qualname__.replace(".", "")
