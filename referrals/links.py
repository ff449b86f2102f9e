"""Links into the referral pages that lower apps show without naming them (registered in
``ReferralsConfig.ready``)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse


def referral_form_url(child_id: int | None, provider_id: int | None) -> str:
    """The referral form; with a child and a provider, with both already chosen."""
    url = reverse("referral-new")
    if child_id is not None and provider_id is not None:
        url += f"?{urlencode({'child': child_id, 'to_provider': provider_id})}"
    return url
