"""A family (or a client program) finds groups near it, registers, sees its places and
gives one up; a providers' group takes providers only; a registration is its owner's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from groups.models import Registration
from tests.factories.directory import LocationFactory, ProviderFactory
from tests.factories.groups import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    spanish = GroupFactory(
        name="Círculo de Seguridad",
        language="es",
        model_code="cos",
        ages_min_months=0,
        ages_max_months=60,
        location=None,
        video_url="https://video.example.org/secret",
    )
    spanish.location = LocationFactory(
        provider=spanish.host, zip="48104", lat=42.27, lng=-83.73, city="Ann Arbor"
    )
    spanish.save()
    far = GroupFactory(name="Far away", location=None)
    far.location = LocationFactory(provider=far.host, zip="49855", lat=46.54, lng=-87.4, city="Marquette")
    far.save()
    video = GroupFactory(
        name="Video RSC",
        kind="reflective_supervision_group",
        audience="providers",
        location=None,
        online=True,
        video_url="https://video.example.org/rsc-room",
        capacity=1,
        waitlist_open=True,
    )
    return spanish, far, video


def test_a_family_finds_the_spanish_group_near_its_zip_and_never_a_video_link(groups, client):
    spanish, far, video = groups
    page = client.get("/api/v1/groups/", {"near": "48104", "language": "es", "age_months": 14})
    assert page.status_code == 200
    body = page.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [g["name"] for g in body["results"]] == ["Círculo de Seguridad"]
    item = body["results"][0]
    assert item["place"] == {
        "city": "Ann Arbor",
        "state": item["place"]["state"],
        "zip": "48104",
        "online": False,
    }
    assert item["host"] == {"id": spanish.host.pk, "name": spanish.host.name}
    assert item["schedule"]["rrule"] == "FREQ=WEEKLY;COUNT=8"
    assert item["schedule"]["time_zone"] == "America/Detroit"
    assert len(item["next_sessions"]) == 3 and item["distance_miles"] < 5
    assert item["model"] == "cos" and item["ages"] == {"min_months": 0, "max_months": 60}
    assert (item["capacity"], item["registered_count"], item["waitlist_count"]) == (10, 0, 0)

    near = client.get("/api/v1/groups/", {"near": "42.27,-83.73"}).json()["results"]
    assert {g["name"] for g in near} == {"Círculo de Seguridad", "Video RSC"}  # video matches any place
    everything = client.get("/api/v1/groups/").content.decode()
    assert "video.example.org" not in everything
    detail = client.get(f"/api/v1/groups/{video.pk}/")
    assert detail.status_code == 200 and "rsc-room" not in detail.content.decode()
    assert detail.json()["place"]["city"] is None and detail.json()["place"]["online"] is True
    assert client.get("/api/v1/groups/", {"kind": "reflective_supervision_group"}).json()["count"] == 1
    assert client.get("/api/v1/groups/", {"audience": "families"}).json()["count"] == 2


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"kind": "picnic"}, "kind"),
        ({"audience": "everyone"}, "audience"),
        ({"near": "not a place at all"}, "near"),
        ({"near": "00000"}, "near"),
        ({"age_months": "-3"}, "age_months"),
        ({"radius_miles": "0"}, "radius_miles"),
        ({"language": "spanish"}, "language"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(query, parameter, client):
    answer = client.get("/api/v1/groups/", query)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_parameter" and answer.json()["parameter"] == parameter


def test_the_list_costs_the_same_few_queries_for_many_groups(client, django_assert_max_num_queries):
    for _ in range(12):
        GroupFactory()
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/groups/", {"page_size": 50}).json()["count"] == 12


def test_a_family_registers_then_gives_up_its_place_to_the_waitlist(groups, client):
    _, _, video = groups
    video.audience = "families"
    video.save()
    first = User.objects.create_user("first", email="first@example.org", first_name="Ana", last_name="Ruiz")
    second = User.objects.create_user("second", email="second@example.org")
    client.force_login(first)
    taken = client.post(f"/api/v1/groups/{video.pk}/register/", {}, content_type="application/json")
    assert taken.status_code == 201 and taken.json()["status"] == "registered"
    assert taken.json()["video_url"] == "https://video.example.org/rsc-room"
    again = client.post(f"/api/v1/groups/{video.pk}/register/", {}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == taken.json()["id"]
    registration = Registration.objects.get(pk=taken.json()["id"])
    assert (registration.name, registration.email) == ("Ana Ruiz", "first@example.org")

    client.force_login(second)
    waiting = client.post(f"/api/v1/groups/{video.pk}/register/", {}, content_type="application/json")
    assert waiting.status_code == 201 and waiting.json()["status"] == "waitlisted"
    assert waiting.json()["video_url"] is None
    # Not hers: the first registration cannot be cancelled or read by the second person.
    assert client.post(f"/api/v1/groups/registrations/{registration.pk}/cancel/").status_code == 404
    assert client.get(f"/api/v1/groups/registrations/{registration.pk}/calendar.ics").status_code == 404

    client.force_login(first)
    gone = client.post(f"/api/v1/groups/registrations/{registration.pk}/cancel/")
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    client.force_login(second)
    mine = client.get("/api/v1/groups/registrations/").json()["results"]
    assert [(r["status"], r["video_url"]) for r in mine] == [
        ("registered", "https://video.example.org/rsc-room")
    ]


def test_a_providers_group_takes_providers_only_as_their_listing(groups, client):
    _, _, video = groups
    family = User.objects.create_user("mom", email="mom@example.org")
    client.force_login(family)
    refused = client.post(f"/api/v1/groups/{video.pk}/register/", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "providers_only"

    provider = ProviderFactory(user=User.objects.create_user("clin", email="clin@example.org"))
    client.force_login(provider.user)
    taken = client.post(f"/api/v1/groups/{video.pk}/register/", {}, content_type="application/json")
    assert taken.status_code == 201
    assert Registration.objects.get(pk=taken.json()["id"]).provider == provider


def test_refusals_name_their_code(groups, client):
    spanish, far, video = groups
    client.force_login(User.objects.create_user("x", email="x@example.org"))
    missing = client.post("/api/v1/groups/999999/register/", {}, content_type="application/json")
    assert (missing.status_code, missing.json()["code"]) == (404, "group_not_found")
    far.cancelled_at = dt.datetime.now(dt.UTC)
    far.save()
    cancelled = client.post(f"/api/v1/groups/{far.pk}/register/", {}, content_type="application/json")
    assert (cancelled.status_code, cancelled.json()["code"]) == (409, "group_cancelled")
    spanish.capacity, spanish.waitlist_open = 0, False
    spanish.save()
    full = client.post(f"/api/v1/groups/{spanish.pk}/register/", {}, content_type="application/json")
    assert (full.status_code, full.json()["code"]) == (409, "group_full")


def test_a_group_and_my_registrations_cost_a_few_queries(client, django_assert_max_num_queries):
    from groups.services import Registrant, register

    user = User.objects.create_user("many", email="many@example.org")
    made = [GroupFactory() for _ in range(6)]
    for group in made:
        register(group_id=group.pk, registrant=Registrant(name="Many", user=user))
    with django_assert_max_num_queries(1):
        assert client.get(f"/api/v1/groups/{made[0].pk}/").status_code == 200
    client.force_login(user)
    # Session, user and account settings (the reader's language), the count, the page.
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/groups/registrations/").json()["count"] == 6
