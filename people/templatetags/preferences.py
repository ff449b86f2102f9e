"""``{% language_url request "es" %}``: this page's address in another language (the
query string kept, ``lang`` replaced)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag
def language_url(request: HttpRequest, code: str) -> str:
    query = request.GET.copy()
    query["lang"] = code
    return f"{request.path}?{query.urlencode()}"
