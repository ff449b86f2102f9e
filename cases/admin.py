"""Read-only admin views: every change goes through ``cases.services`` (consent gate,
audit, events), so the admin never edits cases or teams. Since the move from
referrals, they are under /admin/cases/."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases.models import CareTeamMember, Case


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "child", "created_at"]
    raw_id_fields = ["child"]


@admin.register(CareTeamMember)
class CareTeamMemberAdmin(ReadOnlyAdmin):
    list_display = ["case", "provider", "role", "joined_at", "left_at", "left_reason"]
    list_select_related = ["provider"]
    raw_id_fields = ["case", "provider", "user"]
