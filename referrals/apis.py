"""REST API for referrals (thin: parse, call a service or selector, serialize)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.apis import ChildRef
from consent.models import DataCategory
from directory.roles import provider_of
from referral_hub.inputs import bind, refusal, schema_of
from referral_hub.pagination import Pagination
from referrals import policies, selectors, services
from referrals.contact import family_contact
from referrals.inputs import SEND_CODES, TRANSITION_FORMS, NeedsMetForm, ReferralSendForm, send_from
from referrals.models import (
    Barrier,
    ConcernType,
    NeedsMet,
    Referral,
    ReferralSource,
    ReferralStatus,
    Urgency,
)
from referrals.needs_met import referral_family_answer
from referrals.screening import summary, validate_screening

# --- output --------------------------------------------------------------------------------


class ProviderRef(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    discipline = serializers.CharField()


# A stub (``restricted: true``, the caller's consent for the child ended) keeps the
# referral's id, status, parties and dates; these say something about the child: null.
STUB_NULL_FIELDS = (
    "case",
    "child",
    "urgency",
    "concern_type",
    "appointment_at",
    "outcome",
    "needs_met",
    "barriers",
)
STUB_DETAIL_NULL_FIELDS = (
    "reason",
    "decline_reason",
    "decline_note",
    "outcome_note",
    "cancel_reason",
    "family_needs_met",
    "family_barriers",
    "family_answered_at",
)
NEEDS_MET_HELP = (
    "Was the family's need met (Help Me Grow's Needs Met): met, partly, not_met or unknown; "
    "null until the referral is completed."
)


class PartnerRef(serializers.Serializer[Any]):
    name = serializers.CharField()
    via_link = serializers.BooleanField()


def partner_of(referral: Referral) -> dict[str, Any] | None:
    recipient = referral.to_provider
    if recipient.user_id is not None or referral.record_only:
        return None
    return {"name": recipient.name, "via_link": True}


class ReferralListOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    restricted = serializers.SerializerMethodField(
        help_text="True when no active consent covers you for this child any more: a stub "
        "without the child (child, case, urgency, concern, appointment, outcome are null)."
    )
    case = serializers.IntegerField(source="case_id", allow_null=True)
    status = serializers.ChoiceField(ReferralStatus.choices)
    urgency = serializers.ChoiceField(Urgency.choices, allow_null=True)
    concern_type = serializers.ChoiceField(ConcernType.choices, allow_null=True)
    child = ChildRef(allow_null=True)
    from_provider = ProviderRef(
        allow_null=True, help_text="The referring provider; null for a family's own request."
    )
    to_provider = ProviderRef()
    partner = serializers.SerializerMethodField(
        help_text="A recipient without an account (a listing nobody claimed, or a partner named "
        "on the referral): {name, via_link: true}, acting from one-time links it is e-mailed. "
        "null for a recipient with an account."
    )
    record_only = serializers.BooleanField(
        help_text="Recorded after the fact (made by phone or fax): nothing was sent; the "
        "referrer enters the answer and the outcome."
    )
    # The CONTRACT names this field "source"; DRF's serializer metaclass pops declared
    # fields off the class, so it never shadows ``Field.source`` at run time.
    source = serializers.ChoiceField(  # type: ignore[assignment]  # see the comment above
        ReferralSource.choices, help_text="provider: sent by a provider; family: a family asked for help."
    )
    sent_at = serializers.DateTimeField()
    contact_due_at = serializers.DateTimeField()
    appointment_due_at = serializers.DateTimeField()
    appointment_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True, allow_null=True)
    needs_met = serializers.SerializerMethodField(help_text=NEEDS_MET_HELP)
    barriers = serializers.ListField(
        child=serializers.ChoiceField(Barrier.choices),
        allow_null=True,
        help_text="Why the need was not (fully) met: barrier codes (the recipient's answer).",
    )
    overdue = serializers.SerializerMethodField(
        help_text="Clocks run out: contact (7 days), appointment (45 days)."
    )

    @extend_schema_field(PartnerRef(allow_null=True))
    def get_partner(self, obj: Referral) -> dict[str, Any] | None:
        return partner_of(obj)

    @extend_schema_field(serializers.ChoiceField(NeedsMet.choices, allow_null=True))
    def get_needs_met(self, obj: Referral) -> str | None:
        return obj.needs_met or None

    def get_overdue(self, obj: Referral) -> list[str]:
        return obj.overdue_flags()

    def get_restricted(self, obj: Referral) -> bool:
        return is_restricted(obj)

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        if is_restricted(instance):
            return self.stub(instance)
        return dict(super().to_representation(instance))

    def stub(self, instance: Referral) -> dict[str, Any]:
        keep = (
            "id",
            "status",
            "source",
            "from_provider",
            "to_provider",
            "partner",
            "record_only",
            "sent_at",
            "contact_due_at",
        )
        data: dict[str, Any] = {}
        for name in keep:
            value = self.fields[name].get_attribute(instance)
            # A family's own request has no referring provider: null, as in the full item.
            data[name] = None if value is None else self.fields[name].to_representation(value)
        data["appointment_due_at"] = self.fields["appointment_due_at"].to_representation(
            instance.appointment_due_at
        )
        data.update({name: None for name in STUB_NULL_FIELDS})
        data.update(restricted=True, overdue=instance.overdue_flags())
        return data


def is_restricted(referral: Referral) -> bool:
    """Set by ``selectors.hydrate`` (lists) and the detail view (``access.restricted``)."""
    return not getattr(referral, "child_visible", True)


class ScreeningOutput(serializers.Serializer[Any]):
    instrument = serializers.CharField()
    administered_on = serializers.DateField()
    inputs = serializers.JSONField()
    result = serializers.JSONField()
    summary = serializers.SerializerMethodField()

    def get_summary(self, obj: Any) -> str:
        return summary(obj.instrument, obj.result)


class EventOutput(serializers.Serializer[Any]):
    actor = serializers.SerializerMethodField()
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)
    appointment_at = serializers.DateTimeField(
        allow_null=True, help_text="Scheduling and rescheduling: the appointment set by this entry."
    )
    previous_appointment_at = serializers.DateTimeField(
        allow_null=True, help_text="Rescheduling: the appointment it replaced."
    )
    needs_met = serializers.CharField(
        allow_blank=True, help_text="Completion or the family's answer: was the need met."
    )
    barriers = serializers.ListField(child=serializers.CharField())
    by_family = serializers.BooleanField(help_text="The family's own answer (needs met).")

    def get_actor(self, obj: Any) -> dict[str, Any] | None:
        if obj.actor is None and obj.partner_name:
            # A recipient without an account, from a link it was e-mailed.
            return {"id": None, "name": _("%(name)s, by link") % {"name": obj.partner_name}, "via_link": True}
        if obj.actor is None:
            return None
        return {"id": obj.actor.pk, "name": obj.actor.get_full_name() or obj.actor.get_username()}


class FamilyContactOutput(serializers.Serializer[Any]):
    """How to reach a family that asked for help itself: its recipient only, while the
    consent the family signed (which names these details) covers them."""

    name = serializers.CharField(help_text="Whom to ask for: the parent or guardian who asked.")
    method = serializers.ChoiceField(
        [("email", "email"), ("phone", "phone"), ("text", "text"), ("none_by_phone", "none_by_phone")],
        help_text="email, phone (call), text, or none_by_phone (do not call: e-mail only).",
    )
    method_label = serializers.CharField()
    phone = serializers.CharField(allow_blank=True, help_text="E.164; empty when none was given.")
    phone_display = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    language = serializers.CharField(help_text="ISO 639-1 code of the language to contact them in.")
    language_label = serializers.CharField()
    best_times = serializers.CharField(allow_blank=True, help_text="In the family's own words.")
    best_time_slots = serializers.ListField(child=serializers.CharField())
    best_time_labels = serializers.ListField(child=serializers.CharField())


class ReferralDetailOutput(ReferralListOutput):
    reason = serializers.CharField(allow_null=True, help_text="null in a stub (restricted)")
    data_categories = serializers.ListField(child=serializers.ChoiceField(DataCategory.choices))
    decline_reason = serializers.CharField(allow_blank=True, allow_null=True)
    decline_note = serializers.CharField(allow_blank=True, allow_null=True)
    outcome_note = serializers.CharField(allow_blank=True, allow_null=True)
    cancel_reason = serializers.CharField(allow_blank=True, allow_null=True)
    family_needs_met = serializers.SerializerMethodField(
        help_text="The family's own answer to the same question (null until they answer)."
    )
    family_barriers = serializers.ListField(child=serializers.ChoiceField(Barrier.choices), allow_null=True)
    family_answered_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    screenings = ScreeningOutput(many=True)
    timeline = EventOutput(many=True, source="events.all")
    your_role = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="Transitions the caller may attempt now.")
    family_contact = serializers.SerializerMethodField(
        help_text="A family's own request (source family), for its recipient: how and when to reach "
        "the family. null for everyone else, and once the family's consent no longer covers you."
    )

    @extend_schema_field(serializers.ChoiceField(NeedsMet.choices, allow_null=True))
    def get_family_needs_met(self, obj: Referral) -> str | None:
        return obj.family_needs_met or None

    @extend_schema_field(FamilyContactOutput(allow_null=True))
    def get_family_contact(self, obj: Referral) -> dict[str, Any] | None:
        contact = self.context.get("family_contact")
        return None if contact is None else dict(FamilyContactOutput(contact).data)

    def get_your_role(self, obj: Referral) -> str:
        return str(self.context.get("role", ""))

    def get_actions(self, obj: Referral) -> list[str]:
        role = self.context.get("role")
        if is_restricted(obj):
            return []
        return services.available_actions(str(role or ""), obj.status, record_only=obj.record_only)

    def stub(self, instance: Referral) -> dict[str, Any]:
        data = super().stub(instance)
        when = serializers.DateTimeField().to_representation
        data.update({name: None for name in STUB_DETAIL_NULL_FIELDS})
        data.update(
            data_categories=[],
            screenings=[],
            # Who moved it when, without the notes (or the names: a guardian's names the family).
            timeline=[
                {
                    "actor": None,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "at": when(e.at),
                    "note": "",
                    "appointment_at": None,
                    "previous_appointment_at": None,
                    "needs_met": "",
                    "barriers": [],
                    "by_family": e.by_family,
                }
                for e in instance.events.all()
            ],
            your_role=self.get_your_role(instance),
            actions=[],
            family_contact=None,
        )
        for name in ("received_at", "responded_at", "closed_at"):
            value = getattr(instance, name)
            data[name] = when(value) if value else None
        return data


def referral_body(
    referral: Referral, role: str, *, restricted: bool = False, viewer: Any = None
) -> dict[str, Any]:
    detail = selectors.referral_detail(referral=referral)
    detail.child_visible = not restricted  # type: ignore[attr-defined]  # read by ReferralDetailOutput
    contact = family_contact(viewer, detail) if viewer is not None and not restricted else None
    return ReferralDetailOutput(detail, context={"role": role, "family_contact": contact}).data


# --- input ---------------------------------------------------------------------------------


class ScreeningInput(serializers.Serializer[Any]):
    instrument = serializers.ChoiceField(["asq_3", "asq_se_2", "mchat_r_f", "epds"])
    administered_on = serializers.DateField()
    interval_months = serializers.IntegerField(required=False, help_text="asq_3, asq_se_2")
    domain_scores = serializers.DictField(
        child=serializers.IntegerField(), required=False, help_text="asq_3: five domains, 0-60 each"
    )
    total = serializers.IntegerField(required=False, help_text="asq_se_2; mchat_r_f 0-20; epds 0-30")
    follow_up_total = serializers.IntegerField(required=False, help_text="mchat_r_f, optional")
    item_10 = serializers.IntegerField(required=False, help_text="epds 0-3")


class PartnerInputSchema(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False, max_length=40)


class ReferralCreateInput(serializers.Serializer[Any]):
    """The request body as documented; ``referrals.inputs.ReferralSendForm`` checks it
    (the page's form binds the same), so the API and the page refuse alike."""

    child = serializers.IntegerField()
    to_provider = serializers.IntegerField(
        required=False, help_text="A directory listing (one without an account gets e-mailed links)."
    )
    to_partner = PartnerInputSchema(
        required=False, help_text="Instead of to_provider: a partner not in the directory."
    )
    record_only = serializers.BooleanField(
        required=False, default=False, help_text="A referral already made by phone or fax: nothing is sent."
    )
    reason = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(Urgency.choices, default=Urgency.ROUTINE)
    concern_type = serializers.ChoiceField(ConcernType.choices, default=ConcernType.OTHER)
    screenings = serializers.ListField(child=serializers.JSONField(), required=False, default=list)
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(list(services.ATTACHABLE_CATEGORIES)),
        required=False,
        default=list,
        help_text="Extra categories to share; screenings add their own; demographics always.",
    )


