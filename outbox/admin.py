"""Staff see stuck notifications here (filter status = failed) and can requeue them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from outbox import services
from outbox.models import JobRun, OutboxMessage, TextOptOut


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = (
        "id",
        "channel",
        "kind",
        "to_address",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("status", "channel", "kind")
    search_fields = ("to_address", "key")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["requeue"]

    @admin.action(description="Requeue the selected failed notifications")
    def requeue(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = services.outbox_requeue(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} notification(s) requeued.", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin[JobRun]):
    list_display = ("job", "started_at", "finished_at", "ok", "detail")
    list_filter = ("job", "ok")
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TextOptOut)
class TextOptOutAdmin(admin.ModelAdmin[TextOptOut]):
    """Numbers that replied STOP. Read-only: only the number's own START resumes texts."""

    list_display = ("number", "stopped", "keyword", "changes", "changed_at")
    list_filter = ("stopped",)
    search_fields = ("number",)
    readonly_fields = [f.name for f in TextOptOut._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TextOptOut | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TextOptOut | None = None) -> bool:
        return False
