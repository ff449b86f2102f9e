"""A parent looks for help in a real browser: search by ZIP and type of provider, then
open a profile."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def test_family_searches_by_zip_and_discipline_and_opens_a_profile(live_server_module, new_page):
    page = new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server_module.url + "/")

    page.get_by_label("Near (ZIP code or city)").fill("48104")
    page.get_by_label("Type of provider").select_option("mental_health_clinician")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")

    assert "near=48104" in page.url and "discipline=mental_health_clinician" in page.url
    summary = page.locator("#results").inner_text()
    assert re.search(r"\d+ providers? found within 25 miles of 48104", summary), summary
    results = page.locator(".result")
    assert results.count() >= 1
    for text in results.locator(".meta").all_inner_texts():
        assert "Infant/early childhood mental health clinician" in text

    page.get_by_role("link", name="Dr. Lucia Romero").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", level=1).inner_text() == "Dr. Lucia Romero"
    assert page.get_by_text("Infant Mental Health Specialist (IMH-E®)").is_visible()
    assert "Spanish" in page.content()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_empty_search_offers_help(live_server_module, new_page):
    page = new_page()
    page.goto(live_server_module.url + "/?q=zzzz-no-such-thing")
    assert page.get_by_role("heading", name="No providers match your search").is_visible()
