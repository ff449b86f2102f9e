from __future__ import annotations

from django import forms

from families.models import Relationship


class RegisterForm(forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    email = forms.EmailField(label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    relationship = forms.ChoiceField(choices=Relationship.choices, label="Your relationship to the child")
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ChildForm(forms.Form):
    first_name = forms.CharField(max_length=100, label="Child's first name")
    last_name = forms.CharField(max_length=100, label="Child's last name")
    date_of_birth = forms.DateField(label="Date of birth", widget=forms.DateInput(attrs={"type": "date"}))
    preferred_language = forms.CharField(max_length=8, initial="en", label="Preferred language (e.g. en, es)")
    pronouns = forms.CharField(max_length=40, required=False, label="Pronouns (optional)")


class InviteForm(forms.Form):
    family_name = forms.CharField(max_length=200, required=False, label="Household name (optional)")
    guardian_email = forms.EmailField(label="Guardian's e-mail address")
    relationship = forms.ChoiceField(
        choices=Relationship.choices, label="Guardian's relationship to the child"
    )
    child_first_name = forms.CharField(max_length=100, label="Child's first name")
    child_last_name = forms.CharField(max_length=100, label="Child's last name")
    child_date_of_birth = forms.DateField(
        label="Child's date of birth", widget=forms.DateInput(attrs={"type": "date"})
    )
    preferred_language = forms.CharField(max_length=8, initial="en", label="Preferred language (e.g. en, es)")
