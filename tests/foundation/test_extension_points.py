"""The base's extension points (referral_hub/extensions.py) show what the apps registered:
the main navigation has, for each role, the links base.html used to name by hand, in the
same order and language; an empty slot renders nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.template import engines
from django.urls import reverse
from django.utils import translation

from referral_hub.extensions import nav_items

NAV = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.DOTALL)
LINK = re.compile(r'<li><a href="([^"]+)">([^<]*)')


def _nav(client, user: User | None = None, language: str = "en") -> list[tuple[str, str]]:
    if user is not None:
        client.force_login(user)
    client.cookies["rh_language"] = language
    page = client.get(reverse("home")).content.decode()
    return LINK.findall(NAV.search(page).group(1))


def _hrefs(names: list[str]) -> list[str]:
    return [reverse(name) for name in names]


@pytest.mark.django_db
def test_anonymous_visitors_see_the_public_links(client):
    assert [href for href, _ in _nav(client)] == _hrefs(["home", "verify", "swagger-ui"])


@pytest.mark.parametrize(
    ("username", "names"),
    [
        (
            "guardian",
            ["home", "portal", "portal-household", "portal-referrals", "notices", "verify", "swagger-ui"],
        ),
        (
            "pediatrician",
            [
                "home",
                "referrals-dashboard",
                "cases",
                "portal-provider",
                "endorsement-portfolio",
                "group-host-list",
                "notices",
                "verify",
                "swagger-ui",
            ],
        ),
        (
            "curator",
            [
                "home",
                "curate",
                "listing-queue",
                "curate-models",
                "endorsement-curate",
                "audit-export",
                "authority-find",
                "notices",
                "verify",
                "swagger-ui",
            ],
        ),
        ("network_lead", ["home", "indicators-dashboard", "notices", "verify", "swagger-ui"]),
        ("coordinator", ["home", "intake-queue", "authority-find", "notices", "verify", "swagger-ui"]),
    ],
)
def test_each_role_sees_its_links_in_order(client, demo, username, names):
    user = User.objects.get(username=username)
    assert [href for href, _ in _nav(client, user)] == _hrefs(names)


def test_the_navigation_reads_in_spanish(client, demo):
    labels = [label for _, label in _nav(client, User.objects.get(username="guardian"), "es")]
    with translation.override("es"):
        expected = [
            translation.gettext(text)
            for text in ("Find help", "My family", "Who may consent", "Referrals", "Notices")
        ]
    assert labels[:5] == expected
    assert expected[0] != "Find help"


def test_every_navigation_label_has_spanish():
    untranslated = []
    for item in nav_items():
        with translation.override("es"):
            spanish = str(item.label)
        if spanish == str(item.label) and item.url_name != "swagger-ui":  # "API" is a name
            untranslated.append(item.url_name)
    assert untranslated == []


def test_the_provider_badges_stay_in_their_links(client, demo):
    client.force_login(User.objects.get(username="pediatrician"))
    page = client.get(reverse("home")).content.decode()
    nav = NAV.search(page).group(1)
    for badge, name in (("waiting", "referrals-dashboard"), ("messages", "cases")):
        assert re.search(
            rf'href="{reverse(name)}">[^<]*<span class="badge nav-badge" data-badge="{badge}"', nav
        )
    assert 'data-badge="notices"' in nav


def test_an_unfilled_slot_renders_nothing():
    template = engines["django"].from_string('{% load extensions %}[{% slot "nobody-fills-this" %}]')
    assert template.render({}) == "[]"