# --- referrals -----------------------------------------------------------------------------


class ReferralListCreateApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("box", enum=["inbox", "outbox"], required=False),
            OpenApiParameter("status", description="comma-separated status codes", required=False),
        ],
        responses=ReferralListOutput(many=True),
        summary="Referrals the caller may see (inbox: to me; outbox: from me)",
    )
    def get(self, request: Request) -> Response:
        qs = selectors.referral_list(
            actor=request.user, box=request.query_params.get("box"), status=request.query_params.get("status")
        )
        paginator = Pagination()
        ids: list[int] = paginator.paginate_queryset(selectors.referral_ids(qs), request, view=self) or []
        rows = selectors.hydrate(ids, actor=request.user)
        services.referrals_shown(actor=request.user, referrals=rows, detail="referral list")
        return paginator.get_paginated_response(ReferralListOutput(rows, many=True).data)

    @extend_schema(
        request=ReferralCreateInput,
        parameters=[OpenApiParameter("Idempotency-Key", location=OpenApiParameter.HEADER, required=False)],
        responses={201: ReferralDetailOutput},
        summary="Send a referral (403 consent_required without a covering consent)",
    )
    def post(self, request: Request) -> Response:
        form = bind(ReferralSendForm, request.data)
        if not form.is_valid():
            raise refusal(form, SEND_CODES)
        key = request.headers.get("Idempotency-Key", "").strip()
        result = send_from(
            form,
            actor=request.user,
            idempotency_key=key,
            fingerprint=services.request_fingerprint(request.data) if key else "",
        )
        headers = {"Location": f"/api/v1/referrals/{result.referral.pk}/"}
        if result.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(referral_body(result.referral, policies.ROLE_REFERRER), status=201, headers=headers)


