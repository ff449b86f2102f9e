"""``{% chat_allowed case user as allowed %}``: the chat policy for templates, so a page
that shows a case to more people (a guardian, say) renders the panel only for those who
may chat."""

from __future__ import annotations

from django import template

from cases.models import Case
from messaging.policies import chat_access
from people.roles import Actor

register = template.Library()


@register.simple_tag
def chat_allowed(case: Case, user: Actor) -> bool:
    return chat_access(user, case.pk) is not None
