"""The chat page on its own (/cases/<id>/chat/), issue 25: it names the child for a
consented member; a member whose access ended (consent revoked, removed from the team)
who reloads it reads the access-ended page the case page shows, with a 403, never a bare
404; someone never on the team gets the same 404 as for a missing case."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cases.models import Case
from consent.models import Consent
from consent.services import consent_revoke

pytestmark = pytest.mark.django_db


def _client(demo, username: str) -> Client:
    client = Client()
    client.force_login(demo["users"][username])
    return client


def _case(demo) -> Case:
    return Case.objects.get(child=demo["children"]["mateo"])


def test_the_chat_page_names_the_child_and_the_people_to_mention(demo):
    html = _client(demo, "educator").get(f"/cases/{_case(demo).pk}/chat/").content.decode()
    heading = re.sub(r"<[^>]+>", "", re.search(r"<h1.*?</h1>", html, flags=re.S).group(0))
    assert heading == f"Mateo Rivera · Case #{_case(demo).pk}"
    assert "@Dr. Maya Chen" in html and "@Samuel Okafor" in html
    assert "Enter sends; Shift+Enter starts a new line." in html


def test_after_a_revocation_a_reload_is_the_access_ended_page_not_a_bare_404(demo):
    case = _case(demo)
    consent = Consent.objects.active().get(child=case.child, recipient_provider=demo["providers"]["educator"])
    consent_revoke(actor=demo["users"]["guardian"], consent_id=consent.pk, reason="")

    response = _client(demo, "educator").get(f"/cases/{case.pk}/chat/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "data-access-ended" in html
    assert "The family changed their consent on" in html
    assert "so you can no longer see this case." in html
    assert "Mateo" not in html and "data-chat-panel" not in html


def test_in_spanish_the_access_ended_page_reads_in_spanish(demo):
    case = _case(demo)
    consent = Consent.objects.active().get(child=case.child, recipient_provider=demo["providers"]["educator"])
    consent_revoke(actor=demo["users"]["guardian"], consent_id=consent.pk, reason="")

    response = _client(demo, "educator").get(f"/cases/{case.pk}/chat/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 403
    assert "La familia cambió su consentimiento" in response.content.decode()


def test_someone_never_on_the_team_gets_the_usual_404(demo):
    response = _client(demo, "outsider").get(f"/cases/{_case(demo).pk}/chat/")
    assert response.status_code == 404
    assert "data-access-ended" not in response.content.decode()


def test_the_panel_words_come_in_the_readers_language(demo):
    html = (
        _client(demo, "educator")
        .get(f"/cases/{_case(demo).pk}/chat/", HTTP_ACCEPT_LANGUAGE="es")
        .content.decode()
    )
    assert 'data-t-connected="Conectado"' in html
    assert 'data-t-typing="{name} está escribiendo…"' in html
    assert "Intro envía; Mayús+Intro empieza una línea nueva." in html