class ReferralDetailApi(APIView):
    @extend_schema(
        responses=ReferralDetailOutput,
        summary="A referral with its timeline (recipient's first open marks it received); "
        "a stub (restricted: true, no child) for a referrer whose consent ended",
    )
    def get(self, request: Request, pk: int) -> Response:
        access = services.referral_open(actor=request.user, referral_id=pk)
        return Response(
            referral_body(access.referral, access.role, restricted=access.restricted, viewer=request.user)
        )


class _TransitionApi(APIView):
    """A lifecycle transition: the body is checked by the verb's form
    (``referrals.inputs.TRANSITION_FORMS``, which the referral page binds too)."""

    verb = ""

    def post(self, request: Request, pk: int) -> Response:
        form = bind(TRANSITION_FORMS[self.verb], request.data)
        if not form.is_valid():
            raise refusal(form, getattr(form, "api_codes", {}))
        referral = self.perform(request, pk, form.cleaned_data)
        return Response(
            referral_body(referral, policies.role_in(request.user, referral), viewer=request.user)
        )

    def perform(self, request: Request, pk: int, v: dict[str, Any]) -> Referral:
        raise NotImplementedError


F = TypeVar("F", bound=Callable[..., Any])


def _transition_schema(verb: str) -> Callable[[F], F]:
    return extend_schema(
        request=schema_of(TRANSITION_FORMS[verb]),
        responses={200: ReferralDetailOutput},
        summary=f"{verb.capitalize()} a referral (409 invalid_transition from the wrong status)",
    )


