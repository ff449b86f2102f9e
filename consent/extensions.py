"""Extension points for apps above consent (e.g. ``intake``) without import cycles.

``portal_panels``: callables ``(user) -> (template_name, context) | None`` rendered as
extra sections of the family portal ("My family"), in registration order. Registered
in the other app's ``AppConfig.ready``.

``register_request_return``: where a provider who asked a family to share goes back to,
and where the family's answer links (referrals: the referral form, with the child and the
provider chosen). Without one, the provider's start page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from people.landing import home_url_for
from people.roles import Actor

PortalPanel = Callable[[Actor], tuple[str, dict[str, Any]] | None]
portal_panels: list[PortalPanel] = []

# (child_id, provider_id) -> a path; both None: the page itself, without a choice made.
RequestReturn = Callable[[int | None, int | None], str]
_request_return: list[RequestReturn] = []


# (actor, child_id, provider_id, the posted form) after a provider asked a family to share
# from a page: the page's app keeps what else was typed there (referrals: the draft).
RequestAsked = Callable[[Actor, int, int, Mapping[str, str]], None]
_request_asked: list[RequestAsked] = []


def register_request_asked(keep: RequestAsked) -> None:
    """Replaces any earlier one (Django may call ``ready()`` twice in tests)."""
    _request_asked[:] = [keep]


def request_asked(user: Actor, child_id: int, provider_id: int, posted: Mapping[str, str]) -> None:
    for keep in _request_asked:
        keep(user, child_id, provider_id, posted)


def register_request_return(page: RequestReturn) -> None:
    """Replaces any earlier one (Django may call ``ready()`` twice in tests)."""
    _request_return[:] = [page]


def request_return_url(user: Actor, child_id: int | None = None, provider_id: int | None = None) -> str:
    if _request_return:
        return _request_return[0](child_id, provider_id)
    return home_url_for(user)
