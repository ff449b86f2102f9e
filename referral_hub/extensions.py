"""Extension points of the base: what the apps above it fill in their ``AppConfig.ready()``.

The base imports no app and names none (templates, URL names, dotted paths in settings):
it offers these registries and renders or runs what they hold. Each registering call
replaces an entry of the same name, since Django may run ``ready()`` twice in tests.

- ``register_nav_item``: a link in the main navigation of ``base.html`` (label, URL name,
  who sees it, order, an optional badge template), rendered by ``{% nav_items %}``.
- ``register_slot_template``: a template included in a named slot of a page, rendered by
  ``{% slot "name" %}`` with the page's context (``account`` in ``base.html``; apps add
  their own slots, e.g. directory's ``provider-actions`` and ``search-extras``).
- ``register_start_page``: where a role lands after signing in (asked by
  ``people.landing``), and ``register_home_page``: the site's front page.
- ``register_beat_entry``: a Celery beat entry (``beat_schedule`` is the schedule the
  Celery app runs).
- ``register_metric_collector``: a scrape-time source of /metrics figures.
- ``register_schema_enum_name``: a named enum of the API schema (drf-spectacular's
  ``ENUM_NAME_OVERRIDES`` is ``schema_enum_names``).
- ``register_context_processor``, ``register_middleware`` and ``register_error_view``:
  template context, request middleware (run at the ``referral_hub.middleware.AppMiddleware``
  place of ``MIDDLEWARE``) and the error views (400, 403, 404, 500, csrf, lockout) that
  the settings and the root URLconf reach through the base.

This module is imported by settings: it imports nothing of Django's that needs the app
registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpResponse

# --- navigation ------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    """A link of the main navigation. ``roles``: shown to a viewer with any of them
    (``people`` puts the viewer's roles in the template context as ``roles``); None:
    to everyone; ``signed_in``: to any signed-in viewer. ``badge_template`` is included
    inside the link, with the page's context."""

    label: Any  # a str or a lazily translated str
    url_name: str
    order: int
    roles: frozenset[str] | None = None
    signed_in: bool = False
    badge_template: str | None = None

    def shown_to(self, *, authenticated: bool, roles: frozenset[str]) -> bool:
        if self.signed_in and not authenticated:
            return False
        return self.roles is None or bool(self.roles & roles)


_nav_items: dict[str, NavItem] = {}


def register_nav_item(
    name: str,
    *,
    label: Any,
    url_name: str,
    order: int,
    roles: tuple[str, ...] | None = None,
    signed_in: bool = False,
    badge_template: str | None = None,
) -> None:
    _nav_items[name] = NavItem(
        label=label,
        url_name=url_name,
        order=order,
        roles=frozenset(roles) if roles is not None else None,
        signed_in=signed_in,
        badge_template=badge_template,
    )


def nav_items() -> list[NavItem]:
    """Every registered item, in their order."""
    return sorted(_nav_items.values(), key=lambda item: item.order)


# --- template slots --------------------------------------------------------------------


@dataclass(frozen=True)
class SlotTemplate:
    template: str
    order: int = 100


_slots: dict[str, dict[str, SlotTemplate]] = {}


def register_slot_template(slot: str, name: str, *, template: str, order: int = 100) -> None:
    """``template`` is included where a page says ``{% slot slot %}``, with its context."""
    _slots.setdefault(slot, {})[name] = SlotTemplate(template=template, order=order)


def slot_templates(slot: str) -> list[str]:
    """The templates filling ``slot``, in their order (none: the slot renders nothing)."""
    return [entry.template for entry in sorted(_slots.get(slot, {}).values(), key=lambda e: e.order)]


# --- start pages -----------------------------------------------------------------------


@dataclass(frozen=True)
class StartPage:
    role: str
    url_name: str
    order: int


_start_pages: dict[str, StartPage] = {}
_home_page: list[str] = []


def register_start_page(role: str, *, url_name: str, order: int) -> None:
    """Where a viewer with ``role`` lands after signing in. The first role (lowest
    ``order``) the viewer has wins. Registering a role again replaces its page."""
    _start_pages[role] = StartPage(role=role, url_name=url_name, order=order)


def start_pages() -> list[StartPage]:
    return sorted(_start_pages.values(), key=lambda page: page.order)


def register_home_page(url_name: str) -> None:
    """The site's front page (the brand link, where sign-out lands, every role's fallback)."""
    _home_page[:] = [url_name]


def home_page() -> str | None:
    """The front page's URL name, None when no app registered one."""
    return _home_page[0] if _home_page else None


# --- background jobs, metrics, API schema -------------------------------------------

#: The Celery beat schedule (``referral_hub.celery`` runs this very dict).
beat_schedule: dict[str, dict[str, Any]] = {}


def register_beat_entry(name: str, *, task: str, schedule: Any) -> None:
    """``task`` (a Celery task name of the registering app) runs on ``schedule`` (seconds
    or a ``crontab``)."""
    beat_schedule[name] = {"task": task, "schedule": schedule}


MetricCollector = Callable[[], Any]
_metric_collectors: dict[str, MetricCollector] = {}


def register_metric_collector(name: str, collector: MetricCollector) -> None:
    """``collector()`` yields Prometheus metric families at scrape time."""
    _metric_collectors[name] = collector


def metric_collectors() -> dict[str, MetricCollector]:
    return dict(_metric_collectors)


#: drf-spectacular's ``ENUM_NAME_OVERRIDES`` (settings hand it this very dict).
schema_enum_names: dict[str, Any] = {}


def register_schema_enum_name(name: str, choices: Any) -> None:
    """Field names shared by several choice sets get one named enum each (no hashed
    names): ``choices`` is the choice set or its dotted path."""
    schema_enum_names[name] = choices


# --- request plumbing ----------------------------------------------------------------

ContextProcessor = Callable[[Any], dict[str, Any]]
_context_processors: dict[str, ContextProcessor] = {}


def register_context_processor(name: str, processor: ContextProcessor) -> None:
    """``processor(request)`` adds to every template context (run in registration order)."""
    _context_processors[name] = processor


def context_processors() -> list[ContextProcessor]:
    return list(_context_processors.values())


_middleware: dict[str, type[Any]] = {}


def register_middleware(name: str, middleware: type[Any]) -> None:
    """A middleware class run at ``AppMiddleware``'s place, outermost first (registration
    order). Only ``__call__`` is used: no ``process_view`` or ``process_exception``."""
    _middleware[name] = middleware


def middleware() -> list[type[Any]]:
    return list(_middleware.values())


ERROR_VIEWS = ("400", "403", "404", "500", "csrf", "lockout")
ErrorView = Callable[..., "HttpResponse"]
_error_views: dict[str, ErrorView] = {}


def register_error_view(kind: str, view: ErrorView) -> None:
    """The view for ``kind`` (one of ``ERROR_VIEWS``): the error pages Django and axes
    call through ``referral_hub.errorviews``."""
    if kind not in ERROR_VIEWS:
        raise ValueError(f"unknown error view {kind!r}")
    _error_views[kind] = view


def error_view(kind: str) -> ErrorView | None:
    return _error_views.get(kind)


# --- the language switcher -------------------------------------------------------------

LanguageListener = Callable[[Any, str], None]
_language_listeners: dict[str, LanguageListener] = {}


def register_language_listener(name: str, listener: LanguageListener) -> None:
    """``listener(request, code)`` runs after the switcher (``referral_hub.language``) set
    a language the site serves (people: a signed-in person's account language)."""
    _language_listeners[name] = listener


def language_listeners() -> list[LanguageListener]:
    return list(_language_listeners.values())
