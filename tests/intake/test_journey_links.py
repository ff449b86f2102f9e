"""Issue 25, smaller items: every link a family request's recipient is shown leads
somewhere (the "Case and care team" link was a 404), and a wrong password on the
sign page says so beside the password field, keeping everything typed."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_recipient_of_a_family_request_gets_no_link_that_is_a_404(demo, client):
    referral = demo["family_requests"]["referred"].referral
    client.force_login(demo["users"]["slp"])
    page = client.get(f"/referrals/{referral.pk}/?lang=en")
    assert page.status_code == 200
    html = page.content.decode()
    main = html[html.index("<main") :]
    links = set(re.findall(r'href="(/[^"#]*)"', main))
    broken = [url for url in sorted(links) if client.get(url).status_code == 404]
    assert broken == [], broken
    assert "shares care coordination with you" in html


def test_the_case_link_stays_for_a_team_member_who_may_open_it(demo, client):
    from referrals.models import Referral

    referral = Referral.objects.filter(from_provider__user=demo["users"]["pediatrician"]).first()
    assert referral is not None and referral.case_id
    client.force_login(demo["users"]["pediatrician"])
    html = client.get(f"/referrals/{referral.pk}/?lang=en").content.decode()
    assert f'href="/cases/{referral.case_id}/"' in html
    assert client.get(f"/cases/{referral.case_id}/").status_code == 200


def _error_beside_password(html: str) -> str:
    start = html.find('<label for="id_password"')
    field = html[start if start >= 0 else html.index('<label for="password"') :]
    field = field[: field.index("</p>")]
    return field


def test_a_wrong_password_when_asking_says_so_beside_the_field_and_keeps_what_was_typed(demo, client):
    client.force_login(demo["users"]["guardian_es"])
    page = client.post(
        f"/help/ask/?provider={demo['providers']['social_worker'].pk}&lang=en",
        {
            "child": str(demo["children"]["sofia"].pk),
            "concern": "Zebra words: she bites at daycare",
            "contact_method": "phone",
            "phone": "313-555-0142",
            "best_times": "after four",
            "preferred_language": "es",
            "password": "not-my-password",
        },
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "That password is not right" in _error_beside_password(html)
    assert 'aria-invalid="true"' in _error_beside_password(html)
    for typed in ("Zebra words: she bites at daycare", "after four", "313-555-0142"):
        assert typed in html, typed


def test_a_wrong_password_when_signing_for_the_coordinators_choice_says_so(demo, client):
    from intake.services import family_request_route

    queued = demo["family_requests"]["queued"]
    family_request_route(
        actor=demo["users"]["coordinator"],
        request_id=queued.pk,
        to_provider_id=demo["providers"]["social_worker"].pk,
    )
    client.force_login(demo["users"]["guardian_es"])
    page = client.post(f"/portal/requests/{queued.pk}/sign/?lang=en", {"password": "wrong"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "That password is not right" in _error_beside_password(html)
    es = client.post(f"/portal/requests/{queued.pk}/sign/?lang=es", {"password": "wrong"}).content.decode()
    assert "contraseña no es correcta" in _error_beside_password(es)


def test_a_wrong_password_when_signing_a_providers_request_to_share_says_it_was_wrong(demo, client):
    from consent.requests import consent_request_create

    asked = consent_request_create(
        actor=demo["users"]["pediatrician"],
        child_id=demo["children"]["mateo"].pk,
        provider_id=demo["providers"]["outsider"].pk,
        purposes=["referral"],
        data_categories=["demographics"],
        note="",
    )
    client.force_login(demo["users"]["guardian"])
    for lang, words in (("en", "That password is not right"), ("es", "contraseña no es correcta")):
        page = client.post(f"/portal/consent-requests/{asked.pk}/?lang={lang}", {"password": "wrong"})
        assert page.status_code == 400
        assert words in _error_beside_password(page.content.decode()), lang
