"""The inbound text webhook's input: who sent the reply and what it says."""

from __future__ import annotations

from typing import Any

from django import forms

from referral_hub import phones
from referral_hub.inputs import TextField

MAX_REPLY = 1600  # a long concatenated text; only one word is ever read


class NumberField(forms.CharField):
    """The sender's number, in any form a provider posts it, as E.164."""

    default_error_messages = {"invalid_number": "Not a phone number that can be texted."}

    def clean(self, value: Any) -> str:
        text = str(super().clean(value) or "").strip()
        try:
            return phones.normalize(text)
        except phones.InvalidPhone:
            raise forms.ValidationError(
                self.error_messages["invalid_number"], code="invalid_number"
            ) from None


class InboundTextForm(forms.Form):
    """One text received by the site's number: ``from`` (the sender, E.164 or national)
    and ``body`` (what they wrote; empty for a picture)."""

    body = TextField(max_length=MAX_REPLY, required=False)


# ``from`` is a Python keyword: the field joins the form after the class is built.
InboundTextForm.base_fields["from"] = NumberField(max_length=40, help_text="The sender's phone number.")
InboundTextForm.base_fields = {
    "from": InboundTextForm.base_fields["from"],
    "body": InboundTextForm.base_fields["body"],
}
