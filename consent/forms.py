from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from consent.models import DataCategory, Purpose
from consent.services import MAX_TERM_DAYS
from referral_hub.inputs import TextField


def default_expiry() -> datetime.date:
    return timezone.now().date() + datetime.timedelta(days=180)


class ScopeForm(forms.Form):
    """Step 1: recipient (from the directory search), purposes, information, expiry."""

    recipient_provider = forms.IntegerField(widget=forms.HiddenInput)
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
