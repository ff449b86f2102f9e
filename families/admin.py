from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from families.models import Child, Family, Guardian, Invitation


class GuardianInline(admin.TabularInline[Any, Any]):
    model = Guardian
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin[Any]):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [GuardianInline]


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin[Any]):
    list_display = ["first_name", "last_name", "date_of_birth", "family"]
    search_fields = ["first_name", "last_name"]
    list_select_related = ["family"]
    raw_id_fields = ["family"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Any]):
    """Read-only: tokens are only ever created by the first-contact service."""

    list_display = ["email", "family", "invited_by", "created_at", "expires_at", "used_at"]
    list_select_related = ["family", "invited_by"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
