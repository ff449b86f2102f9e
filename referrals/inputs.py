"""What people and clients give to send and move referrals: one form per use case,
bound alike by the API (``referrals.apis``) and the pages (``referrals.views``).

Each form turns what was typed or sent into typed values (ids as ``int``, choices as
codes, screenings scored as ``ScreeningResult``), and refuses in plain words beside the
field; the services take those values and keep only the business rules (who may, which
consent covers, which transition is allowed).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from people.roles import Actor
from referral_hub import phones
from referral_hub.errors import FieldError
from referral_hub.inputs import IdField, TextField
from referrals.models import (
    NEEDS_MET_WITH_BARRIERS,
    Barrier,
    ConcernType,
    DeclineReason,
    NeedsMet,
    Outcome,
    Urgency,
)
from referrals.partners import PartnerInput, partner_listing
from referrals.screening import ASQ3_DOMAINS, validate_screenings
from referrals.services import ATTACHABLE_CATEGORIES, MAX_TEXT, SendResult, referral_send

# The page's one screening, as flat fields (the API sends ``screenings[]`` objects).
SCREENING_KEYS = ("administered_on", "interval_months", "total", "follow_up_total", "item_10")
_SCREENING_PATH = re.compile(r"screenings\[\d+\]\.(?:domain_scores\.)?(?P<key>\w+)")


class ReferralSendForm(forms.Form):
    """Send a referral: ``POST /api/v1/referrals/`` (with ``screenings[]``) and the page's
    form (with one screening's flat fields) bind it alike. ``cleaned_data["screenings"]``
    holds the scored screenings; ``api_fields`` names each refused page field the way the
    API's ``field`` does (``screenings[0].domain_scores.communication``)."""

    child = IdField(label=_("Child"))
    to_provider = IdField(required=False, label=_("Recipient"))
    # A partner not in the directory (the API: ``to_partner`` {name, email, phone}; the
    # page: the three fields below). Exactly one of ``to_provider`` and the partner.
    to_partner = forms.JSONField(
        required=False, help_text="{name, email, phone}: a partner not in the directory."
    )
    partner_name = TextField(required=False, max_length=200, label=_("Partner's name"))
    partner_email = forms.EmailField(required=False, max_length=254, label=_("Partner's e-mail"))
    partner_phone = TextField(required=False, max_length=40, label=_("Partner's phone"))
    record_only = forms.BooleanField(
        required=False, label=_("Record a referral I already made by phone or fax (nothing is sent)")
    )
    reason = TextField(max_length=MAX_TEXT, label=_("Reason for referral"))
    urgency = forms.ChoiceField(choices=Urgency.choices, required=False, label=_("Urgency"))
    concern_type = forms.ChoiceField(choices=ConcernType.choices, required=False, label=_("Concern"))
    data_categories = forms.MultipleChoiceField(
        choices=[(code, code) for code in ATTACHABLE_CATEGORIES],
        required=False,
        help_text="Extra categories to share; screenings add their own; demographics always.",
    )
    screenings = forms.JSONField(required=False, help_text="The API: a list of screening objects.")
    screening_instrument = forms.CharField(required=False, label=_("Instrument"))
    administered_on = forms.CharField(required=False)
    interval_months = forms.CharField(required=False)
    total = forms.CharField(required=False)
    follow_up_total = forms.CharField(required=False)
    item_10 = forms.CharField(required=False)
    domain_communication = forms.CharField(required=False)
    domain_gross_motor = forms.CharField(required=False)
    domain_fine_motor = forms.CharField(required=False)
    domain_problem_solving = forms.CharField(required=False)
    domain_personal_social = forms.CharField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_fields: dict[str, str] = {}

    def clean_urgency(self) -> str:
        return str(self.cleaned_data.get("urgency") or Urgency.ROUTINE)

    def clean_concern_type(self) -> str:
        return str(self.cleaned_data.get("concern_type") or ConcernType.OTHER)

    def _page_screening(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        instrument = data.get("screening_instrument", "")
        if not instrument:
            return []
        item: dict[str, Any] = {"instrument": instrument}
        item.update({key: data[key] for key in SCREENING_KEYS if data.get(key, "") != ""})
        if instrument == "asq_3":
            item["domain_scores"] = {d: data.get(f"domain_{d}", "") for d in ASQ3_DOMAINS}
        return [item]

    def _page_field(self, path: str) -> str:
        match = _SCREENING_PATH.fullmatch(path)
        key = match.group("key") if match else ""
        name = {"instrument": "screening_instrument"}.get(
            key, f"domain_{key}" if key in ASQ3_DOMAINS else key
        )
        return name if name in self.fields else "screenings"

    def _partner(self, data: dict[str, Any]) -> PartnerInput | None:
        """The named partner, from the API's ``to_partner`` or the page's fields."""
        raw = data.get("to_partner")
        if raw is not None and not isinstance(raw, dict):
            self.add_error("to_partner", _("Give the partner as {name, email, phone}."))
            return None
        if isinstance(raw, dict):
            check = PartnerForm({k: raw.get(k) for k in ("name", "email", "phone") if raw.get(k) is not None})
            if not check.is_valid():
                field, message = next(iter(check.errors.items()))
                self.api_fields["to_partner"] = f"to_partner.{field}"
                self.add_error("to_partner", str(message[0]))
                return None
            given = check.cleaned_data
        else:
            given = {
                "name": data.get("partner_name", ""),
                "email": data.get("partner_email", ""),
                "phone": data.get("partner_phone", ""),
            }
        if not any(given.values()):
            return None
        return PartnerInput(name=given["name"], email=given["email"], phone=given["phone"])

    def _check_recipient(self, data: dict[str, Any]) -> None:
        partner = self._partner(data)
        data["partner"] = partner
        if self.errors.get("to_partner"):
            return
        if partner is not None and data.get("to_provider") is not None:
            self.add_error(
                "to_provider", _("Choose a recipient from the directory, or name a partner: not both.")
            )
        elif partner is None and data.get("to_provider") is None:
            self.add_error("to_provider", _("Choose a recipient."))
        elif partner is not None and not partner.name:
            self._partner_error("name", _("Give the partner's name."))
        elif partner is not None and not (partner.email or partner.phone):
            self._partner_error("email", _("Give the partner's e-mail address or phone number."))
        elif partner is not None and not partner.email and not data.get("record_only"):
            self._check_partner_phone(partner)

    def _check_partner_phone(self, partner: PartnerInput) -> None:
        """Without an e-mail address the links go by text: the phone must take one."""
        try:
            phones.normalize(partner.phone)
        except phones.InvalidPhone:
            self._partner_error(
                "phone",
                _(
                    "The link goes by e-mail or text: give the partner's e-mail address or a mobile "
                    "number, or record a referral you made by phone or fax."
                ),
            )

    def _partner_error(self, key: str, message: Any) -> None:
        if "to_partner" in self.data:
            self.api_fields["to_partner"] = f"to_partner.{key}"
            self.add_error("to_partner", message)
        else:
            self.add_error(f"partner_{key}", message)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_recipient(data)
        raw = self.data.get("screenings") if "screenings" in self.data else self._page_screening()
        try:
            data["screenings"] = validate_screenings(raw)
        except FieldError as exc:
            field = self._page_field(exc.field)
            self.api_fields[field] = exc.field
            self.add_error(field, exc.plain)
        return data


# The API's codes for what the form refuses: the screening fields answer
# ``invalid_screening`` (the field named as ``screenings[0]...``), the others ``invalid``.
SEND_CODES = {
    name: ("invalid_screening", 400)
    for name in (
        "screenings",
        "screening_instrument",
        *SCREENING_KEYS,
        *(f"domain_{d}" for d in ASQ3_DOMAINS),
    )
}


class PartnerForm(forms.Form):
    """A partner named on a referral (not in the directory): the API's ``to_partner``."""

    name = TextField(required=False, max_length=200)
    email = forms.EmailField(required=False, max_length=254)
    phone = TextField(required=False, max_length=40)


class NoteForm(forms.Form):
    """Accept a referral (an optional note)."""

    note = TextField(required=False, max_length=MAX_TEXT, label=_("Note"))


class DeclineForm(NoteForm):
    """Decline a referral: why, and an optional note."""

    decline_reason = forms.ChoiceField(choices=DeclineReason.choices, label=_("Reason"))


class AppointmentField(forms.DateTimeField):
    """ISO 8601 text; a time without an offset (the page's ``datetime-local``) is in the
    reader's zone, the one the page shows; a time with one keeps it (so a year-9999 date
    reaches the service, which refuses it in words: ``appointment_too_far``)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not isinstance(value, str):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ScheduleForm(NoteForm):
    """Schedule the first appointment."""

    appointment_at = AppointmentField(label=_("Appointment"))


class RescheduleForm(forms.Form):
    """Move a scheduled appointment, and say why (shown on the timeline)."""

    appointment_at = AppointmentField(label=_("New appointment"))
    reason = TextField(required=False, max_length=MAX_TEXT, label=_("Reason"))


class NeedsMetForm(forms.Form):
    """Was the family's need met (Help Me Grow's "Needs Met"), and if not, why not: the
    recipient's answer at completion and the family's own answer bind it alike.

    ``needs_met`` defaults to ``unknown``; ``partly`` and ``not_met`` need at least one
    barrier (``barriers_required``); ``met`` takes none (``barriers_not_allowed``); a
    code off the list is ``invalid_barrier``. ``api_codes`` holds each refused field's
    code for the API's envelope."""

    needs_met = forms.ChoiceField(
        choices=NeedsMet.choices, required=False, label=_("Was the family's need met?")
    )
    barriers = forms.MultipleChoiceField(
        choices=Barrier.choices,
        required=False,
        label=_("What got in the way?"),
        help_text="Barrier codes; at least one when needs_met is partly or not_met, none when met.",
        error_messages={"invalid_choice": _("Choose barriers from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_codes: dict[str, tuple[str, int]] = {
            "needs_met": ("invalid_needs_met", 400),
            "barriers": ("invalid_barrier", 400),
        }

    def clean_needs_met(self) -> str:
        return str(self.cleaned_data.get("needs_met") or NeedsMet.UNKNOWN)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answer, barriers = data.get("needs_met"), data.get("barriers")
        if answer in NEEDS_MET_WITH_BARRIERS and not barriers and "barriers" not in self.errors:
            self.api_codes["barriers"] = ("barriers_required", 400)
            self.add_error("barriers", _("Say what got in the way: choose at least one barrier."))
        elif answer == NeedsMet.MET and barriers:
            self.api_codes["barriers"] = ("barriers_not_allowed", 400)
            self.add_error(
                "barriers", _("A need that was met has no barriers: clear them, or change the answer.")
            )
        # One code per barrier, in the list's order.
        data["barriers"] = [code for code in Barrier.values if code in (barriers or [])]
        return data


class CompleteForm(NoteForm, NeedsMetForm):
    """Close the loop: the outcome, whether the family's need was met (and the
    barriers), and an optional note."""

    outcome = forms.ChoiceField(choices=Outcome.choices, label=_("Outcome"))


class CancelForm(forms.Form):
    """Cancel a referral (the referrer), with an optional reason."""

    reason = TextField(required=False, max_length=MAX_TEXT, label=_("Reason"))


TRANSITION_FORMS: dict[str, type[forms.Form]] = {
    "accept": NoteForm,
    "decline": DeclineForm,
    "schedule": ScheduleForm,
    "reschedule": RescheduleForm,
    "complete": CompleteForm,
    "cancel": CancelForm,
}


def send_from(form: ReferralSendForm, *, actor: Actor, idempotency_key: str, fingerprint: str) -> SendResult:
    """Send what a bound, valid ``ReferralSendForm`` holds: the page and the API call this
    alike (each with its own idempotency key and fingerprint)."""
    v = form.cleaned_data
    to_provider_id = v["to_provider"]
    if v["partner"] is not None:
        to_provider_id = partner_listing(actor=actor, partner=v["partner"]).pk
    return referral_send(
        actor=actor,
        child_id=v["child"],
        to_provider_id=to_provider_id,
        record_only=v["record_only"],
        reason=v["reason"],
        urgency=v["urgency"],
        concern_type=v["concern_type"],
        screenings=v["screenings"],
        data_categories=v["data_categories"],
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )
