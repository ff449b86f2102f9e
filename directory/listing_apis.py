"""Listing API: capacity, claims, flags and the curators' listing queue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from directory import listings, policies, selectors, service_areas, services
from directory.apis import ServiceAreaOutput
from directory.forms import MAX_CURATION_NOTE
from directory.models import (
    Capacity,
    EndorsementStatus,
    ListingClaim,
    ListingFlag,
    Provider,
    ServiceDelivery,
)


class CapacityInput(serializers.Serializer[Any]):
    capacity = serializers.ChoiceField(choices=Capacity.values)
    waitlist_weeks = serializers.IntegerField(
        required=False, allow_null=True, help_text="Required with `waitlist`: 1 to 104."
    )
    capacity_note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    capacity_as_of = serializers.DateField(
        required=False, allow_null=True, help_text="Defaults to today; never in the future."
    )


class CapacityOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="provider.id")
    capacity = serializers.CharField(source="provider.capacity_shown")
    waitlist_weeks = serializers.IntegerField(source="provider.waitlist_weeks", allow_null=True)
    capacity_note = serializers.CharField(source="provider.capacity_note")
    capacity_as_of = serializers.DateField(source="provider.capacity_as_of")
    accepting_new_families = serializers.BooleanField(source="provider.accepting_new_families")
    detail = serializers.CharField(source="message", help_text="What changed, in words.")


class ProviderCapacityApi(APIView):
    """Set a listing's capacity: the provider behind it or a curator (others 403, a
    missing listing 404). Bad input is 400 ``invalid`` naming the field."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CapacityInput,
        responses=CapacityOutput,
        summary="Set a provider's capacity",
        operation_id="providers_capacity_set",
    )
    def put(self, request: Request, provider_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        change = listings.capacity_set(
            actor=request.user,
            provider_id=provider_id,
            capacity=data.get("capacity"),
            waitlist_weeks=data.get("waitlist_weeks"),
            note=data.get("capacity_note", ""),
            as_of=data.get("capacity_as_of"),
        )
        return Response(CapacityOutput(change).data)


class CountyInput(serializers.Serializer[Any]):
    name = serializers.CharField(help_text='"Washtenaw" or "Washtenaw County".')
    state = serializers.CharField(help_text="Two-letter code.")


class ServiceAreaInput(serializers.Serializer[Any]):
    zips = serializers.ListField(child=serializers.CharField(), required=False, help_text="5-digit US ZIPs.")
    counties = CountyInput(many=True, required=False)
    radius_miles = serializers.FloatField(
        required=False, allow_null=True, help_text="How far you travel: more than 0, at most 100."
    )
    center_zip = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Where the miles start; empty: the listing's base office (its city is shown, "
        "never its street).",
    )


class DeliveryInput(serializers.Serializer[Any]):
    service_delivery = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceDelivery.choices),
        help_text="`site`, `home_visiting`, `telehealth`: one or more.",
    )
    service_area = ServiceAreaInput(
        required=False,
        allow_null=True,
        help_text="Required with `home_visiting`: ZIPs, counties or a radius.",
    )


class DeliveryOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    service_delivery = serializers.ListField(child=serializers.CharField())
    service_area = ServiceAreaOutput(allow_null=True)
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="The fields this request changed."
    )


class ProviderDeliveryApi(APIView):
    """How a listing gives care and where it visits families at home: the provider
    behind it or a curator (others 403, a missing listing 404). Bad input is 400 with a
    ``code``: ``unknown_service_delivery``, ``service_delivery_required``, ``unknown_zip``,
    ``unknown_county``, ``radius_out_of_range``, ``service_center_required``,
    ``service_area_required`` (home visiting without an area), ``invalid``."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=DeliveryInput,
        responses=DeliveryOutput,
        summary="Set how a provider gives care and its home-visiting area",
        operation_id="providers_service_delivery_set",
    )
    def put(self, request: Request, provider_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        changed = listings.listing_delivery_set(
            actor=request.user,
            provider_id=provider_id,
            service_delivery=data.get("service_delivery"),
            service_area=data.get("service_area"),
        )
        provider = Provider.objects.get(pk=provider_id)
        body = {
            "id": provider.pk,
            "service_delivery": provider.service_delivery,
            "service_area": service_areas.area_public(provider),
            "changed": changed,
        }
        return Response(DeliveryOutput(body).data)


class ClaimOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    provider = serializers.IntegerField(source="provider_id")
    provider_name = serializers.CharField(source="provider.name")
    user = serializers.CharField(source="user.username")
    note = serializers.CharField()
    status = serializers.ChoiceField(choices=ListingClaim.Status.choices)
    decision_note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ListingNoteInput(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ProviderClaimApi(APIView):
    """A signed-in account without a listing claims an unclaimed one (201). 409
    ``listing_claimed``, ``already_has_listing`` or ``claim_pending``; 403
    ``not_a_provider_account`` for a family or a care coordinator's account; 404 for a
    missing listing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ListingNoteInput,
        responses={201: ClaimOutput},
        summary="Claim an unclaimed listing",
        operation_id="providers_claim",
    )
    def post(self, request: Request, provider_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        claim = listings.listing_claim(actor=request.user, provider_id=provider_id, note=data.get("note", ""))
        return Response(ClaimOutput(claim).data, status=201)


class FlagThrottle(SimpleRateThrottle):
    """Flags per client address (signed in or not): ``API_THROTTLE_FLAG``, "off" disables."""

    scope = "listing_flag"

    def get_rate(self) -> str | None:
        rate = str(getattr(settings, "API_THROTTLE_FLAG", "10/hour"))
        return None if rate.lower() == "off" else rate

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class FlagInput(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=ListingFlag.Reason.values)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required with `other`."
    )


class FlagOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    provider = serializers.IntegerField(source="provider_id")
    provider_name = serializers.CharField(source="provider.name")
    reason = serializers.ChoiceField(choices=ListingFlag.Reason.values)
    note = serializers.CharField()
    status = serializers.ChoiceField(choices=ListingFlag.Status.values)
    resolution_note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProviderFlagApi(APIView):
    """Anyone reports a listing as wrong; it goes to the curators' queue (201). Throttled
    per client address: 429 ``throttled`` with ``retry_after_seconds``."""

    permission_classes = [AllowAny]
    throttle_classes = [FlagThrottle]

    @extend_schema(
        request=FlagInput,
        responses={201: FlagOutput},
        summary="Report a problem with a listing",
        operation_id="providers_flag",
        auth=[],
    )
    def post(self, request: Request, provider_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        flag = listings.listing_flag(
            actor=request.user, provider_id=provider_id, reason=data.get("reason"), note=data.get("note", "")
        )
        return Response(FlagOutput(flag).data, status=201)


class StaleOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    last_verified_on = serializers.DateField(allow_null=True)
    claimed = serializers.SerializerMethodField()

    def get_claimed(self, obj: Provider) -> bool:
        return obj.user_id is not None


class ListingQueueApi(APIView):
    """Curators: open claims, open flags, and the oldest stale listings (with their
    count). Everyone else 403."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "ListingQueue",
            {
                "claims": ClaimOutput(many=True),
                "flags": FlagOutput(many=True),
                "stale_count": serializers.IntegerField(),
                "stale": StaleOutput(many=True),
            },
        ),
        summary="The curators' listing queue",
        operation_id="listing_queue",
    )
    def get(self, request: Request) -> Response:
        policies.require_curator(request.user)
        queue = selectors.listing_queue()
        return Response(
            {
                "claims": ClaimOutput(queue.claims, many=True).data,
                "flags": FlagOutput(queue.flags, many=True).data,
                "stale_count": queue.stale_count,
                "stale": StaleOutput(queue.stale, many=True).data,
            }
        )


class _Decision(APIView):
    permission_classes = [IsAuthenticated]


class ClaimApproveApi(_Decision):
    """Curators: the claiming account becomes the listing's provider. 409
    ``invalid_transition`` when already decided."""

    @extend_schema(request=ListingNoteInput, responses=ClaimOutput, operation_id="listing_claims_approve")
    def post(self, request: Request, claim_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        claim = listings.claim_approve(actor=request.user, claim_id=claim_id, note=data.get("note", ""))
        return Response(ClaimOutput(claim).data)


class ClaimRejectApi(_Decision):
    @extend_schema(request=ListingNoteInput, responses=ClaimOutput, operation_id="listing_claims_reject")
    def post(self, request: Request, claim_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        claim = listings.claim_reject(actor=request.user, claim_id=claim_id, note=data.get("note", ""))
        return Response(ClaimOutput(claim).data)


class FlagResolveApi(_Decision):
    """Curators: resolve an open flag with a note saying what was done (required)."""

    @extend_schema(
        request=inline_serializer("FlagResolveInput", {"note": serializers.CharField(max_length=2000)}),
        responses=FlagOutput,
        operation_id="listing_flags_resolve",
    )
    def post(self, request: Request, flag_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        flag = listings.flag_resolve(actor=request.user, flag_id=flag_id, note=data.get("note", ""))
        return Response(FlagOutput(flag).data)


# --- endorsements: verifying (again) ---------------------------------------------------


class EndorsementVerifyInput(serializers.Serializer[Any]):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MAX_CURATION_NOTE,
        help_text="Why (required when the endorsement was revoked; recorded in its history).",
    )
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Must be true to verify a revoked endorsement again.",
    )


class EndorsementVerifyOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(help_text="The status in words (your language).")


class EndorsementVerifyApi(APIView):
    """Curators: verify an endorsement. A revoked one needs ``note`` (400
    ``reason_required``) and ``confirm: true`` (400 ``confirmation_required``); a lapsed
    or expired one is 409."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=EndorsementVerifyInput,
        responses=EndorsementVerifyOutput,
        operation_id="curation_endorsements_verify",
        summary="Verify an endorsement (a revoked one: with a reason and confirm: true)",
    )
    def post(self, request: Request, endorsement_id: int) -> Response:
        policies.access_endorsement_for_curation(request.user, endorsement_id)
        data = EndorsementVerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        endorsement = services.endorsement_set_status(
            actor=request.user,
            endorsement_id=endorsement_id,
            status=EndorsementStatus.VERIFIED,
            note=data.validated_data["note"].strip(),
            confirmed=data.validated_data["confirm"],
        )
        return Response(
            {
                "id": endorsement.pk,
                "status": endorsement.status,
                "status_label": str(EndorsementStatus(endorsement.status).label),
            }
        )
