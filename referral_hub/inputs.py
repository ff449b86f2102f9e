"""One input per use case, bound by the API and the page alike.

Each use case's input is a Django form that lives next to its service (``<app>/inputs.py``)
and turns what a person typed, or what a client sent, into typed, validated values; the
service takes those values and keeps only the business rules. The two doors differ only
in how a refusal is shown:

- the API answers with the envelope clients already handle: ``refusal(form, codes)`` is
  the first field error as one ``ApplicationError`` (``{"detail": "<field>: <message>",
  "code", "field"}``, the code the API documents for that field);
- the page re-renders the bound form (everything typed is kept), each message beside its
  field, in the reader's language: ``show_refusal(form, exc)`` puts a service's refusal
  there too.

Messages are plain words (``"Communication score must be between 0 and 60."``); only the
API's ``detail`` and ``field`` name the field the way a program does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from referral_hub.errors import ApplicationError, FieldError
from referral_hub.ids import parse_id

Codes = Mapping[str, tuple[str, int]]


class IdField(forms.Field):
    """A database id, read by the one id parser (``referral_hub.ids``): a whole number in
    range, given as a number or as text."""

    default_error_messages = {"invalid": _("Choose one from the list.")}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        pk = parse_id(value)
        if pk is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return pk


class TextField(forms.CharField):
    """Text, and only text: a JSON number, list or object sent for it is refused rather
    than turned into its string."""

    default_error_messages = {"not_text": _("Enter text.")}

    def to_python(self, value: Any) -> str:
        if value is not None and not isinstance(value, str):
            raise forms.ValidationError(self.error_messages["not_text"], code="not_text")
        return str(super().to_python(value))


def api_data(data: Any) -> Mapping[str, Any]:
    """What an API request sent, for a form: a JSON object or form fields; anything else
    (a JSON list, a bare string) is an empty form, refused field by field."""
    return data if isinstance(data, Mapping) else {}


F = TypeVar("F", bound=forms.Form)


def _fits(field: forms.Field, value: Any) -> bool:
    """Can ``field`` read this JSON value? Lists and objects only where the field takes
    them, numbers where it counts, text everywhere else (Django's fields expect a page's
    text: a date field would crash on ``true``, a text field read ``["x"]`` as text)."""
    if value is None or isinstance(field, forms.MultipleChoiceField | forms.JSONField):
        return True
    if isinstance(value, list | dict):
        return False
    if isinstance(field, forms.BooleanField):
        return isinstance(value, bool | str)
    if isinstance(field, forms.IntegerField | IdField):
        return isinstance(value, int | float | str) and not isinstance(value, bool)
    return isinstance(value, str)


def bind(form_class: type[F], data: Any) -> F:
    """``form_class`` bound to what an API client sent, and validated. A JSON value of a
    kind the field cannot take (a list for a date, ``true`` for a password) is refused as
    that field's error, never a 500."""
    sent = api_data(data)
    fields = form_class.base_fields
    wrong = [name for name, value in sent.items() if name in fields and not _fits(fields[name], value)]
    # Form fields (a QueryDict) hold text only: bound as they are, lists intact.
    form = form_class({name: value for name, value in sent.items() if name not in wrong} if wrong else sent)
    form.is_valid()
    for name in wrong:
        form.errors.pop(name, None)
        form.add_error(
            name, forms.ValidationError(_("This value is not of the expected kind."), code="invalid")
        )
    return form


def first_error(form: forms.Form) -> tuple[str | None, str]:
    """The first refused field of a bound form (None for a form-wide error) and its
    message."""
    for field, errors in form.errors.items():
        return (None if field == NON_FIELD_ERRORS else field), str(errors[0])
    return None, str(_("Invalid input."))


def refusal(form: forms.Form, codes: Codes, default: tuple[str, int] = ("invalid", 400)) -> ApplicationError:
    """A refused form as the API's ``ApplicationError``: the first field's error, with the
    code and status the API documents for that field."""
    field, message = first_error(form)
    if field is None:
        return ApplicationError(default[0], message, status=default[1])
    code, status = codes.get(field, default)
    # A form may name a field the API's way (``screenings[0].total`` for the page's ``total``).
    api_fields: Mapping[str, str] = getattr(form, "api_fields", {})
    return FieldError(code, api_fields.get(field, field), message, status=status)


def plain(exc: ApplicationError) -> str:
    """A refusal's message for a person: without the program's field name in front."""
    return exc.plain if isinstance(exc, FieldError) else exc.message


def show_refusal(form: forms.Form, exc: ApplicationError, fields: Mapping[str, str] | None = None) -> None:
    """A service's refusal shown on the page beside its field (``fields`` maps the API's
    field names to the form's where they differ), or at the top of the form."""
    field = exc.extra.get("field")
    field = (fields or {}).get(field, field) if isinstance(field, str) else None
    form.add_error(field if field in form.fields else None, plain(exc))


def _choices(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    # (value, label) pairs, as Django normalized them: the same pairs as a serializer's
    # ChoiceField over the same choices, so the schema's enum names stay the ones settled
    # in ``SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]``.
    return list(cast(Iterable[tuple[Any, Any]], field.choices))


def _schema_field(field: forms.Field) -> serializers.Field[Any, Any, Any, Any]:
    common: dict[str, Any] = {"required": field.required, "help_text": str(field.help_text or "") or None}
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.ChoiceField(_choices(field)), **common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(_choices(field), **common)
    if isinstance(field, IdField | forms.IntegerField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.CharField):
        return serializers.CharField(max_length=field.max_length, allow_blank=not field.required, **common)
    return serializers.JSONField(**common)


@cache
def schema_of(form_class: type[forms.Form]) -> type[serializers.Serializer[Any]]:
    """The OpenAPI request body of an API that binds ``form_class``: derived from the form,
    so the schema cannot drift from what is checked (names end in ``Input``)."""
    fields = {name: _schema_field(field) for name, field in form_class.base_fields.items()}
    name = form_class.__name__.removesuffix("Form") + "Input"
    return type(name, (serializers.Serializer,), {**fields, "__doc__": form_class.__doc__})
