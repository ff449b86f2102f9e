"""The access log is append-only: viewable, never editable, here as in the database."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[Any]):
    list_display = ["id", "at", "actor_label", "child", "action", "data_category", "purpose", "outcome"]
    list_filter = ["action", "outcome"]
    search_fields = ["actor_label", "request_id", "object_id"]
    list_select_related = ["child"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.method in ("GET", "HEAD")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
