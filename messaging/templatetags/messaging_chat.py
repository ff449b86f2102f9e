"""``{% chat_allowed case user as allowed %}``: the chat policy for templates, so a page
that shows a case to more people (a guardian, say) renders the panel only for those who
may chat."""

from __future__ import annotations

from django import template

from cases.models import Case
from messaging.policies import chat_access, chat_members
from people.roles import Actor, signed_in

register = template.Library()


@register.simple_tag
def chat_allowed(case: Case, user: Actor) -> bool:
    return chat_access(user, case.pk) is not None


@register.simple_tag
def chat_team_names(case: Case, user: Actor) -> list[str]:
    """The names the other members of the chat are shown (and mentioned) under: "@" and
    one of them notifies that member (``messaging.services._mentions``)."""
    others = chat_members(case_id=case.pk).exclude(user_id=signed_in(user).pk)
    return sorted(others.values_list("provider__name", flat=True))
