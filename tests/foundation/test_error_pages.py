"""Error pages people see: 400, 403, 404, 405 and 500 in the app's layout and the
reader's language on page routes, never Django's debug pages unless a developer asks
(``DJANGO_DEBUG_PAGES=1``); JSON ``{"detail", "code"}`` under the API. Refused attempts
on referral, case and chat pages reach the child's access log."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEvent
from tests.factories.directory import ProviderFactory
from tests.factories.referrals import referral_world, send
from tests.foundation.test_errors import _settings_values
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db

DEBUG_MARKERS = ("DEBUG = True", "URLconf", "Traceback", "Request Method:", "technical")


def _is_app_page(response, status: int, heading: str, lang: str = "en") -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{lang}">' in html
    assert 'class="site-header"' in html and '<main id="main"' in html  # the app's layout
    assert f'<h1 id="error-heading">{heading}</h1>' in html, html[-2500:]
    for marker in DEBUG_MARKERS:
        assert marker not in html
    return html


@pytest.fixture
def world(db):
    return referral_world()


@pytest.fixture
def outsider():
    return ProviderFactory().user


def test_404_for_an_unknown_page_in_english_and_spanish(client):
    html = _is_app_page(client.get("/no-such-page/"), 404, "We cannot find that page")
    assert 'href="/"' in html
    _is_app_page(client.get("/no-such-page/?lang=es"), 404, "No encontramos esa página", lang="es")


def test_an_outsider_opening_a_referral_sees_the_404_page_and_the_family_sees_the_attempt(
    world, client, outsider
):
    referral = advance(world, send(world), "accepted")
    client.force_login(outsider)
    html = _is_app_page(client.get(f"/referrals/{referral.pk}/"), 404, "We cannot find that page")
    assert "consent" in html  # says why a page about a child may not open
    refused = AuditEvent.objects.filter(child_id=world.child.pk, outcome="denied", actor=outsider)
    assert refused.filter(object_type="referral", object_id=str(referral.pk), action="view").count() == 1
    # Acting on it, the case page and the chat page: each refusal logged for the child.
    client.post(f"/referrals/{referral.pk}/accept/")
    _is_app_page(client.get(f"/cases/{referral.case_id}/"), 404, "We cannot find that page")
    _is_app_page(client.get(f"/cases/{referral.case_id}/chat/"), 404, "We cannot find that page")
    assert set(refused.values_list("object_type", "detail")) == {
        ("referral", "view: refused (referral not shared with this account)"),
        ("referral", "accept: refused (referral not shared with this account)"),
        ("case", "view: refused (case not shared with this account)"),
        ("case", "chat: refused (case not shared with this account)"),
    }


def test_405_for_a_link_to_a_button_address(world, client):
    referral = send(world)
    client.force_login(world.recipient.user)
    response = client.get(f"/referrals/{referral.pk}/accept/?lang=es")
    html = _is_app_page(response, 405, "Esta dirección es para un botón, no para un enlace", lang="es")
    assert response["Allow"] == "POST"
    assert "Nada cambió" in html
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_403_for_an_expired_form_token_says_what_to_do(world):
    referral = send(world)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.recipient.user)
    html = _is_app_page(browser.post(f"/referrals/{referral.pk}/accept/"), 403, "You cannot open this page")
    assert "reload the page" in html


def test_400_for_a_request_django_refuses(client):
    _is_app_page(client.get("/", HTTP_HOST="evil.example"), 400, "We could not read that request")
    _is_app_page(client.get("/?q=%00"), 400, "We could not read that request")


@pytest.mark.urls("tests.foundation.error_urls")
def test_500_is_the_apps_page_and_json_under_the_api(client, outsider):
    client.raise_request_exception = False
    client.force_login(outsider)
    html = _is_app_page(client.get("/test-boom/"), 500, "Something went wrong on our side")
    assert "reference" in html  # the request id, for support
    api = client.get("/api/v1/test-boom/")
    assert api.status_code == 500
    assert api.json() == {"detail": "Internal Server Error.", "code": "server_error"}


def test_api_routes_keep_json_errors(client, outsider, world):
    referral = send(world)
    client.force_login(outsider)
    for url, status, code in [
        (f"/api/v1/referrals/{referral.pk}/", 404, "not_found"),
        ("/api/v1/no-such-thing/", 404, "not_found"),
        (f"/api/v1/referrals/{referral.pk}/accept/", 405, "method_not_allowed"),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert response.json()["code"] == code


def test_debug_pages_only_behind_the_developer_switch():
    assert _settings_values("s.DEBUG", "s.DEVELOPMENT", DJANGO_DEBUG="1") == ["False", "True"]
    assert _settings_values("s.DEBUG", DJANGO_DEBUG="1", DJANGO_DEBUG_PAGES="1") == ["True"]
    production = {
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "hub.example.org",
        "AUDIT_SEAL_KEY": "k" * 40,
        "DJANGO_DEBUG_PAGES": "1",
    }
    assert _settings_values("s.DEBUG", "s.DEVELOPMENT", **production) == ["False", "False"]
