"""Where a person lands after signing in, and what "home" means on error pages: each
role its own start page (guardian: the family portal; provider: the dashboard; curator:
the curation queue; coordinator: the coordination queue when that app is installed;
network lead: the indicators). Pages are named by URL name, so this module imports no
domain app."""

from __future__ import annotations

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from people.roles import Actor, user_roles

# First role that matches wins: a provider who is also a curator lands on the dashboard.
ROLE_HOMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("guardian", ("portal",)),
    ("provider", ("referrals-dashboard",)),
    ("curator", ("curate",)),
    # A path (leading "/") counts when some app serves it.
    ("coordinator", ("/coordination/", "referrals-dashboard")),
    ("network_lead", ("indicators-dashboard",)),
)


def _first_reversible(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            if name.startswith("/"):
                resolve(name)
                return name
            return reverse(name)
        except (NoReverseMatch, Resolver404):
            continue
    return None


def home_url_for(user: Actor) -> str:
    """The start page of ``user``'s first role, or the directory search."""
    if user.is_authenticated:
        roles = set(user_roles(user))
        for role, names in ROLE_HOMES:
            if role in roles:
                url = _first_reversible(names)
                if url is not None:
                    return url
    return reverse("home")
