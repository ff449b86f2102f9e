"""Template tags that render the base's extension points (``referral_hub/extensions.py``):
``{% nav_items %}``, ``{% slot "name" %}`` and ``{% home_url %}``. A page that uses them
names no app: it shows what the apps registered."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.template.context import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from referral_hub import extensions, language

register = template.Library()


def _include(context: Context, name: str) -> str:
    # As {% include %} does: the page's own context, no second run of the context processors.
    assert context.template is not None  # a tag renders inside a template
    return context.template.engine.get_template(name).render(context)


@register.simple_tag(takes_context=True)
def nav_items(context: Context) -> SafeString:
    """The main navigation's registered links the viewer may see, in their order."""
    user = context.get("user")
    authenticated = bool(user is not None and user.is_authenticated)
    roles = frozenset(context.get("roles") or ())
    links = [
        format_html(
            '<li><a href="{}">{}{}</a></li>',
            reverse(item.url_name),
            item.label,
            mark_safe(_include(context, item.badge_template)) if item.badge_template else "",  # noqa: S308 (a template's output)
        )
        for item in extensions.nav_items()
        if item.shown_to(authenticated=authenticated, roles=roles)
    ]
    return mark_safe("\n        ".join(links))  # noqa: S308 (built by format_html)


@register.simple_tag(takes_context=True)
def slot(context: Context, name: str) -> SafeString:
    """Every template registered for slot ``name``, rendered with the page's context."""
    return mark_safe("".join(_include(context, t) for t in extensions.slot_templates(name)))  # noqa: S308 (templates' output)


@register.simple_tag
def home_url() -> str:
    """The site's front page (registered by the app that serves it), else the root."""
    name = extensions.home_page()
    return reverse(name) if name else "/"


@register.simple_tag
def switch_next(request: HttpRequest) -> str:
    """Where the language switcher returns: this page without ``?lang=``."""
    return language.switch_next(request)
