"""Endorsement codes as the words a person reads (the API carries the codes)."""

from __future__ import annotations

from django import template
from django.db import models

from endorsement.models import Decision, Domain

register = template.Library()


def _word(choices: type[models.TextChoices], code: object) -> str:
    text = str(code or "")
    return str(choices(text).label) if text in choices.values else text


@register.filter
def domain_word(code: object) -> str:
    """A competency domain ("working_with_others") in the reader's language."""
    return _word(Domain, code)


@register.filter
def decision_word(code: object) -> str:
    """A reviewer's decision ("approve") in the reader's language."""
    return _word(Decision, code)
