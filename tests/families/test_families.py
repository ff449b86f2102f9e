"""Guardians register or are invited; children are added once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from families.models import Child, Guardian, Invitation
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-42"


def register(client, email="rosa@example.test", password=STRONG, password2=None):
    return client.post(
        "/accounts/register/",
        {
            "first_name": "Rosa",
            "last_name": "Rivera",
            "email": email,
            "relationship": "mother",
            "password": password,
            "password2": password2 or password,
        },
    )


def link_in(message) -> str:
    return re.search(r"http\S+", message.body).group(0).replace("http://127.0.0.1:8000", "")


def signs_in(client, username, password) -> bool:
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code == 302


def test_a_guardian_registers_confirms_and_signs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client)
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    user = User.objects.get(username="rosa@example.test")
    assert not user.is_active, "not before the address is confirmed"
    assert Guardian.objects.get(user=user).family.name == "Rivera family"
    assert not signs_in(client, "rosa@example.test", STRONG)
    confirm = client.get(link_in(mail.outbox[-1]))
    assert confirm.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert signs_in(client, "rosa@example.test", STRONG)


def test_registration_refuses_mismatched_or_weak_passwords(client):
    assert register(client, password2="something-else-entirely-99").status_code == 400
    assert register(client, password="password").status_code == 400
    assert not User.objects.filter(username="rosa@example.test").exists()


def test_registering_a_known_address_reveals_nothing(client, django_capture_on_commit_callbacks):
    User.objects.create_user("rosa@example.test", email="rosa@example.test", password=STRONG)
    with django_capture_on_commit_callbacks(execute=True):  # mail leaves through the outbox
        response = register(client)
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    assert User.objects.filter(username="rosa@example.test").count() == 1
    assert "already have an account" in mail.outbox[-1].body


def test_a_bad_confirmation_link_is_refused(client):
    assert client.get("/accounts/confirm/forged/").status_code == 400


def test_a_provider_invites_a_family_and_the_guardian_sets_a_password(
    api_client, client, django_capture_on_commit_callbacks
):
    provider = ProviderFactory()
    api_client.force_authenticate(provider.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/invitations/",
            {
                "guardian_email": "Ben@Example.test",
                "child_first_name": "Ava",
                "child_last_name": "Walker",
                "child_date_of_birth": "2025-01-15",
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    path = response.json()["invitation_url"].replace("http://127.0.0.1:8000", "")
    # The e-mailed link is made when the mail is sent (the outbox never holds it): another
    # link to the same invitation, ending with it.
    mailed = link_in(mail.outbox[-1])
    assert mailed.startswith("/invitations/") and mailed != path
    assert client.get(mailed).status_code == 200
    invitation = Invitation.objects.get()
    assert path.split("/")[-2] not in invitation.token_hash, "only a hash of the token is stored"
    # The provider gets no access from inviting.
    assert api_client.get(f"/api/v1/children/{invitation.child_id}/").status_code == 404

    page = client.get(path)
    assert page.status_code == 200
    accepted = client.post(
        path, {"first_name": "Ben", "last_name": "Walker", "password": STRONG, "password2": STRONG}
    )
    assert accepted.status_code == 302
    guardian = Guardian.objects.get(user__username="ben@example.test")
    assert guardian.family == invitation.family
    assert client.get("/api/v1/children/").json()["results"][0]["name"] == "Ava Walker"
    # Single use.
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get(mailed).status_code == 404


def test_an_expired_invitation_is_refused(api_client, client):
    provider = ProviderFactory()
    api_client.force_authenticate(provider.user)
    url = api_client.post(
        "/api/v1/invitations/",
        {
            "guardian_email": "late@example.test",
            "child_first_name": "Kai",
            "child_last_name": "Lee",
            "child_date_of_birth": "2025-02-02",
        },
        format="json",
    ).json()["invitation_url"]
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    path = url.replace("http://127.0.0.1:8000", "")
    assert (
        client.post(
            path, {"first_name": "K", "last_name": "L", "password": STRONG, "password2": STRONG}
        ).status_code
        == 404
    )
    assert not User.objects.filter(username="late@example.test").exists()


def test_guardians_cannot_invite(api_client):
    api_client.force_authenticate(GuardianFactory().user)
    response = api_client.post(
        "/api/v1/invitations/",
        {
            "guardian_email": "x@example.test",
            "child_first_name": "A",
            "child_last_name": "B",
            "child_date_of_birth": "2025-01-01",
        },
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "provider_only")


def test_a_guardian_adds_a_child_once(api_client):
    guardian = GuardianFactory()
    api_client.force_authenticate(guardian.user)
    child = {
        "first_name": "Mateo",
        "last_name": "Rivera",
        "date_of_birth": "2025-03-14",
        "preferred_language": "es",
    }
    first = api_client.post("/api/v1/children/", child, format="json")
    assert first.status_code == 201
    assert first.json()["access"] == {"via": "guardian", "consent": None}
    twin = api_client.post("/api/v1/children/", {**child, "first_name": "MATEO"}, format="json")
    assert (twin.status_code, twin.json()["code"]) == (409, "duplicate_child")
    assert Child.objects.filter(family=guardian.family).count() == 1
    assert AuditEvent.objects.filter(outcome="denied", detail__startswith="duplicate_child").exists()


def test_a_child_cannot_be_born_tomorrow(api_client):
    api_client.force_authenticate(GuardianFactory().user)
    tomorrow = (timezone.now().date() + datetime.timedelta(days=1)).isoformat()
    response = api_client.post(
        "/api/v1/children/", {"first_name": "A", "last_name": "B", "date_of_birth": tomorrow}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_date_of_birth")


def test_the_add_child_page_shows_the_duplicate_error(client):
    guardian = GuardianFactory()
    ChildFactory(
        family=guardian.family, first_name="Ava", last_name="Walker", date_of_birth=datetime.date(2024, 1, 2)
    )
    client.force_login(guardian.user)
    response = client.post(
        "/portal/children/add/",
        {
            "first_name": "ava",
            "last_name": "walker",
            "date_of_birth": "2024-01-02",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 400
    assert "already in this family" in response.content.decode()


def test_adding_a_child_is_one_input_for_the_page_and_the_api(api_client, client):
    """``ChildForm`` checks both doors: a language the page does not offer is refused by
    the API too (naming the field), and a refused attempt on either door is logged."""
    guardian = GuardianFactory()
    api_client.force_authenticate(guardian.user)
    child = {"first_name": "Mateo", "last_name": "Rivera", "date_of_birth": "2025-03-14"}
    answer = api_client.post("/api/v1/children/", {**child, "preferred_language": "xx"}, format="json")
    assert (answer.status_code, answer.json()["field"]) == (400, "preferred_language")
    client.force_login(guardian.user)
    page = client.post(
        "/portal/children/add/", {**child, "preferred_language": "es", "first_name": "M" * 101}
    )
    assert page.status_code == 400 and 'id="id_first_name-error"' in page.content.decode()
    assert not Child.objects.filter(family=guardian.family).exists()
    denied = AuditEvent.objects.filter(outcome="denied", object_type="child", actor=guardian.user)
    assert denied.count() == 1  # the API's; the page's form refusal never reached the service
    client.post("/portal/children/add/", {**child, "preferred_language": "es"})
    again = client.post("/portal/children/add/", {**child, "preferred_language": "es"})
    assert again.status_code == 400
    assert denied.filter(detail__startswith="duplicate_child").count() == 1, (
        "the page's refusal is logged too"
    )
