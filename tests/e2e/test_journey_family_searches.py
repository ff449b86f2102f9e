"""Journey (issue 25, item 3): a family searches the demo directory the way they talk,
in English at 1280 px and in Spanish at 390 px: everyday words, a typo, a city typed in
the "what" box, a city several states share (each state a link that runs the search), and
they reach a provider's page. Every page checked (axe, no sideways scrolling on a phone);
screenshots in $E2E_ARTIFACTS/journeys/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts")) / "journeys"

JOURNEYS = {
    "en": {
        "size": DESKTOP,
        "what": "What are you looking for?",
        "search": "Search",
        "typo": "speach therapy in Ann Arbor",
        "read_as": "We read “speach” as “speech”.",
        "near_chip": "Near Ann Arbor, MI",
        "ambiguous": "therapist Detroit",
        "choices": "There is a Detroit in more than one state. Search near:",
        "found_near": "within 25 miles of Detroit, MI",
    },
    "es": {
        "size": PHONE,
        "what": "¿Qué está buscando?",
        "search": "Buscar",
        "typo": "terapia del abla en Ann Arbor",
        "read_as": "Entendimos “abla” como “habla”.",
        "near_chip": "Cerca de Ann Arbor, MI",
        "ambiguous": "terapeuta Detroit",
        "choices": "Hay un lugar llamado Detroit en más de un estado. Buscar cerca de:",
        "found_near": "a menos de 25 millas de Detroit, MI",
    },
}


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"family-searches-{name}.png"), full_page=True)


def search_for(page, words: dict[str, str], typed: str) -> None:
    page.get_by_label(words["what"]).fill(typed)
    page.get_by_role("button", name=words["search"], exact=True).click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_family_finds_a_provider_with_everyday_words_a_typo_and_a_city(live_server_module, new_page, lang):
    words = JOURNEYS[lang]
    base = live_server_module.url
    page = new_page()
    page.set_viewport_size(words["size"])
    # The server reads its offline ZIP and city tables once, on the first place search.
    page.goto(f"{base}/?near=Ann+Arbor", timeout=120_000)
    page.goto(f"{base}/")
    if lang == "es":  # the family chooses Spanish once; every page after is in Spanish
        page.get_by_role("button", name="Español").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("html")).to_have_attribute("lang", "es")

    # A typo and a city, both in the "what" box.
    search_for(page, words, words["typo"])
    expect(page.locator(".understood.correction")).to_have_text(words["read_as"])
    expect(page.locator(".understood .chip", has_text=words["near_chip"])).to_be_visible()
    expect(page.locator(".result-list")).to_contain_text("Samuel Okafor")
    check_page(page, f"{lang}: typo and city in the words")
    shot(page, f"{lang}-typo-and-city")

    # A city several states share: each state is a link that runs the search there.
    search_for(page, words, words["ambiguous"])
    choices = page.locator(".place-choices")
    expect(choices).to_contain_text(words["choices"])
    expect(choices.get_by_role("link")).not_to_have_count(0)
    check_page(page, f"{lang}: which Detroit")
    shot(page, f"{lang}-which-detroit")
    first = choices.get_by_role("link").first
    expect(first).to_have_text("Detroit, MI")
    first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#results")).to_contain_text(words["found_near"])
    results = page.locator(".result-list .result")
    expect(results).not_to_have_count(0)
    check_page(page, f"{lang}: therapists near Detroit, MI")
    shot(page, f"{lang}-near-detroit")

    # And reaches a provider.
    name = results.first.locator("h3 a").inner_text()
    results.first.locator("h3 a").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text(name)
    check_page(page, f"{lang}: the provider's page")
    shot(page, f"{lang}-provider")
