"""Notice kinds: how an in-app notification reads in the notice centre.

Any app adds a notice type by queueing an in-app row through the outbox
(``outbox.services.outbox_notify(user_id, kind, payload)``, in the transaction of the
change). With nothing more, the centre shows ``payload["label"]`` and links
``payload["url"]`` (a path on this site). To read in plain words in the viewer's
language, the app also registers a ``NoticeKind`` for its kind (or a prefix ending in
``*``) from its ``AppConfig.ready()``. Titles are built when shown, so they follow the
active language; payloads hold ids and short labels only, never a child's details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

Payload = dict[str, Any]

# Categories a reader can tell apart at a glance (filter chips and badges on the page).
CATEGORIES: dict[str, Any] = {
    "referral": _("New referral"),
    "outcome": _("Outcome back"),
    "referral_update": _("Referral update"),
    "consent": _("Consent"),
    "reminder": _("Reminder"),
    "message": _("Message"),
    "endorsement": _("Endorsement"),
    "other": _("Notice"),
}


def payload_url(payload: Payload) -> str | None:
    """``payload["url"]`` when it is a path on this site (never an outside address)."""
    url = payload.get("url")
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return url
    return None


def payload_label(payload: Payload) -> str:
    label = payload.get("label")
    return str(label) if label else str(_("You have an update."))


@dataclass(frozen=True)
class NoticeKind:
    """``category``: a key of ``CATEGORIES``, or a function of the payload returning one
    (a status change that brings an outcome back reads as "Outcome back")."""

    category: str | Callable[[Payload], str]
    title: Callable[[Payload], str] = payload_label
    url: Callable[[Payload], str | None] = payload_url

    def category_of(self, payload: Payload) -> str:
        category = self.category(payload) if callable(self.category) else self.category
        return category if category in CATEGORIES else "other"


@dataclass(frozen=True)
class Described:
    category: str
    category_label: str
    title: str
    url: str | None


_registry: dict[str, NoticeKind] = {}


def register(kind: str, notice_kind: NoticeKind) -> None:
    """Register how ``kind`` reads (``"referral.clock.*"`` covers every kind with that
    prefix). Registering the same kind again replaces it (idempotent ``ready()``)."""
    if isinstance(notice_kind.category, str) and notice_kind.category not in CATEGORIES:
        raise ValueError(f"unknown notice category {notice_kind.category!r}")
    _registry[kind] = notice_kind


def kind_for(kind: str) -> NoticeKind | None:
    if kind in _registry:
        return _registry[kind]
    prefixes = [k for k in _registry if k.endswith("*") and kind.startswith(k[:-1])]
    return _registry[max(prefixes, key=len)] if prefixes else None


def describe(kind: str, payload: Payload) -> Described:
    """Title, link and category of one notice, in the active language."""
    known = kind_for(kind) or NoticeKind(category="other")
    try:
        category, title, url = known.category_of(payload), known.title(payload), known.url(payload)
    except (KeyError, TypeError, ValueError):  # a payload from an older version of the kind
        category, title, url = "other", payload_label(payload), payload_url(payload)
    return Described(category=category, category_label=str(CATEGORIES[category]), title=title, url=url)
