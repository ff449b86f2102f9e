"""One readable date format per language (issue 25: "date formats are mixed on one
page"): every date a person reads is "7 Dec 2026" on an English page and "7 dic 2026" on
a Spanish one (with a time: "7 Dec 2026, 5:15 AM EST", "7 dic 2026, 05:15 EST"); never
"2026-12-07" beside "Dec. 7, 2026". Form values and ``<time datetime>`` keep ISO 8601."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from referrals.models import Referral
from tests.i18n.test_words_not_codes import visible_text

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ABBREVIATED_WITH_DOT = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\. \d")
READABLE = {
    "en": re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b"),
    "es": re.compile(r"\b\d{1,2} [a-z]{3} \d{4}\b"),
}


def _pages(demo) -> list[tuple[str, str]]:
    # The pediatrician's first demo referral, by its real id (ids are not 1, 2, ... on
    # PostgreSQL, whose sequences a rolled-back test does not reset).
    referral = Referral.objects.filter(from_provider__user__username="pediatrician").order_by("pk").first()
    assert referral is not None, "the demo world has a referral the pediatrician sent"
    detail = f"/referrals/{referral.pk}/"
    return [
        ("pediatrician", "/dashboard/"),
        ("pediatrician", detail),
        ("pediatrician", "/referrals/new/"),
        ("guardian", "/portal/referrals/"),
        ("guardian", "/portal/household/"),
        ("curator", "/curate/"),
        ("curator", "/curate/listings/"),
        ("network_lead", "/indicators/"),
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_date_a_person_reads_has_the_languages_one_format(client, demo, language):
    problems, readable = [], 0
    for username, path in _pages(demo):
        client.force_login(User.objects.get(username=username))
        response = client.get(f"{path}?lang={language}")
        assert response.status_code == 200, (username, path, response.status_code)
        text = " ".join(visible_text(response.content.decode()))
        problems += [f"{path}: {m}" for m in ISO_DATE.findall(text)]
        problems += [f"{path}: {m}." for m in ABBREVIATED_WITH_DOT.findall(text)]
        readable += len(READABLE[language].findall(text))
    assert not problems, f"dates in another format on {language} pages: {problems}"
    assert readable >= 10, f"only {readable} dates found in the {language} format"
