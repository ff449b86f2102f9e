from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from families.models import HOUSEHOLD_RELATIONSHIPS

# The languages families in US early-intervention programs most often speak, each named
# in itself (a reader finds their own language whatever the page's language).
LANGUAGE_CHOICES = [
    ("en", "English"),
    ("es", "Español"),
    ("zh", "中文"),
    ("vi", "Tiếng Việt"),
    ("ar", "العربية"),
    ("ht", "Kreyòl ayisyen"),
    ("pt", "Português"),
    ("fr", "Français"),
    ("ko", "한국어"),
    ("ru", "Русский"),
    ("tl", "Tagalog"),
    ("so", "Soomaali"),
]


class RegisterForm(forms.Form):
    first_name = forms.CharField(max_length=150, label=_("First name"))
    last_name = forms.CharField(max_length=150, label=_("Last name"))
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    relationship = forms.ChoiceField(
        choices=HOUSEHOLD_RELATIONSHIPS, label=_("Your relationship to the child")
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(max_length=150, label=_("First name"))
    last_name = forms.CharField(max_length=150, label=_("Last name"))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ChildForm(forms.Form):
    """A guardian adds a child: the page and ``POST /api/v1/children/`` bind it alike."""

    first_name = forms.CharField(max_length=100, label=_("Child's first name"))
    last_name = forms.CharField(max_length=100, label=_("Child's last name"))
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    preferred_language = forms.ChoiceField(
        choices=LANGUAGE_CHOICES, initial="en", required=False, label=_("Preferred language")
    )
    pronouns = forms.CharField(max_length=40, required=False, label=_("Pronouns (optional)"))

    def clean_preferred_language(self) -> str:
        return str(self.cleaned_data.get("preferred_language") or "en")


class InviteForm(forms.Form):
    family_name = forms.CharField(max_length=200, required=False, label=_("Household name (optional)"))
    guardian_email = forms.EmailField(label=_("Guardian's e-mail address"))
    relationship = forms.ChoiceField(
        choices=HOUSEHOLD_RELATIONSHIPS, label=_("Guardian's relationship to the child")
    )
    child_first_name = forms.CharField(max_length=100, label=_("Child's first name"))
    child_last_name = forms.CharField(max_length=100, label=_("Child's last name"))
    child_date_of_birth = forms.DateField(
        label=_("Child's date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    preferred_language = forms.ChoiceField(
        choices=LANGUAGE_CHOICES, initial="en", label=_("Preferred language")
    )
