"""A phone number (a family's, for a call or a text): read as typed (US numbers without
the country code, others with ``+``), stored in E.164 (``+13135550142``), shown in the
national format (``(313) 555-0142``) or, outside the US, the international one. In the
base because intake (the number to call back), people (the number to text) and the
text webhook (``outbox``) all read numbers the same way."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms

DEFAULT_REGION = "US"


class InvalidPhone(ValueError):
    """Not a phone number that can be called or texted."""


def normalize(raw: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164; ``InvalidPhone`` when it cannot be a real number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str, region: str = DEFAULT_REGION) -> str:
    """How a person reads a stored number ("" for none)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    same_country = phonenumbers.region_code_for_number(number) == region
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


class PhoneFormField(forms.CharField):
    """A phone number as typed, cleaned to E.164; "" when empty. Each use words its own
    refusal (``error_messages["invalid_phone"]``: a number to call, a number to text)."""

    def clean(self, value: Any) -> str:
        text = str(super().clean(value) or "").strip()
        if not text:
            return ""
        try:
            return normalize(text)
        except InvalidPhone:
            raise forms.ValidationError(self.error_messages["invalid_phone"], code="invalid_phone") from None
