from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from families.models import Child
from intake.models import ContactMethod
from referral_hub.inputs import IdField, TextField

NEW_CHILD = "new"
MAX_CONCERN = 5000
MAX_BEST_TIMES = 300
LANGUAGE_CHOICES = [("en", "English"), ("es", "Español")]


class RequestForm(forms.Form):
    """What every request for help says, checked once for the page (``AskForm``) and the
    API (``FamilyRequestForm``): the concern, how and when to reach the family, the
    language, and the password that signs."""

    concern = TextField(
        max_length=MAX_CONCERN,
        label=_("What worries you? A few words are enough."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Tell us in a few words what worries you."),
            "max_length": _("Please keep it under 5000 characters."),
        },
    )
    contact_method = forms.ChoiceField(
        choices=ContactMethod.choices,
        label=_("How may they contact you?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how we may contact you."),
            "invalid_choice": _("Choose how we may contact you."),
        },
    )
    preferred_language = forms.ChoiceField(
        choices=LANGUAGE_CHOICES,
        label=_("Language"),
        error_messages={
            "required": _("Choose English or Spanish."),
            "invalid_choice": _("Choose English or Spanish."),
        },
    )
    best_times = TextField(
        max_length=MAX_BEST_TIMES,
        required=False,
        label=_("Best days and times to reach you (optional)"),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. weekday mornings")}),
        error_messages={"max_length": _("Please keep it under 300 characters.")},
    )
    password = forms.CharField(
        label=_("Your password (your signature)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AskForm(RequestForm):
    """Ask for help on the page: one of the family's children, or a new one."""

    field_order = ["child", "first_name", "last_name", "date_of_birth", "concern", "contact_method"]

    child = forms.ChoiceField(label=_("Which child is this about?"), widget=forms.RadioSelect)
    first_name = forms.CharField(max_length=100, required=False, label=_("Child's first name"))
    last_name = forms.CharField(max_length=100, required=False, label=_("Child's last name"))
    date_of_birth = forms.DateField(
        required=False, label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, children: Sequence[Child], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(c.pk), c.name) for c in children]
        choices.append((NEW_CHILD, str(_("Another child (add them now)"))))
        child_field = self.fields["child"]
        assert isinstance(child_field, forms.ChoiceField)
        child_field.choices = choices
        self.fields["child"].initial = choices[0][0]
        self.fields["preferred_language"].initial = language if language in ("en", "es") else "en"
        self.fields["contact_method"].initial = ContactMethod.EMAIL

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("child") == NEW_CHILD:
            for name in ("first_name", "last_name", "date_of_birth"):
                if not data.get(name):
                    self.add_error(name, _("Needed to add your child."))
        return data

    def new_child(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("child") != NEW_CHILD:
            return None
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "preferred_language": data["preferred_language"],
        }


class FamilyRequestForm(RequestForm):
    """``POST /api/v1/requests/``: a child of the family, and the provider asked (none:
    the care coordinators' queue)."""

    child = IdField()
    provider = IdField(required=False, help_text="null: the care coordinators' queue.")


class SignForm(forms.Form):
    """The family signs the consent for the provider a coordinator chose (page and API)."""

    password = forms.CharField(
        label=_("Your password (your signature)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RouteForm(forms.Form):
    """A coordinator routes a queued request to a provider (page and API)."""

    to_provider = IdField(widget=forms.HiddenInput, help_text="A directory provider id.")
