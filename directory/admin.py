"""Django admin for the directory. Endorsement status changes made here are recorded
in ``EndorsementReview`` exactly like the curator page's (who, when, what)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from directory import services
from directory.models import (
    Endorsement,
    EndorsementReview,
    EndorsementStatus,
    ListingClaim,
    ListingFlag,
    Location,
    Organization,
    Provider,
)
from referral_hub.errors import ApplicationError


class LocationInline(admin.TabularInline[Any, Any]):
    model = Location
    extra = 0
    fields = ["name", "address_1", "city", "state", "zip", "lat", "lng", "accessibility"]


class EndorsementInline(admin.TabularInline[Any, Any]):
    model = Endorsement
    extra = 0
    fields = ["category", "credential_number", "issuing_association", "issued_on", "expires_on", "status"]
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Any]):
    list_display = ["name", "email", "phone", "website"]
    search_fields = ["name"]
    readonly_fields = ["hsds_id"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            services.organization_refresh_search_text(organization=obj)


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Any]):
    list_display = [
        "name",
        "discipline",
        "organization",
        "capacity",
        "capacity_as_of",
        "telehealth",
        "assured_date",
    ]
    list_filter = [
        "discipline",
        "capacity",
        "accepting_new_families",
        "at_site",
        "home_visiting",
        "telehealth",
    ]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["user", "organization"]
    readonly_fields = ["hsds_id"]
    inlines = [LocationInline, EndorsementInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Endorsements added inline are recorded as created by this admin user.
        instances = formset.save(commit=False)
        services.endorsements_delete(
            endorsements=[obj for obj in formset.deleted_objects if isinstance(obj, Endorsement)]
        )
        for obj in formset.deleted_objects:
            if not isinstance(obj, Endorsement):
                obj.delete()
        for instance in instances:
            is_new = instance.pk is None
            instance.save()
            if isinstance(instance, Endorsement) and is_new:
                services.endorsement_record_admin_change(
                    actor=request.user, endorsement=instance, previous_status=None
                )
        formset.save_m2m()
        if formset.model is Endorsement:
            # Inline edits of dates change what counts as verified.
            services.provider_verified_summary_refresh(provider_ids=[form.instance.pk])


REVIEW_FIELDS = ("created_at", "actor_username", "action", "from_status", "to_status", "note")


class EndorsementReviewInline(admin.TabularInline[Any, Any]):
    model = EndorsementReview
    extra = 0
    can_delete = False
    fields = REVIEW_FIELDS
    readonly_fields = REVIEW_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin[Any]):
    list_display = ["provider", "category", "status", "display_status", "expires_on", "status_changed_by"]
    list_filter = ["status", "category"]
    search_fields = ["provider__name", "credential_number"]
    list_select_related = ["provider", "status_changed_by"]
    raw_id_fields = ["provider"]
    readonly_fields = ["status_changed_at", "status_changed_by", "created_at"]
    inlines = [EndorsementReviewInline]
    actions = ["verify_selected", "revoke_selected"]

    @admin.display(description="Shown as")
    def display_status(self, obj: Endorsement) -> str:
        return obj.display_status

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        previous = Endorsement.objects.get(pk=obj.pk).status if change else None
        if previous is not None and previous != obj.status:
            # Status moves go through the service: lock, timestamps, history.
            new_status = obj.status
            obj.status = previous
            super().save_model(request, obj, form, change)
            try:
                services.endorsement_set_status(
                    actor=request.user,
                    endorsement_id=obj.pk,
                    status=new_status,
                    note="Changed in the admin.",
                    check_policy=False,
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)
        services.endorsement_record_admin_change(
            actor=request.user, endorsement=obj, previous_status=previous, note="Changed in the admin."
        )

    def delete_model(self, request: HttpRequest, obj: Endorsement) -> None:
        services.endorsements_delete(endorsements=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        services.endorsements_delete(endorsements=list(queryset))

    def _bulk(self, request: HttpRequest, queryset: QuerySet[Endorsement], status: str, verb: str) -> None:
        done = 0
        for endorsement in queryset:
            try:
                services.endorsement_set_status(
                    actor=request.user, endorsement_id=endorsement.pk, status=status, check_policy=False
                )
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{endorsement}: {exc.message}", level=messages.WARNING)
        self.message_user(request, f"{verb} {done} endorsement(s).")

    @admin.action(description="Verify selected endorsements")
    def verify_selected(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        self._bulk(request, queryset, EndorsementStatus.VERIFIED, "Verified")

    @admin.action(description="Revoke selected endorsements")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[Endorsement]) -> None:
        self._bulk(request, queryset, EndorsementStatus.REVOKED, "Revoked")


@admin.register(EndorsementReview)
class EndorsementReviewAdmin(admin.ModelAdmin[Any]):
    """Read-only: the history is append-only."""

    list_display = ["created_at", "endorsement", "actor_username", "action", "from_status", "to_status"]
    list_filter = ["action"]
    list_select_related = ["endorsement", "endorsement__provider"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ListingClaim)
class ListingClaimAdmin(admin.ModelAdmin[Any]):
    """Decide claims on the curators' listing queue (/curate/listings/), which records
    who decided and moves the listing; here they are for reading."""

    list_display = ["created_at", "provider", "user", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["provider", "user", "decided_by"]
    readonly_fields = [
        "provider",
        "user",
        "note",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "created_at",
    ]


@admin.register(ListingFlag)
class ListingFlagAdmin(admin.ModelAdmin[Any]):
    list_display = ["created_at", "provider", "reason", "status", "resolved_by"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["provider", "reporter", "resolved_by"]
    readonly_fields = ["resolved_by", "resolved_at", "created_at"]
