"""OpenAPI generation tweaks shared by every app."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import Direction
from rest_framework.serializers import Serializer


class AutoSchema(BaseAutoSchema):
    """Views keep their serializers nested (``ConsentRevokeApi.Input``, HackSoft style),
    so bare class names collide across views and apps. Components are named after the
    qualified name instead: ``ConsentRevokeApiInput``."""

    def get_serializer_name(self, serializer: Serializer[Any], direction: Direction) -> str:
        return type(serializer).__qualname__.replace(".", "")
