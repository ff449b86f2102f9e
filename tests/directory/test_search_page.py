"""The family search page as a parent reads it: the filters show the search they came
from, the count is said plainly, an empty result offers a next step, and a profile leads
back to the same search. In English and in Spanish."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from directory.models import join_codes
from tests.factories.directory import LocationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def listing(name, zip_code="48104", **fields):
    provider = ProviderFactory(name=name, user=None, **fields)
    LocationFactory(provider=provider, zip=zip_code)
    return provider


def selected(page: str, select_id: str) -> list[str]:
    block = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert block, select_id
    return re.findall(r'<option value="([^"]*)" selected>', block.group(1))


def test_every_filter_shows_the_query_it_came_from(client):
    listing("Rosa Delgado", languages=join_codes(["en", "es", "hmn"]), telehealth=True)
    page = client.get(
        "/",
        {
            "near": "48104",
            "radius_miles": "500.0",
            "discipline": "mental_health_clinician",
            "language": "hmn",
            "payment": "medicaid",
            "age_months": "18",
            "accepting": "yes",
            "telehealth": "1",
            "ordering": "name",
        },
    ).content.decode()

    assert selected(page, "id_radius") == ["500"]
    assert selected(page, "id_discipline") == ["mental_health_clinician"]
    assert selected(page, "id_language") == ["hmn"]  # not in the usual list: added, chosen
    assert "Hmong" in page
    assert selected(page, "id_payment") == ["medicaid"]
    assert selected(page, "id_ordering") == ["name"]
    assert 'name="age_months" min="0" inputmode="numeric" value="18"' in page
    assert selected(page, "id_capacity") == ["accepting"]  # the one "Openings" control
    assert re.search(r'name="telehealth" value="true" checked', page)
    assert '<span class="badge">6 on</span>' in page  # the folded panel says what is on
    # An odd radius still shows as chosen, not silently as 25.
    assert selected(
        client.get("/", {"near": "48104", "radius_miles": "37"}).content.decode(), "id_radius"
    ) == ["37"]


def test_filters_fold_away_and_applying_them_lands_on_the_counted_results(client):
    listing("Rosa Delgado")
    page = client.get("/", {"near": "Ann Arbor, MI"}).content.decode()

    assert '<details class="filters" id="filters" data-open-wide>' in page
    assert 'formaction="/#results"' in page
    heading = re.search(r'<h2 id="results" tabindex="-1"[^>]*>(.*?)</h2>', page, re.S)
    assert (
        heading and " ".join(heading.group(1).split()) == "1 provider found within 25 miles of Ann Arbor, MI."
    )
    # Results come before nothing else but the search box and the folded filters.
    assert page.index('id="id_near"') < page.index("<details") < page.index('id="results"')


def test_an_empty_result_says_so_and_offers_a_wider_search_and_one_without_filters(client):
    listing("Far Away", zip_code="49855")
    response = client.get("/", {"near": "48104", "radius_miles": "25", "language": "so"})
    page = response.content.decode()

    assert response.status_code == 200
    assert "No providers match your search" in page
    assert 'href="/?near=48104&amp;radius_miles=50&amp;language=so#results"' in page
    assert "Search within 50 miles instead" in page
    assert 'href="/?near=48104&amp;radius_miles=25#results"' in page  # without the filters


def test_back_to_search_from_a_profile_keeps_the_whole_query(client):
    provider = listing("Rosa Delgado", discipline="speech_language_pathologist")
    page = client.get(
        "/", {"q": "late talker", "near": "48104", "radius_miles": "50", "page": "1"}
    ).content.decode()
    link = re.search(rf'href="(/providers/{provider.pk}/[^"]*)"', page).group(1).replace("&amp;", "&")

    profile = client.get(link).content.decode()
    back = re.search(r'<a class="back-link" href="([^"]+)"', profile).group(1).replace("&amp;", "&")
    parts = urlsplit(back)
    assert parts.path == "/" and parts.fragment == f"provider-{provider.pk}"
    assert parse_qs(parts.query) == {
        "q": ["late talker"],
        "near": ["48104"],
        "radius_miles": ["50"],
        "page": ["1"],
    }
    assert "Rosa Delgado" in client.get(back).content.decode()
    # Without a search, or with a crafted one, the link stays on the search page.
    assert '<a class="back-link" href="/">' in client.get(f"/providers/{provider.pk}/").content.decode()
    crafted = client.get(f"/providers/{provider.pk}/", {"back": "//evil.example/?x=1"}).content.decode()
    assert f'<a class="back-link" href="/#provider-{provider.pk}">' in crafted


def test_the_search_and_profile_pages_read_in_spanish(client):
    provider = listing(
        "Rosa Delgado",
        discipline="speech_language_pathologist",
        languages=join_codes(["en", "es"]),
        payment_options=join_codes(["medicaid", "sliding_scale"]),
        ages_min_months=0,
        ages_max_months=36,
    )
    page = client.get("/", {"q": "terapia del habla", "near": "48104", "lang": "es"}).content.decode()
    assert '<html lang="es">' in page
    assert "Encuentre ayuda para su niño pequeño" in page and "Aplicar filtros" in page
    assert "1 proveedor encontrado a menos de 25 millas de 48104." in page
    assert "Mostrando:" in page and "Patólogo/a del habla" in page
    assert "Edades: 0 meses–3 años" in page and "Español" in page

    profile = client.get(f"/providers/{provider.pk}/", {"lang": "es"}).content.decode()
    assert "Volver a la búsqueda" in profile and "Edades que atiende" in profile
    assert "Medicaid, Tarifa según ingresos" in profile and "de 0 meses a 3 años" in profile

    unknown = client.get("/", {"near": "Springfield", "lang": "es"})
    assert unknown.status_code == 400
    assert "en más de un estado" in unknown.content.decode()


def test_the_search_page_costs_the_same_queries_with_words_and_a_city(client, django_assert_max_num_queries):
    for i in range(5):
        listing(f"Provider {i}", discipline="speech_language_pathologist", languages=join_codes(["es"]))
    # Session/preferences read by the middleware for a visitor: none; the page: 5.
    with django_assert_max_num_queries(5):
        response = client.get("/", {"q": "logopeda español", "near": "Ann Arbor"})
    assert response.status_code == 200 and "5 providers found" in response.content.decode()