class ReferralAcceptApi(_TransitionApi):
    verb = "accept"

    @_transition_schema("accept")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, request: Request, pk: int, v: dict[str, Any]) -> Referral:
        return services.referral_accept(actor=request.user, referral_id=pk, note=v["note"])


class ReferralDeclineApi(_TransitionApi):
    verb = "decline"

    @_transition_schema("decline")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, request: Request, pk: int, v: dict[str, Any]) -> Referral:
        return services.referral_decline(
            actor=request.user, referral_id=pk, decline_reason=v["decline_reason"], note=v["note"]
        )


class ReferralScheduleApi(_TransitionApi):
    verb = "schedule"

    @_transition_schema("schedule")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, request: Request, pk: int, v: dict[str, Any]) -> Referral:
        return services.referral_schedule(
            actor=request.user, referral_id=pk, appointment_at=v["appointment_at"], note=v["note"]
        )


class ReferralCompleteApi(_TransitionApi):
    verb = "complete"

    @_transition_schema("complete")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, request: Request, pk: int, v: dict[str, Any]) -> Referral:
        return services.referral_complete(
            actor=request.user,
            referral_id=pk,
            outcome=v["outcome"],
            note=v["note"],
            needs_met=v["needs_met"],
            barriers=v["barriers"],
        )


