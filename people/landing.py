"""Where a person lands after signing in, and what "home" means on error pages: each
role its own start page, registered by the app that serves it
(``referral_hub.extensions.register_start_page``: consent the guardian's family portal,
referrals the provider's dashboard, directory the curation queue, intake the coordination
queue, indicators the network lead's dashboard). People names no app above it."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from people.roles import Actor, user_roles
from referral_hub.extensions import home_page, start_pages


def _reversed(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def home_url_for(user: Actor) -> str:
    """The start page of ``user``'s first role (a provider who is also a curator lands on
    the dashboard), or the site's front page."""
    if user.is_authenticated:
        roles = set(user_roles(user))
        for page in start_pages():
            if page.role in roles:
                url = _reversed(page.url_name)
                if url is not None:
                    return url
    return _reversed(home_page()) or "/"
