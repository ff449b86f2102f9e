"""The family pages of groups (issue 28): the Groups tab beside the providers' search, a
group's page, registering with and without an account, the result, "My groups" with
cancel; in English and in Spanish."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from directory import geo
from groups.models import Audience, Kind, Registration, RegistrationStatus
from outbox.models import OutboxMessage
from tests.factories.base import UserFactory
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db

FORM = {"name": "Ana Flores", "email": "ana@example.org", "phone": "", "language": "es"}


def _ann_arbor(group):
    location = group.location
    location.city, location.state, location.zip = "Ann Arbor", "MI", "48104"
    location.lat, location.lng = geo.zip_centroid("48104")
    location.address_1 = "500 Main St"
    location.save()
    return group


def test_the_provider_search_links_the_groups_tab(client):
    page = client.get("/?lang=es").content.decode()
    assert 'href="/groups/"' in page and "Grupos" in page
    page = client.get("/groups/?lang=en").content.decode()
    assert 'aria-current="page">Groups</a>' in page


def test_groups_tab_finds_parent_groups_near_a_zip_with_their_next_session(client):
    tuesday = timezone.localdate() + datetime.timedelta(days=(1 - timezone.localdate().weekday()) % 7 + 7)
    near = _ann_arbor(
        GroupFactory(
            name="Círculo de Seguridad",
            language="es",
            starts_on=tuesday,
            ages_min_months=0,
            ages_max_months=36,
        )
    )
    far = GroupFactory(name="Far away group", language="es")
    far.location.zip, (far.location.lat, far.location.lng) = "49855", geo.zip_centroid("49855")  # Marquette
    far.location.save()
    video = GroupFactory(name="Baby and me online", location=None, online=True, language="es")
    GroupFactory(name="Supervision", kind=Kind.REFLECTIVE_SUPERVISION_GROUP, audience=Audience.PROVIDERS)
    page = client.get("/groups/", {"near": "48104", "language": "es", "age_months": "14", "lang": "es"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Círculo de Seguridad" in body and "Baby and me online" in body
    assert "Far away group" not in body and "Supervision" not in body
    assert "2 grupos encontrados cerca de Ann Arbor, MI 48104." in body
    assert "Por video" in body and "martes" in body and "10:00" in body  # in the group's zone
    assert "Quedan 10 lugares" in body
    assert f'href="/groups/{near.pk}/"' in body and f'href="/groups/{video.pk}/"' in body


def test_bad_filters_say_what_to_fix(client):
    page = client.get("/groups/", {"near": "00000", "age_months": "many", "lang": "en"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "We do not know the ZIP code 00000" in body
    assert "Give the age as a number of months" in body
    assert 'aria-invalid="true"' in body


def test_group_page_says_the_schedule_in_words_and_where(client):
    group = _ann_arbor(GroupFactory(description="Eight weeks on attachment."))
    page = client.get(f"/groups/{group.pk}/?lang=en").content.decode()
    weekday = group.starts_on.strftime("%A")
    assert f"Weekly on {weekday}s, 8 sessions, 10:00 AM–11:30 AM" in page
    assert "500 Main St, Ann Arbor, MI 48104" in page
    assert group.host.name in page and "10 places left" in page
    page = client.get(f"/groups/{group.pk}/?lang=es").content.decode()
    assert "8 sesiones, 10:00–11:30" in page and "Semanal los" in page


def test_without_an_account_bad_input_keeps_what_was_typed_then_registers(client):
    group = GroupFactory()
    page = client.post(
        f"/groups/{group.pk}/register/?lang=en", {**FORM, "email": "not-an-address", "texts_ok": "on"}
    )
    body = page.content.decode()
    assert page.status_code == 400
    assert "Enter an e-mail address like name@example.com." in body
    assert "Give the mobile number to text reminders to." in body
    assert 'aria-describedby="id_email-error"' in body  # read with the field
    assert 'value="Ana Flores"' in body
    assert not Registration.objects.exists()

    page = client.post(
        f"/groups/{group.pk}/register/?lang=en", {**FORM, "phone": "(313) 555-0142", "texts_ok": "on"}
    )
    registration = Registration.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/groups/registrations/{registration.pk}/"
    assert (registration.phone, registration.texts_ok, registration.language) == ("+13135550142", True, "es")
    result = client.get(page["Location"] + "?lang=es").content.decode()
    assert "Tiene un lugar" in result
    # The confirmation: an e-mail and a text, in Spanish.
    kinds = set(OutboxMessage.objects.values_list("kind", "channel", "language"))
    assert kinds == {("group.registered", "email", "es"), ("group.registered", "sms", "es")}


def test_contact_is_required(client):
    group = GroupFactory()
    page = client.post(f"/groups/{group.pk}/register/?lang=en", {**FORM, "email": ""})
    assert page.status_code == 400
    assert "Give an e-mail address or a mobile phone number" in page.content.decode()


def test_a_full_group_puts_the_family_on_the_waitlist_with_its_number(client):
    group = GroupFactory(capacity=1)
    client.post(f"/groups/{group.pk}/register/", {**FORM, "email": "first@example.org"})
    client.post(f"/groups/{group.pk}/register/", {**FORM, "email": "second@example.org"})
    page = client.post(f"/groups/{group.pk}/register/", {**FORM, "email": "third@example.org"}, follow=True)
    body = page.content.decode()
    assert "You are number 2 on the waitlist" in body


def test_a_signed_in_family_registers_with_one_click_and_cancels_from_my_groups(client):
    group = GroupFactory(location=None, online=True, video_url="https://video.example.org/room")
    user = UserFactory(email="maria@example.org", first_name="María", last_name="López")
    client.force_login(user)
    page = client.get(f"/groups/{group.pk}/?lang=en").content.decode()
    assert 'name="email"' not in page  # one click: no form to fill
    result = client.post(f"/groups/{group.pk}/register/?lang=en", follow=True).content.decode()
    assert "You have a place" in result and "https://video.example.org/room" in result
    registration = Registration.objects.get(user=user)
    assert registration.email == "maria@example.org" and registration.name == "María López"
    mine = client.get("/portal/groups/?lang=en").content.decode()
    assert group.name in mine
    client.post(f"/groups/registrations/{registration.pk}/cancel/")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_the_video_link_is_for_registered_people_only(client):
    group = GroupFactory(location=None, online=True, video_url="https://video.example.org/room", capacity=0)
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "video.example.org" not in page
    result = client.post(f"/groups/{group.pk}/register/", FORM, follow=True).content.decode()
    assert "waitlist" in result and "video.example.org" not in result


def test_a_provider_group_takes_the_providers_listing(client):
    from tests.factories.directory import ProviderFactory

    group = GroupFactory(kind=Kind.REFLECTIVE_SUPERVISION_GROUP, audience=Audience.PROVIDERS)
    family = UserFactory()
    client.force_login(family)
    assert client.post(f"/groups/{group.pk}/register/").status_code == 403
    provider = ProviderFactory(user=UserFactory())
    client.force_login(provider.user)
    client.post(f"/groups/{group.pk}/register/")
    assert Registration.objects.get().provider == provider


def test_nobody_else_sees_or_cancels_a_registration(client):
    """IDOR: a registration answers 404 to any account or browser but its own."""
    group = GroupFactory()
    owner = UserFactory()
    client.force_login(owner)
    client.post(f"/groups/{group.pk}/register/")
    owned = Registration.objects.get(user=owner)
    client.logout()
    client.post(f"/groups/{group.pk}/register/", FORM)
    anonymous = Registration.objects.get(user=None)
    others = [UserFactory(), owner]
    for viewer, registration in (
        (others[0], owned),
        (others[0], anonymous),
        (owner, anonymous),
        (None, owned),
    ):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        assert client.get(f"/groups/registrations/{registration.pk}/").status_code == 404
        assert client.post(f"/groups/registrations/{registration.pk}/cancel/").status_code == 404
    assert set(Registration.objects.values_list("status", flat=True)) == {RegistrationStatus.REGISTERED}


def test_the_search_page_costs_the_same_queries_for_two_groups_or_ten(client, django_assert_max_num_queries):
    for _ in range(2):
        GroupFactory()
    with django_assert_max_num_queries(8) as few:
        client.get("/groups/")
    for _ in range(8):
        GroupFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/groups/").content.decode().count('class="card result group-card"') == 10


def test_the_group_page_names_its_model_in_the_readers_language(client):
    from tests.factories.groups import GroupFactory

    group = GroupFactory(model_code="cos", name="Tuesday parents")
    english = client.get(f"/groups/{group.pk}/").content.decode()
    spanish = client.get(f"/groups/{group.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Circle of Security" in english
    assert "Círculo de Seguridad" in spanish
