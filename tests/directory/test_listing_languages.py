"""A provider chooses the languages of its listing by name (issue 25: "providers type
languages as codes"): named checkboxes in the reader's language, stored as codes; a code
without a name is kept; a refused save keeps what was ticked. The API still takes codes."""

from __future__ import annotations

import re

import pytest

from tests.factories.directory import ProviderFactory

pytestmark = pytest.mark.django_db


def _boxes(html: str) -> dict[str, tuple[str, bool]]:
    return {
        code: (name.strip(), "checked" in attrs)
        for code, attrs, name in re.findall(
            r'<input type="checkbox" name="languages" value="(\w+)"([^>]*)>([^<]*)</label>', html
        )
    }


def test_the_languages_are_ticked_by_name_in_the_readers_language(client):
    provider = ProviderFactory(languages="|en|xq|")
    client.force_login(provider.user)
    english = _boxes(client.get(f"/providers/{provider.pk}/edit/").content.decode())
    assert english["en"] == ("English", True) and english["es"] == ("Spanish", False)
    assert english["xq"] == ("xq", True), "a code without a name is kept"
    spanish = client.get(f"/providers/{provider.pk}/edit/?lang=es").content.decode()
    assert _boxes(spanish)["en"] == ("Inglés", True) and _boxes(spanish)["es"] == ("Español", False)
    assert "Idiomas en los que atiende a las familias" in spanish
    assert "códigos" not in spanish and 'name="languages" value="en, ' not in spanish


def test_ticked_names_are_stored_as_codes_and_a_refused_save_keeps_them(client):
    provider = ProviderFactory(languages="|en|")
    client.force_login(provider.user)
    url = f"/providers/{provider.pk}/edit/"
    bad = client.post(url, {"website": "not a url", "languages": ["es", "vi"]})
    assert bad.status_code == 400
    kept = _boxes(bad.content.decode())
    assert kept["es"][1] and kept["vi"][1] and not kept["en"][1]
    client.post(url, {"languages": ["es", "vi", "asl"]})
    provider.refresh_from_db()
    assert provider.language_codes == ["asl", "es", "vi"]
