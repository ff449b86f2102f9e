"""A search the page cannot run says why in plain words, in the reader's language, beside
the control that needs changing; the API keeps its code (issue 25, item 7)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "To sort nearest first, type a ZIP code or a city in “Near”."),
        ("es", "Para ordenar por cercanía, escriba un código postal o una ciudad en “Cerca de”."),
    ],
)
def test_sorting_by_distance_without_a_place_is_explained_beside_the_sort_control(client, lang, sentence):
    response = client.get("/", {"ordering": "distance", "q": "feeding", "lang": lang})
    page = response.content.decode()
    assert response.status_code == 400
    assert "ordering=distance needs" not in page and "lat,lng" not in page
    # Beside the control, tied to it for screen readers, with the filters opened to show it.
    field = re.search(r'<div class="field[^"]*">\s*<label for="id_ordering">.*?</div>', page, re.S)
    assert field is not None and sentence in field.group(0)
    assert 'aria-describedby="error-ordering"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert '<details class="filters" id="filters" data-open-wide open>' in page
    assert 'value="feeding"' in page  # nothing typed is lost


def test_the_api_keeps_the_code_and_names_the_parameter(api_client):
    body = api_client.get("/api/v1/providers/", {"ordering": "distance"}, HTTP_ACCEPT_LANGUAGE="es").json()
    assert body["code"] == "invalid_parameter" and body["parameter"] == "ordering"
    assert body["detail"] == "Para ordenar por cercanía, escriba un código postal o una ciudad en “Cerca de”."
