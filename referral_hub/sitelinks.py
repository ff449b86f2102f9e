"""Absolute links to this site, for what leaves it (e-mail, texts, notices, FHIR and
API bodies, PDF letters): the configured ``SITE_URL`` joined with a path. The one place
they are built; ``tests/foundation/test_one_home.py`` fails on any module that joins
``SITE_URL`` by hand. (A view answering a request may still use
``request.build_absolute_uri``: that link is for the same client, on the host it used.)"""

from __future__ import annotations

from django.conf import settings


def site_url() -> str:
    """The site's base URL without a trailing slash (``SITE_URL`` may be set with one)."""
    return str(settings.SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (``/referrals/7/`` or ``referrals/7/``, query allowed) on this site: one
    slash between base and path, never two."""
    return f"{site_url()}/{path.lstrip('/')}"
