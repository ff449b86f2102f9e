from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import LANGUAGE_NAMES
from families.models import Child
from intake.models import BestTime, ContactMethod
from referral_hub import phones
from referral_hub.inputs import IdField, TextField

NEW_CHILD = "new"
MAX_CONCERN = 5000
MAX_BEST_TIMES = 300
MAX_PHONE = 40


def language_choices() -> list[tuple[str, str]]:
    """Every language a family may name, by its name in the page's language."""
    return [(code, str(name)) for code, name in LANGUAGE_NAMES.items()]


class PhoneField(phones.PhoneFormField):
    """The number to call or text back (``referral_hub.phones``)."""

    default_error_messages = {
        "invalid_phone": _("This is not a phone number we can call or text. Check the digits."),
    }


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
    phone = PhoneField(
        max_length=MAX_PHONE,
        required=False,
        label=_("Phone number (needed for a call or a text)"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": _("This is not a phone number we can call or text. Check the digits.")},
    )
    text_updates = forms.BooleanField(
        required=False,
        label=_("Text me updates at this number"),
        help_text=_(
            "Off unless you tick it. A short text when your request moves, with a link to sign in: "
            "never your child's details. Reply STOP to end them."
        ),
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        label=_("E-mail address (your account's if you leave it empty)"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
    )
    preferred_language = forms.ChoiceField(
        choices=language_choices,
        label=_("Language to contact you in"),
        error_messages={
            "required": _("Choose the language to contact you in."),
            "invalid_choice": _("Choose the language to contact you in."),
        },
    )
    best_time_slots = forms.MultipleChoiceField(
        choices=BestTime.choices,
        required=False,
        label=_("When can they usually reach you? (optional)"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose mornings, afternoons, evenings or weekends.")},
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


class AnonymousAskForm(forms.Form):
    """Ask a care coordinator without an account: who to ask for, the concern, and how
    and when to be reached. No child record, no signature: nothing goes to a provider
    (docs/family-requests.md, "Without an account")."""

    contact_name = TextField(
        max_length=200,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Tell us your name so the coordinator knows whom to ask for.")},
    )
    concern = RequestForm.base_fields["concern"]
    contact_method = RequestForm.base_fields["contact_method"]
    phone = RequestForm.base_fields["phone"]
    email = forms.EmailField(
        required=False,
        max_length=254,
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an e-mail address like name@example.com.")},
    )
    preferred_language = RequestForm.base_fields["preferred_language"]
    best_time_slots = RequestForm.base_fields["best_time_slots"]
    best_times = RequestForm.base_fields["best_times"]
    agree = forms.BooleanField(
        label=_("A care coordinator may contact me the way I chose about this request."),
        error_messages={"required": _("Tick this box so a care coordinator may contact you.")},
    )
    # Left empty by people; filled in by form-filling robots (never shown).
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = language if language in ("en", "es") else "en"
        self.fields["contact_method"].initial = ContactMethod.PHONE


class AskForm(RequestForm):
    """Ask for help on the page: one of the family's children, or a new one."""

    field_order = [
        "child",
        "first_name",
        "last_name",
        "date_of_birth",
        "concern",
        "contact_method",
        "phone",
        "text_updates",
        "email",
        "preferred_language",
        "best_time_slots",
        "best_times",
    ]

    child = forms.ChoiceField(label=_("Which child is this about?"), widget=forms.RadioSelect)
    first_name = forms.CharField(max_length=100, required=False, label=_("Child's first name"))
    last_name = forms.CharField(max_length=100, required=False, label=_("Child's last name"))
    date_of_birth = forms.DateField(
        required=False, label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, children: Sequence[Child], language: str, email: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if email:
            self.fields["email"].widget.attrs["placeholder"] = email
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
