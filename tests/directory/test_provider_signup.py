"""Issue 25, item 9: a provider has a way in. Sign up -> confirm the e-mail -> sign in
-> find my listing -> claim it -> a curator approves -> I edit my listing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail

from directory.models import ListingClaim, Provider

pytestmark = pytest.mark.django_db

PASSWORD = "Willow-tree-2026!"
SIGNUP = {
    "first_name": "Wren",
    "last_name": "Alder",
    "email": "wren@willowtherapy.example",
    "password": PASSWORD,
    "password2": PASSWORD,
}


def _confirm_link() -> str:
    found = [re.search(r"(/accounts/providers/confirm/[^\s]+/)", m.body) for m in mail.outbox]
    links = [f.group(1) for f in found if f]
    assert len(links) == 1, [m.subject for m in mail.outbox]
    return links[0]


def _sign_in(client, username: str) -> bool:
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return "_auth_user_id" in client.session


def test_a_provider_signs_up_confirms_claims_their_listing_and_edits_it_once_approved(
    demo, client, django_capture_on_commit_callbacks
):
    # The sign-in page shows the way in.
    assert "/accounts/providers/signup/" in client.get("/accounts/login/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/accounts/providers/signup/", SIGNUP)
    assert done.status_code == 200 and "Check your e-mail" in done.content.decode()
    user = User.objects.get(username="wren@willowtherapy.example")
    assert not user.is_active  # not before the address is confirmed
    assert not _sign_in(client, user.username)

    link = _confirm_link()
    confirmed = client.get(link, follow=True)
    assert "Your e-mail address is confirmed" in confirmed.content.decode()
    assert client.get(link).status_code == 400  # single use
    assert _sign_in(client, user.username)

    # Find my listing, open it, claim it.
    found = client.get("/?q=Willow+Family+Therapy").content.decode()
    willow = Provider.objects.get(name="Willow Family Therapy")
    assert f"/providers/{willow.pk}/" in found
    page = client.get(f"/providers/{willow.pk}/").content.decode()
    assert "This is my listing: claim it" in page
    client.post(f"/providers/{willow.pk}/claim/", {"note": "I run this practice."})
    claim = ListingClaim.objects.get(provider=willow, user=user, status="pending")
    assert client.get(f"/providers/{willow.pk}/edit/").status_code == 403  # not before approval

    curator = User.objects.get(username="curator")
    office = client.__class__()
    office.force_login(curator)
    assert "wren@willowtherapy.example" in office.get("/curate/listings/").content.decode()
    office.post(f"/curate/listings/claims/{claim.pk}/approve/", {"note": "Called the practice."})

    edit = client.get(f"/providers/{willow.pk}/edit/")
    assert edit.status_code == 200
    saved = client.post(
        f"/providers/{willow.pk}/edit/", {"phone": "(734) 555-0199", "capacity": ""}, follow=True
    )
    assert "Saved" in saved.content.decode()
    willow.refresh_from_db()
    assert willow.phone == "(734) 555-0199"


def test_signup_refusals_keep_what_was_typed_and_say_nothing_about_other_accounts(
    demo, client, django_capture_on_commit_callbacks
):
    mismatch = client.post("/accounts/providers/signup/", {**SIGNUP, "password2": "other"})
    text = mismatch.content.decode()
    assert mismatch.status_code == 400 and "The two passwords differ." in text
    assert 'value="wren@willowtherapy.example"' in text
    # An address already in use: the same answer, and that address is told by e-mail.
    taken = User.objects.get(username="curator")
    taken.email = "casey@example.org"
    taken.save()
    with django_capture_on_commit_callbacks(execute=True):
        same = client.post("/accounts/providers/signup/", {**SIGNUP, "email": "casey@example.org"})
    assert same.status_code == 200 and "Check your e-mail" in same.content.decode()
    assert [m.to for m in mail.outbox] == [["casey@example.org"]]
    assert "already have an account" in mail.outbox[0].body
    assert client.get("/accounts/providers/confirm/MQ/nonsense/").status_code == 400


def test_the_signup_page_reads_in_spanish(client):
    page = client.get("/accounts/providers/signup/?lang=es").content.decode()
    assert "Registrarse como proveedor" in page and "Correo electrónico del trabajo" in page
