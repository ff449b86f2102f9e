"""Consents and their history are read-only here, by model permission
(``consent.view_consent``; being staff is not enough), and every page is logged: grant
and revoke go through the services (history, object permissions, signals and events
must move together)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedReadOnlyAdmin
from consent.models import Consent, ConsentEvent


class ConsentEventInline(admin.TabularInline[Any, Any]):
    model = ConsentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "detail"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(AuditedReadOnlyAdmin):
    audit_object_type = "consent"
    list_display = ["id", "child", "recipient_provider", "recipient_organization", "expires_on", "revoked_at"]
    list_select_related = ["child", "recipient_provider", "recipient_organization"]
    list_filter = ["signature_method"]
    inlines = [ConsentEventInline]
