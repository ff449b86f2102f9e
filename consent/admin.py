"""Consents are read-only here: grant and revoke go through the services (history,
object permissions, signals and events must move together)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from consent.models import Consent, ConsentEvent


class ConsentEventInline(admin.TabularInline[Any, Any]):
    model = ConsentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "detail"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin[Any]):
    list_display = ["id", "child", "recipient_provider", "recipient_organization", "expires_on", "revoked_at"]
    list_select_related = ["child", "recipient_provider", "recipient_organization"]
    list_filter = ["signature_method"]
    inlines = [ConsentEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
