"""Read-only admin views: every change goes through ``referrals.services`` (consent
gate, locks, audit, events), so the admin never edits referrals (cases and teams: ``cases/admin.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from referrals.models import Referral, ReferralEvent


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline[Any, Any]):
    model = ReferralEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["id", "status", "urgency", "from_provider", "to_provider", "sent_at"]
    list_filter = ["status", "urgency"]
    list_select_related = ["from_provider", "to_provider"]
    raw_id_fields = ["child", "from_provider", "to_provider", "case", "created_by"]
    inlines = [EventInline]
