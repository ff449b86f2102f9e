"""Issue 25, item 10 (coordination): the coordinator's queue reads in a coordinator's
words, in English and Spanish, never as codes nor in the family's wording."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

CODES = ("awaiting_signature", "queued", "referred", "withdrawn")
FAMILY_WORDS = ("Waiting for your signature", "Esperando su firma", "ask a care coordinator")


def _visible_text(html: str) -> str:
    main = html[html.index("<main") :]
    main = re.sub(r"<[^>]+>", " ", main)
    return re.sub(r"\s+", " ", main)


@pytest.mark.parametrize(
    "lang, tabs, routed",
    [
        (
            "en",
            ["Open requests", "New: find a provider", "Waiting for the family to sign", "Sent to a provider"],
            "Routed: waiting for the family to sign",
        ),
        (
            "es",
            [
                "Solicitudes abiertas",
                "Nueva: buscar un proveedor",
                "Esperando la firma de la familia",
                "Enviadas a un proveedor",
            ],
            "Enviada a un proveedor: esperando la firma de la familia",
        ),
    ],
)
def test_the_queue_tabs_and_statuses_are_words_for_a_coordinator(demo, client, lang, tabs, routed):
    from intake.services import family_request_route

    queued = demo["family_requests"]["queued"]
    family_request_route(
        actor=demo["users"]["coordinator"],
        request_id=queued.pk,
        to_provider_id=demo["providers"]["social_worker"].pk,
    )
    client.force_login(demo["users"]["coordinator"])
    for url in (f"/coordination/?lang={lang}", f"/coordination/{queued.pk}/?lang={lang}"):
        text = _visible_text(client.get(url).content.decode())
        for code in CODES:
            assert not re.search(rf"\b{code}\b", text), (url, code)
        for words in FAMILY_WORDS:
            assert words not in text, (url, words)
        assert routed in text, url
    text = _visible_text(client.get(f"/coordination/?lang={lang}").content.decode())
    for tab in tabs:
        assert tab in text, tab
