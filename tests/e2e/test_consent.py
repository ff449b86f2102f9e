"""A guardian signs in, shares Lucía's information with a provider found in the
directory, sees the consent listed, and revokes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_guardian_grants_and_revokes_a_consent(live_server_factory, new_page):
    server = live_server_factory()
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None
        ),
    )
    login(page, server.url, "guardian")

    page.goto(f"{server.url}/portal/")
    expect(page.get_by_role("heading", name="My family")).to_be_visible()
    lucia = page.get_by_role("region", name="Lucía Rivera")
    lucia.get_by_role("link", name="Share with a provider").click()

    page.get_by_label("Provider name, organization or kind of help").fill("Okafor")
    page.get_by_role("button", name="Search the directory").click()
    page.get_by_role("button", name="Choose Samuel Okafor").click()

    page.get_by_label("Referral").check()
    page.get_by_label("Care coordination").check()
    page.get_by_label("Demographics (name, birth date, language)").check()
    page.get_by_label("Screening results").check()
    page.get_by_role("button", name="Review the authorization").click()

    authorization = page.get_by_role("article", name=re.compile("Authorization text"))
    for heading in (
        "Who will receive it",
        "Your right to revoke",
        "Care does not depend on signing",
        "Re-disclosure",
    ):
        expect(authorization.get_by_role("heading", name=heading)).to_be_visible()
    page.get_by_label("Your password (your signature)").fill("demo-pass-2026")
    page.get_by_role("button", name="Sign and share").click()

    expect(page.get_by_role("heading", name="Lucía Rivera")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Consent given")
    row = page.get_by_role("row").filter(has_text="Samuel Okafor").filter(has_text="Active")
    expect(row).to_have_count(1)

    row.get_by_role("link", name=re.compile("Revoke consent for Samuel Okafor")).click()
    expect(page.get_by_role("heading", name="Revoke this consent?")).to_be_visible()
    page.get_by_role("button", name="Yes, revoke").click()

    expect(page.get_by_role("status")).to_contain_text("Consent revoked")
    expect(page.get_by_role("row").filter(has_text="Samuel Okafor").filter(has_text="Active")).to_have_count(
        0
    )
    expect(page.get_by_role("listitem").filter(has_text="Revoked: consent for Samuel Okafor")).to_have_count(
        1
    )
    assert not errors, errors
