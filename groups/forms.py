"""The family pages' inputs: the Groups search (GET) and registering without an account.
Errors are in the reader's language, beside the field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory import geo
from directory.models import LANGUAGE_NAMES
from groups.models import Audience, Kind
from groups.selectors import DEFAULT_RADIUS_MILES, GroupSearch
from referral_hub import phones

RADIUS_CHOICES = [(str(m), m) for m in (5, 10, 25, 50, 100)]
FORM_LANGUAGES = ["en", "es", "zh", "vi", "ar", "fr", "ht", "ko", "ru", "pt", "so", "tl"]
ZIP = re.compile(r"^\d{5}(-\d{4})?$")


def _languages() -> list[tuple[str, str]]:
    return [("", str(_("Any language")))] + [(code, str(LANGUAGE_NAMES[code])) for code in FORM_LANGUAGES]


def _kinds() -> list[tuple[str, str]]:
    return [("", str(_("Any kind")))] + [(value, str(label)) for value, label in Kind.choices]


def _radii() -> list[tuple[str, str]]:
    return [(value, str(_("Within %(miles)d miles") % {"miles": miles})) for value, miles in RADIUS_CHOICES]


class ErrorsDescribed(forms.Form):
    """Each field with an error names its message (``<id>-error``, see ``_field.html``)
    in ``aria-describedby``, so a screen reader reads it with the field."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}-error"]
            if self.fields[name].help_text:
                ids.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


class GroupSearchForm(ErrorsDescribed):
    """What a family searches groups by; every field optional."""

    kind = forms.ChoiceField(
        choices=_kinds,
        required=False,
        label=_("Kind of group"),
        error_messages={"invalid_choice": _("Choose a kind of group from the list.")},
    )
    audience = forms.ChoiceField(
        choices=Audience.choices,
        required=False,
        label=_("For"),
        error_messages={"invalid_choice": _("Choose families or providers.")},
    )
    near = forms.CharField(
        max_length=100,
        required=False,
        label=_("Near (ZIP code or city)"),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "placeholder": _("e.g. 48104")}),
    )
    radius_miles = forms.TypedChoiceField(
        choices=_radii,
        coerce=float,
        required=False,
        empty_value=None,
        label=_("Distance"),
        error_messages={"invalid_choice": _("Choose a distance from the list.")},
    )
    language = forms.ChoiceField(
        choices=_languages,
        required=False,
        label=_("Language of the group"),
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    age_months = forms.IntegerField(
        min_value=0,
        max_value=216,
        required=False,
        label=_("Child's age in months"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Give the age as a number of months, e.g. 14."),
            "min_value": _("Give the age as a number of months, e.g. 14."),
            "max_value": _("Give the age as a number of months, e.g. 14."),
        },
    )
    model = forms.ChoiceField(
        choices=(),
        required=False,
        label=_("Approach (model)"),
        error_messages={"invalid_choice": _("Choose an approach from the list.")},
    )

    def __init__(self, *args: Any, models: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field = self.fields["model"]
        assert isinstance(model_field, forms.ChoiceField)
        model_field.choices = [("", str(_("Any")))] + list(models or [])
        self.place_label = ""

    def clean_near(self) -> tuple[float, float] | None:
        text = str(self.cleaned_data.get("near") or "").strip()
        if not text:
            return None
        if ZIP.match(text):
            found = geo.zip_place(text)
            if found is None:
                raise forms.ValidationError(
                    _("We do not know the ZIP code %(zip)s. Check it."), params={"zip": text}
                )
            self.place_label = f"{found[2].title()}, {found[3]} {text[:5]}"
            return found[0], found[1]
        lookup = geo.find_place(text)
        if lookup.place is None:
            raise forms.ValidationError(_("We could not find that place. Try a ZIP code like 48104."))
        self.place_label = f"{lookup.place.city.title()}, {lookup.place.state}"
        return lookup.place.lat, lookup.place.lng

    def search(self) -> GroupSearch:
        data = self.cleaned_data
        return GroupSearch(
            kind=data.get("kind") or "",
            audience=data.get("audience") or Audience.FAMILIES,
            language=data.get("language") or "",
            age_months=data.get("age_months"),
            model=data.get("model") or "",
            near=data.get("near"),
            radius_miles=float(data.get("radius_miles") or DEFAULT_RADIUS_MILES),
        )


class PhoneField(phones.PhoneFormField):
    default_error_messages = {
        "invalid_phone": _("This is not a phone number we can text. Check the digits."),
    }


class RegisterForm(ErrorsDescribed):
    """Registering without an account: a name and a way to reach the family."""

    name = forms.CharField(
        max_length=200,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Tell us your name so the facilitator knows whom to expect.")},
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
    )
    phone = PhoneField(
        max_length=40,
        required=False,
        label=_("Mobile phone number"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": _("This is not a phone number we can text. Check the digits.")},
    )
    language = forms.ChoiceField(
        choices=[("en", "English"), ("es", "Español")],
        label=_("Language for our messages"),
        error_messages={"invalid_choice": _("Choose English or Spanish.")},
    )
    texts_ok = forms.BooleanField(
        required=False,
        label=_("Text me reminders at this number"),
        help_text=_("Off unless you tick it. Reply STOP to end them."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(
                _("Give an e-mail address or a mobile phone number, so we can confirm your place."),
                code="contact_required",
            )
        if data.get("texts_ok") and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Give the mobile number to text reminders to."))
        return data
