"""Purposes and data categories in plain words on every page: codes go through their
``TextChoices`` labels (``{{ code|category_label }}``, ``{{ codes|category_labels }}``)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from consent.models import DataCategory, Purpose

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    try:
        return str(DataCategory(code).label)
    except ValueError:
        return str(code).replace("_", " ")


@register.filter
def purpose_label(code: str) -> str:
    try:
        return str(Purpose(code).label)
    except ValueError:
        return str(code).replace("_", " ")


@register.filter
def category_labels(codes: Iterable[str]) -> str:
    return ", ".join(category_label(c) for c in codes or ())


@register.filter
def purpose_labels(codes: Iterable[str]) -> str:
    return ", ".join(purpose_label(c) for c in codes or ())
