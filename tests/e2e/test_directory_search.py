"""A family searches the way they talk ("late talker", "terapia del habla", "español"),
narrows the search on a phone without losing their place, opens a profile and comes back
to the same search. Every page checked at 1280 and 390 px."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"directory-search-{name}.png"), full_page=False)


def both_widths(page, where: str) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        check_page(page, f"{where} at {size['width']} px")


def disciplines_shown(page) -> set[str]:
    return {text.split(" · ")[0] for text in page.locator(".result .meta").all_inner_texts()}


def test_family_searches_in_their_own_words_on_a_phone_and_comes_back_to_the_same_search(
    live_server_module, new_page
):
    base = live_server_module.url
    page = new_page()
    page.set_viewport_size(DESKTOP)
    # The server reads its offline ZIP and city tables once, on the first place search.
    page.goto(base + "/?lang=en&near=Ann+Arbor", timeout=120_000)
    page.goto(base + "/")
    both_widths(page, "search page")
    page.set_viewport_size(DESKTOP)

    # Lay words and a city name.
    page.get_by_label("What are you looking for?").fill("late talker")
    page.get_by_label("Near (ZIP code or city)").fill("Ann Arbor, MI")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "Samuel Okafor" in page.locator(".result-list").inner_text()
    assert disciplines_shown(page) == {"Speech-language pathologist"}
    assert page.locator(".understood").inner_text() == "Showing: Speech-language pathologist"
    assert "within 25 miles of Ann Arbor, MI" in page.locator("#results").inner_text()
    both_widths(page, "results for 'late talker'")

    # On a phone: the count and the first result are on the first screen; filters folded.
    page.set_viewport_size(PHONE)
    page.goto(base + "/?q=speech+therapist&near=48104")
    heading = page.locator("#results")
    assert heading.bounding_box()["y"] < PHONE["height"] - 100
    assert page.locator("details.filters").get_attribute("open") is None
    shot(page, "phone-results")
    check_page(page, "phone results, filters folded")

    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Distance").select_option("50")
    page.get_by_label("Offers video visits (telehealth)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state("networkidle")
    query = parse_qs(urlsplit(page.url).query)
    assert urlsplit(page.url).fragment == "results"
    assert query["radius_miles"] == ["50"] and query["telehealth"] == ["true"]
    assert page.evaluate("document.activeElement.id") == "results"  # the reader is at the count
    box = page.locator("#results").bounding_box()
    # The results heading is on screen (sub-pixel layout may put its top a fraction above 0).
    assert page.evaluate("window.scrollY") > 0 and -1 <= box["y"] < PHONE["height"]
    assert "within 50 miles of 48104" in page.locator("#results").inner_text()
    shot(page, "phone-after-filters")
    check_page(page, "phone results after filters")

    # The folded filters show what is on, and the controls the values chosen.
    assert page.locator("details.filters summary").inner_text().endswith("1 on")
    page.get_by_text("Filters", exact=True).click()
    assert page.get_by_label("Distance").input_value() == "50"
    assert page.get_by_label("Offers video visits (telehealth)").is_checked()

    # A profile, and back to the very same search.
    first = page.locator(".result h3 a").first
    name = first.inner_text()
    first.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == name
    shot(page, "phone-profile")
    both_widths(page, "profile")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Back to search").click()
    page.wait_for_load_state("networkidle")
    back = parse_qs(urlsplit(page.url).query)
    assert back == {
        "q": ["speech therapist"],
        "near": ["48104"],
        "radius_miles": ["50"],
        "telehealth": ["true"],
    }
    assert page.get_by_label("What are you looking for?").input_value() == "speech therapist"
    assert page.locator(".result h3 a", has_text=name).is_visible()
    check_page(page, "back at the search")

    # In Spanish: Spanish words, Spanish page.
    page.set_viewport_size(DESKTOP)
    page.goto(base + "/")
    page.get_by_role("form", name="Language").get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("¿Qué está buscando?").fill("terapia del habla")
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert disciplines_shown(page) == {"Patólogo/a del habla y el lenguaje (terapia del habla)"}
    assert "proveedores encontrados" in page.locator("#results").inner_text()
    both_widths(page, "resultados de 'terapia del habla'")

    page.set_viewport_size(DESKTOP)
    page.get_by_label("¿Qué está buscando?").fill("español")
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_load_state("networkidle")
    cards = page.locator(".result .tags")
    assert cards.count() >= 1
    assert all("Español" in text for text in cards.all_inner_texts())
    shot(page, "desktop-espanol")
    both_widths(page, "resultados de 'español'")
