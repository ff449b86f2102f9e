"""One input per use case for recording orders: ``POST /api/v1/children/{id}/authority/``
and ``.../restrictions/`` bind them, and so does the recording page. Which values go
together (a document for an order, a scope for a delegation, a household member) is
the service's to say (``consent.authority_services``), once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from consent.models import Purpose
from families.models import AuthorityBasis, RestrictionKind
from referral_hub.inputs import IdField, TextField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})

# The API's code for a field the form itself refuses (a malformed date, a basis not in
# the list); the service's refusals carry their own.
INPUT_CODES = {
    "person": ("unknown_person", 400),
    "basis": ("invalid_basis", 400),
    "kind": ("invalid_kind", 400),
    "scope": ("invalid_scope", 400),
    "starts_at": ("invalid_period", 400),
    "ends_at": ("invalid_period", 400),
    "order_number": ("invalid_order_number", 400),
    "document": ("unknown_document", 400),
    "restrictions": ("invalid_kind", 400),
}


class DocumentInput(forms.FileInput):
    """The page's file input; an API client may send a stored document's id instead."""

    def value_from_datadict(self, data: Mapping[str, Any], files: Mapping[str, Any], name: str) -> Any:
        upload = files.get(name)
        return upload if upload is not None else data.get(name)


class DocumentField(IdField):
    """The order's document: a file (the page, a multipart call) or the id of one the
    recorder uploaded (``POST /api/v1/documents/``). Which, and whose, the service checks."""

    widget = DocumentInput
    default_error_messages = {"invalid": _("Choose a document you uploaded.")}

    def to_python(self, value: Any) -> UploadedFile[Any] | int | None:  # type: ignore[override]
        if isinstance(value, UploadedFile):
            return value
        return super().to_python(value)


class OrderForm(forms.Form):
    """What every order has: whom it is about, when it holds, its number and document."""

    person = IdField(
        required=False,
        label=_("Household member"),
        help_text="The household member's user id (the `person` of the authority list).",
    )
    starts_at = forms.DateTimeField(
        required=False,
        label=_("From (optional: today)"),
        help_text="When it takes effect (ISO 8601). Default: now.",
        widget=DATE_WIDGET,
    )
    ends_at = forms.DateTimeField(
        required=False,
        label=_("Until (optional)"),
        help_text="When it ends (ISO 8601), after starts_at; empty: until recorded otherwise.",
        widget=DATE_WIDGET,
    )
    order_number = TextField(
        required=False,
        max_length=100,
        label=_("Order number"),
        help_text="The court order's or delegation's number (required for an order).",
    )
    document = DocumentField(
        required=False,
        label=_("The order (PDF, PNG or JPEG, at most 10 MB)"),
        help_text="The id of the order's document you uploaded (POST /api/v1/documents/), or, "
        "in a multipart body, the file itself: a PDF, PNG or JPEG (checked by content), at most "
        "10 MB. Required for legal_guardian, agency_custody, delegated and every restriction.",
    )


class AuthorityRecordForm(OrderForm):
    """Record who may consent for a child and on what basis."""

    basis = forms.ChoiceField(choices=AuthorityBasis.choices, label=_("On what basis"))
    scope = forms.MultipleChoiceField(
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("What the agency delegated (a delegation only)"),
        help_text="A delegation's purposes (at least one); empty for every other basis (all purposes).",
    )

    field_order = ["person", "basis", "scope", "order_number", "starts_at", "ends_at", "document"]


class RestrictionRecordForm(OrderForm):
    """Record a court order's restriction on a household member."""

    kind = forms.ChoiceField(choices=RestrictionKind.choices, label=_("What the order says"))

    field_order = ["person", "kind", "order_number", "starts_at", "ends_at", "document"]


class AuthorityRecordApiForm(AuthorityRecordForm):
    """The API records, with the authority, the restrictions the same order puts on the
    holder (the contract's ``restrictions``); the page records them one by one."""

    restrictions = forms.MultipleChoiceField(
        choices=RestrictionKind.choices,
        required=False,
        label=_("Restrictions the same order puts on this person"),
        help_text="Restrictions the same order puts on the holder: recorded with it, under the "
        "same number, document and period (which they then require).",
    )
