from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from consent.models import PURPOSE_FIELDS, DataCategory, Purpose, SignatureMethod
from consent.services import MAX_TERM_DAYS
from referral_hub.inputs import IdField, TextField

# Purposes as the API names them (code = label), the same set its outputs publish; the
# portal's ScopeForm shows them in words.
PURPOSE_CODES = [(code, code) for code in PURPOSE_FIELDS]
# The longest note or reason a person writes on a consent request.
MAX_NOTE = 1000


def default_expiry() -> datetime.date:
    return timezone.now().date() + datetime.timedelta(days=180)


class ScopeForm(forms.Form):
    """Step 1: recipient (from the directory search), purposes, information, expiry."""

    recipient_provider = IdField(widget=forms.HiddenInput)
    purposes = forms.MultipleChoiceField(
        choices=Purpose.choices, widget=forms.CheckboxSelectMultiple, label=_("Why may they see it?")
    )
    data_categories = forms.MultipleChoiceField(
        choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple, label=_("What may they see?")
    )
    expires_on = forms.DateField(
        label=format_lazy(_("Until (at most {days} days from today)"), days=MAX_TERM_DAYS),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=default_expiry,
    )


class SignForm(ScopeForm):
    """Step 2: the guardian has read the authorization and signs with their password."""

    text_version = forms.CharField(widget=forms.HiddenInput)
    password = forms.CharField(
        label=_("Your password (your signature)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RevokeForm(forms.Form):
    """A guardian revokes a consent: the page and ``POST /api/v1/consents/{id}/revoke/``
    bind it alike (a reason over 1,000 characters is refused by both, never cut)."""

    reason = TextField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsentRequestForm(forms.Form):
    """A provider asks a child's family to share with another provider: the referral
    form's "ask the family" panel and ``POST /api/v1/consent-requests/`` bind it alike.
    Purposes and categories may come empty: the service says what is missing."""

    child = IdField(label=_("Child"))
    provider = IdField(
        label=_("Share with"), help_text="The directory provider the family is asked to share with."
    )
    purposes = forms.MultipleChoiceField(choices=PURPOSE_CODES, required=False, label=_("Why"))
    data_categories = forms.MultipleChoiceField(choices=DataCategory.choices, required=False, label=_("What"))
    note = TextField(required=False, max_length=MAX_NOTE, label=_("Note to the family (optional)"))


class ConsentRequestSignForm(forms.Form):
    """The guardian signs a consent request: the request's page and
    ``POST /api/v1/consent-requests/{id}/sign/`` bind it alike."""

    password = forms.CharField(
        strip=False,
        label=_("Your password (your signature)"),
        help_text="Your password, re-entered: the portal e-signature.",
    )
    expires_on = forms.DateField(
        required=False,
        label=_("Until"),
        help_text="Until when (at most one year ahead). Default: 180 days from today.",
    )
    text_version = forms.CharField(required=False, help_text="The authorization text version you read.")

    def clean_expires_on(self) -> datetime.date:
        return self.cleaned_data.get("expires_on") or default_expiry()


class ConsentRequestDeclineForm(forms.Form):
    """The guardian declines a consent request (the reason stays with the family): the
    request's page and ``POST /api/v1/consent-requests/{id}/decline/`` bind it alike."""

    reason = TextField(
        required=False, max_length=MAX_NOTE, label=_("Reason (optional, kept with your family)")
    )


class ConsentGrantForm(SignForm):
    """``POST /api/v1/consents/``: the portal's signing step (``SignForm``, which the page
    binds) plus what the page takes from its address (the child) and the directory
    search (the recipient: a provider or an organization). Empty purposes or categories
    are the service's to name (``purposes_required``)."""

    child = IdField()
    recipient_provider = IdField(required=False)
    recipient_organization = IdField(required=False)
    purposes = forms.MultipleChoiceField(choices=PURPOSE_CODES, required=False)
    data_categories = forms.MultipleChoiceField(choices=DataCategory.choices, required=False)
    text_version = forms.CharField(
        required=False, help_text="The authorization text version you read (default: the current one)."
    )


class ConsentAttestForm(forms.Form):
    """A provider records a paper or verbal consent (``POST /api/v1/consents/attest/``).
    The form reference is checked by the service, after who may attest for which child
    (a stranger learns nothing about the form's rules): missing or blank is 400
    ``form_reference_required``."""

    child = IdField()
    guardian = IdField(help_text="The guardian who gave the consent (same family).")
    signature_method = forms.ChoiceField(
        choices=[
            (SignatureMethod.PROVIDER_ATTESTED_PAPER, SignatureMethod.PROVIDER_ATTESTED_PAPER.label),
            (SignatureMethod.PROVIDER_ATTESTED_VERBAL, SignatureMethod.PROVIDER_ATTESTED_VERBAL.label),
        ]
    )
    paper_form_reference = TextField(
        required=False,
        help_text="Required: the reference of the signed paper form (verbal consents are written up on it).",
    )
    purposes = forms.MultipleChoiceField(choices=PURPOSE_CODES, required=False)
    data_categories = forms.MultipleChoiceField(choices=DataCategory.choices, required=False)
    expires_on = forms.DateField()
