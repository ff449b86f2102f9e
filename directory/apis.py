"""Public directory API (no login, throttled by the project's DRF throttles)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from directory import paging, selectors
from directory.counting import SearchPaginator
from directory.models import (
    CAPACITY_CODES,
    CAPACITY_UNKNOWN,
    Capacity,
    Discipline,
    EndorsementCategory,
    ModelStatus,
    PaymentOption,
    Provider,
)
from referral_hub.pagination import Pagination


class EndorsementOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The key of `/fhir/VerificationResult/{id}`.")
    category = serializers.ChoiceField(choices=EndorsementCategory.choices)
    status = serializers.CharField(source="display_status", help_text="Always `verified` in public output.")
    expires_on = serializers.DateField()


class ModelOutput(serializers.Serializer[Any]):
    """A verified evidence-based model credential (issue 28)."""

    code = serializers.CharField(help_text="The model's code, as in `model=` (e.g. `cpp`, `pcit`, `cos`).")
    name = serializers.CharField(help_text="The model's name in the reader's language.")
    status = serializers.ChoiceField(choices=ModelStatus.choices)
    issuer = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True, help_text="Null only for `in_training`.")


class LocationOutput(serializers.Serializer[Any]):
    city = serializers.CharField()
    state = serializers.CharField()
    zip = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)


class LocationDetailOutput(LocationOutput):
    name = serializers.CharField()
    address_1 = serializers.CharField()
    accessibility = serializers.CharField(help_text="Access for people with disabilities; may be empty.")


class OrganizationOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AgesOutput(serializers.Serializer[Any]):
    min_months = serializers.IntegerField(source="ages_min_months")
    max_months = serializers.IntegerField(source="ages_max_months")


class ProviderOutput(serializers.Serializer[Any]):
    """One listing. ``endorsements`` holds only verified, unexpired endorsements: nothing
    else is ever presented as endorsed."""

    schema_optional_fields = ("distance_miles",)

    id = serializers.IntegerField()
    name = serializers.CharField()
    discipline = serializers.ChoiceField(choices=Discipline.choices)
    organization = OrganizationOutput(allow_null=True)
    endorsed = serializers.SerializerMethodField()
    endorsed_since = serializers.SerializerMethodField()
    endorsements = EndorsementOutput(many=True, source="public_endorsements")
    languages = serializers.ListField(child=serializers.CharField(), source="language_codes")
    models = ModelOutput(
        many=True,
        source="public_models",
        help_text="Evidence-based model credentials a curator verified and that have not expired "
        "(`in_training` included); by code.",
    )
    locations = LocationOutput(many=True)
    distance_miles = serializers.SerializerMethodField(
        help_text="Miles to the nearest location; present only when `near` is given."
    )
    accepting_new_families = serializers.SerializerMethodField(
        help_text="The yes/no form of `capacity`: `true` for `accepting`, `false` for `waitlist`, "
        "`no_capacity` and `assessment_required`, `null` when `unknown` (no answer in the last 30 days)."
    )
    capacity = serializers.ChoiceField(
        choices=CAPACITY_CODES,
        source="capacity_shown",
        help_text="`accepting`, `waitlist`, `no_capacity`, `assessment_required`, or `unknown` "
        "when the provider has not said in the last 30 days.",
    )
    capacity_as_of = serializers.DateField(allow_null=True, help_text="When the provider last said.")
    waitlist_weeks = serializers.SerializerMethodField(
        help_text="About how many weeks the wait is; only with `capacity: waitlist`."
    )
    capacity_note = serializers.SerializerMethodField()
    last_verified_on = serializers.DateField(
        allow_null=True, help_text="When the listing was last confirmed correct (HSDS `assured_date`)."
    )
    stale = serializers.BooleanField(help_text="Not confirmed in the last 12 months (or never).")
    telehealth = serializers.BooleanField()
    ages_served = AgesOutput(source="*")
    payment_options = serializers.ListField(child=serializers.CharField(), source="payment_codes")
    services = serializers.ListField(child=serializers.CharField())

    def get_waitlist_weeks(self, obj: Provider) -> int | None:
        return obj.waitlist_weeks if obj.capacity_shown == Capacity.WAITLIST else None

    def get_accepting_new_families(self, obj: Provider) -> bool | None:
        shown = obj.capacity_shown
        return None if shown == CAPACITY_UNKNOWN else shown == Capacity.ACCEPTING

    def get_capacity_note(self, obj: Provider) -> str:
        return obj.capacity_note if obj.capacity_shown != CAPACITY_UNKNOWN else ""

    def get_endorsed(self, obj: Provider) -> bool:
        # Prefetched by the selector (Prefetch(..., to_attr="public_endorsements")).
        return bool(getattr(obj, "public_endorsements", None))

    def get_endorsed_since(self, obj: Provider) -> str | None:
        since = selectors.endorsed_since(obj)
        return since.isoformat() if since else None

    def get_distance_miles(self, obj: Provider) -> float | None:
        distance = getattr(obj, "distance_miles", None)
        return round(distance, 2) if distance is not None else None

    def to_representation(self, instance: Provider) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not hasattr(instance, "distance_miles"):
            data.pop("distance_miles")
        return data


class ProviderDetailOutput(ProviderOutput):
    hsds_id = serializers.UUIDField()
    bio = serializers.CharField()
    specialties = serializers.ListField(child=serializers.CharField())
    email = serializers.CharField(help_text="The listing's e-mail address; empty when it lists none.")
    phone = serializers.CharField()
    website = serializers.CharField(help_text="Empty when the listing has none.")
    hours = serializers.CharField(help_text="Opening hours in plain words; empty when not given.")
    assured_date = serializers.DateField(
        allow_null=True, help_text="Same as `last_verified_on` (its HSDS name)."
    )
    locations = LocationDetailOutput(many=True)


def _choices(values: list[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description="Text as people type it (at most 200 characters), in English or Spanish. Phrases from "
        "the directory's search terms become filters: a discipline (`speech therapist`, `SLP`, `late "
        "talker`, `terapia del habla` -> `speech_language_pathologist`) or a language (`Spanish`, "
        "`español` -> `es`); alternative words are searched together (`alimentación` or `feeding`). "
        "Category names (discipline and endorsement labels, English and Spanish) and broad words "
        "(`therapist`, `terapia`) are understood; case, accents and plurals are ignored; a typo of a known word "
        "is corrected (`speach therapy`). The rest matches name, organization, services and specialties.",
    ),
    OpenApiParameter("discipline", str, enum=Discipline.values, description=_choices(Discipline.values)),
    OpenApiParameter(
        "endorsement",
        str,
        enum=EndorsementCategory.values,
        description="Endorsement category; matches verified, unexpired endorsements only.",
    ),
    OpenApiParameter("language", str, description="ISO 639-1 code, e.g. `es`."),
    OpenApiParameter(
        "near",
        str,
        description="Where the family is: a 5-digit US ZIP code (ZIP+4 accepted), `lat,lng` in decimal "
        "degrees, or a US city with or without its state (`Ann Arbor`, `Ann Arbor, MI`, `Ann Arbor, "
        "Michigan`), from offline ZIP data. A city name shared by several states without a state, or an "
        "unknown place, is 400 `invalid_parameter` with `parameter: near` and a message saying what to add; "
        'a shared name also gets `choices` (`["Detroit, MI", "Detroit, AL", ...]`, the biggest first). '
        "Without `near`, a place at the end of `q` (`speech therapist in Ann Arbor`) is used as `near`.",
    ),
    OpenApiParameter(
        "radius_miles", OpenApiTypes.NUMBER, description="With `near`: miles, > 0 and <= 500 (default 25)."
    ),
    OpenApiParameter("age_months", int, description="The child's age in months (>= 0)."),
    OpenApiParameter(
        "accepting",
        bool,
        description="`true`: the same as `capacity=accepting` (the provider said so in the last 30 "
        "days); `false`: `capacity=waitlist,no_capacity,assessment_required`. A listing whose capacity "
        "is `unknown` matches neither.",
    ),
    OpenApiParameter("telehealth", bool, description="Offers telehealth."),
    OpenApiParameter(
        "capacity",
        str,
        description="Comma list of capacity codes: "
        + _choices(CAPACITY_CODES)
        + ". `unknown` matches listings whose answer is older than 30 days or missing.",
    ),
    OpenApiParameter("payment", str, enum=PaymentOption.values, description=_choices(PaymentOption.values)),
    OpenApiParameter(
        "model",
        str,
        enum=selectors.model_codes(),
        description="Evidence-based model code (`directory/data/evidence_models.json`): providers with a "
        "verified `rostered` or `certified` credential in it whose `expires_on` is today or later (it "
        "leaves the filter the day after). An unknown code is 400 `invalid_parameter`, `parameter: model`.",
    ),
    OpenApiParameter(
        "ordering",
        str,
        enum=list(selectors.ORDERINGS),
        description="`distance` (needs `near`; the default when `near` is given), `name` (default "
        "otherwise), `-endorsed_since` (most recently endorsed first).",
    ),
]


class SearchPagination(Pagination):
    """The project's envelope plus ``count_is_estimate``: past the exact-count threshold
    (``directory/counting.py``) PostgreSQL's ``count`` is the planner's estimate."""

    django_paginator_class = SearchPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_estimate": bool(getattr(paginator, "count_is_estimate", False)),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        envelope = super().get_paginated_response_schema(schema)
        envelope["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "True when `count` is an estimate (more matches than the exact-count threshold, "
            "1,000 by default, on PostgreSQL); pages still list real rows.",
        }
        envelope["required"] = [*envelope["required"], "count_is_estimate"]
        return envelope


class ProviderListApi(GenericAPIView[Any]):
    """Search the directory. Bad parameters get 400 ``invalid_parameter`` naming the
    parameter; a page costs at most 5 SQL queries."""

    permission_classes = [AllowAny]
    serializer_class = ProviderOutput
    pagination_class = SearchPagination

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses=ProviderOutput(many=True),
        summary="Search endorsed providers",
        operation_id="providers_search",
        auth=[],
    )
    def get(self, request: Request) -> Response:
        search = selectors.parse_provider_search(request.query_params)
        page = self.paginate_queryset(paging.provider_search_results(search))  # type: ignore[arg-type]  # sliceable and countable, as Paginator needs
        return self.get_paginated_response(ProviderOutput(page, many=True).data)


class ProviderDetailApi(GenericAPIView[Any]):
    permission_classes = [AllowAny]
    serializer_class = ProviderDetailOutput

    @extend_schema(summary="One directory listing", operation_id="providers_detail", auth=[])
    def get(self, request: Request, provider_id: int) -> Response:
        provider = selectors.provider_get_public(provider_id=provider_id)
        return Response(ProviderDetailOutput(provider).data)