class ReferralFamilyNeedsMetApi(APIView):
    @extend_schema(
        request=schema_of(NeedsMetForm),
        responses={200: ReferralDetailOutput},
        summary="The family answers whether their need was met (a guardian, on a completed referral)",
        description="`needs_met`: met, partly, not_met or unknown; `barriers`: codes (at least one "
        "for partly and not_met: 400 `barriers_required`; none for met: 400 "
        "`barriers_not_allowed`; 400 `invalid_barrier` off the list). Stored apart from the "
        "recipient's answer (`family_needs_met`, `family_barriers`). 403 `not_allowed` for the "
        "referral's providers; 404 for anyone the decision point does not let see the child as "
        "a guardian; 409 `invalid_transition` before completion.",
    )
    def post(self, request: Request, pk: int) -> Response:
        form = bind(NeedsMetForm, request.data)
        if not form.is_valid():
            raise refusal(form, form.api_codes)
        v = form.cleaned_data
        referral = referral_family_answer(
            actor=request.user, referral_id=pk, needs_met=v["needs_met"], barriers=v["barriers"]
        )
        return Response(referral_body(referral, policies.ROLE_GUARDIAN, viewer=request.user))


class ReferralCancelApi(_TransitionApi):
    verb = "cancel"

    @_transition_schema("cancel")
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, request: Request, pk: int, v: dict[str, Any]) -> Referral:
        return services.referral_cancel(actor=request.user, referral_id=pk, reason=v["reason"])


class ReferralRescheduleApi(_TransitionApi):
    verb = "reschedule"

    @extend_schema(
        request=schema_of(TRANSITION_FORMS["reschedule"]),
        responses={200: ReferralDetailOutput},
        summary="Move a scheduled referral's appointment (recipient only)",
        description="`appointment_at`: ISO 8601 with an offset; in the future, at most 5 years ahead. "
        "The status stays `scheduled`; a timeline entry records the old and new time and "
        "the reason, and the referrer and the family are told (in-app notice and e-mail). "
        "400 `appointment_in_past`; 403 `not_allowed` for anyone but the recipient; "
        "409 `invalid_transition` unless the referral is `scheduled`.",
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def perform(self, request: Request, pk: int, v: dict[str, Any]) -> Referral:
        return services.referral_reschedule(
            actor=request.user, referral_id=pk, appointment_at=v["appointment_at"], reason=v["reason"]
        )


class ReferralCountsApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "ReferralCounts",
            {
                "waiting_for_you": serializers.IntegerField(),
                "new": serializers.IntegerField(),
                "overdue": serializers.IntegerField(),
                "awaiting_response": serializers.IntegerField(),
            },
        ),
        summary="Dashboard counters ('waiting for you' badge)",
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.referral_counts(actor=request.user))


class ScreeningValidateApi(APIView):
    @extend_schema(
        request=ScreeningInput,
        responses=inline_serializer(
            "ScreeningValidation",
            {
                "instrument": serializers.CharField(),
                "inputs": serializers.JSONField(),
                "result": serializers.JSONField(),
                "summary": serializers.CharField(),
            },
        ),
        summary="Score a screening without saving it (live validation in the referral form)",
    )
    def post(self, request: Request) -> Response:
        result = validate_screening(request.data, index=0)
        return Response(
            {
                "instrument": result.instrument,
                "inputs": result.inputs,
                "result": result.result,
                "summary": summary(result.instrument, result.result),
            }
        )


class RecipientOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    discipline = serializers.CharField()
    discipline_label = serializers.CharField(source="get_discipline_display")
    organization = serializers.CharField(source="organization.name", default="")
    organization_id = serializers.IntegerField(allow_null=True)


class RecipientSearchApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", required=False)],
        responses=RecipientOutput(many=True),
        summary="Directory providers who can receive referrals (have an account), found by the "
        "directory search",
    )
    def get(self, request: Request) -> Response:
        me = provider_of(request.user)
        rows = selectors.recipient_search(
            q=request.query_params.get("q", ""), exclude_provider_id=me.pk if me else None
        )
        return Response(RecipientOutput(rows, many=True).data)
