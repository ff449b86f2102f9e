from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from families.models import Child
from intake.models import ContactMethod

NEW_CHILD = "new"
LANGUAGE_CHOICES = [("en", "English"), ("es", "Español")]


class AskForm(forms.Form):
    """Ask for help: the child (one of the family's, or a new one), the concern, how and
    when to reach the family, the language, and the password that signs."""

    child = forms.ChoiceField(label=_("Which child is this about?"), widget=forms.RadioSelect)
    first_name = forms.CharField(max_length=100, required=False, label=_("Child's first name"))
    last_name = forms.CharField(max_length=100, required=False, label=_("Child's last name"))
    date_of_birth = forms.DateField(
        required=False, label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    concern = forms.CharField(
        max_length=5000,
        label=_("What worries you? A few words are enough."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_method = forms.ChoiceField(
        choices=ContactMethod.choices, label=_("How may they contact you?"), widget=forms.RadioSelect
    )
    preferred_language = forms.ChoiceField(choices=LANGUAGE_CHOICES, label=_("Language"))
    best_times = forms.CharField(
        max_length=300,
        required=False,
        label=_("Best days and times to reach you (optional)"),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. weekday mornings")}),
    )
    password = forms.CharField(
        label=_("Your password (your signature)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
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


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password (your signature)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RouteForm(forms.Form):
    to_provider = forms.IntegerField(widget=forms.HiddenInput)
