"""The access log in the admin: read-only by model permission (``audit.view_auditevent``;
being staff is not enough), never editable, and every page of it is itself logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from audit.models import AuditEvent, AuditSeal
from audit.services import audit_admin_read


class AuditedReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Viewable with the model's view permission only; no add, change or delete; the
    list page logs one row per child it shows, the detail page one row."""

    audit_object_type = ""

    def child_id_of(self, obj: Any) -> int | None:
        return getattr(obj, "child_id", None)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (
            getattr(response, "context_data", {}).get("cl")
            if isinstance(response, TemplateResponse)
            else None
        )
        if changelist is not None:
            self._audit(request, list(changelist.result_list))
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if isinstance(response, TemplateResponse) and response.status_code == 200:
            original = response.context_data.get("original") if response.context_data else None
            if original is not None:
                self._audit(request, [original])
        return response

    def _audit(self, request: HttpRequest, objects: list[Model]) -> None:
        audit_admin_read(
            actor=request.user,
            object_type=self.audit_object_type or self.model._meta.model_name or "",
            rows=[(self.child_id_of(obj), obj.pk) for obj in objects],
        )


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedReadOnlyAdmin):
    audit_object_type = "audit_log"
    list_display = ["id", "at", "actor_label", "child", "action", "data_category", "purpose", "outcome"]
    list_filter = ["action", "outcome"]
    search_fields = ["actor_label", "request_id", "object_id"]
    list_select_related = ["child"]


@admin.register(AuditSeal)
class AuditSealAdmin(AuditedReadOnlyAdmin):
    audit_object_type = "audit_seal"
    list_display = ["id", "at", "up_to_id", "row_count", "mac"]
