"""When authority ends, the consents it gave are re-checked (issue 26).

A temporary guardianship order names the grandmother; the agency's caseworker holds
custody alongside. When the order reaches its end time, the job (every minute) ends
every consent the grandmother gave under it, like a revocation: the provider's socket
closes with 4403, the rest of the care team hears who left, and the people who hold
authority now are asked to sign again for the same provider and scope. A grantor who
still holds authority covering the consent keeps it. Running the job again does nothing
more. A coordinator may end an authority early (custody moved): the same re-check runs
at once, in their name.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case
from consent.authority import audit_basis
from consent.authority_end import authority_end, recheck_ended_authorities
from consent.models import Consent, ConsentEvent, ConsentEventKind, ConsentRequest, ConsentRequestStatus
from consent.tasks import recheck_ended_authorities as recheck_task
from families.models import Authority, AuthorityBasis, Relationship
from outbox.models import OutboxMessage
from people.roles import COORDINATOR_GROUP
from referral_hub.errors import ApplicationError
from tests.concurrency import race as shared_race
from tests.factories.base import PASSWORD, UserFactory
from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.families import AuthorityFactory, ChildFactory, GuardianFactory
from tests.factories.messaging import Team, add_member
from tests.messaging.conftest import next_frame

db = sync_to_async
CHAT_SCOPE = (["messaging", "care_coordination"], ["case_notes"])


def custody_world(*, order_ends_in: datetime.timedelta = datetime.timedelta(hours=1)) -> dict:
    """A child with no parent on record: the grandmother holds a guardianship order that
    ends in ``order_ends_in``; the agency's caseworker holds custody with no end. The
    care team: ``kept`` (consent from the caseworker) and ``ended`` (consent from the
    grandmother under her order)."""
    child = ChildFactory()
    order = AuthorityFactory(
        child=child,
        holder__relationship=Relationship.GRANDPARENT,
        basis=AuthorityBasis.LEGAL_GUARDIAN,
        ends_at=timezone.now() + order_ends_in,
    )
    custody = AuthorityFactory(
        child=child, holder__relationship=Relationship.CASEWORKER, basis=AuthorityBasis.AGENCY_CUSTODY
    )
    team = Team(case=Case.objects.create(child=child), child=child, guardian=order.holder, providers=[])
    stays, leaves = add_member(team, consent=False), add_member(team, consent=False)
    consents = {
        "stays": ConsentFactory(
            child=child,
            granted_by=custody.holder,
            authority=custody,
            recipient_provider=stays,
            **scope(*CHAT_SCOPE),
        ),
        "leaves": ConsentFactory(
            child=child,
            granted_by=order.holder,
            authority=order,
            recipient_provider=leaves,
            **scope(*CHAT_SCOPE),
        ),
    }
    return {
        "child": child,
        "order": order,
        "custody": custody,
        "team": team,
        "stays": stays,
        "leaves": leaves,
        "consents": consents,
    }


def after_the_order(world: dict, seconds: int = 30) -> time_machine.travel:
    return time_machine.travel(world["order"].ends_at + datetime.timedelta(seconds=seconds), tick=True)


async def closed(communicator, timeout: float = 5) -> dict:
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output


@pytest.mark.django_db(transaction=True)
async def test_an_order_expires_and_within_a_minute_its_consents_end_the_team_is_told_and_the_caseworker_asked(
    sockets,
):
    world = await db(custody_world)()
    team, leaves, stays = world["team"], world["leaves"], world["stays"]
    with after_the_order(world):
        staying_socket, connected, _ = await sockets.open(stays.user, team.case.pk)
        assert connected
        leaving_socket, connected, _ = await sockets.open(leaves.user, team.case.pk)
        assert connected

        result = await db(recheck_task)()  # the beat's job, as the worker runs it

        assert result == {"consents_ended": 1}
        ended = await next_frame(leaving_socket, "access.ended")
        assert ended["reason"] == "consent_revoked"
        assert (await closed(leaving_socket))["code"] == 4403
        left = await next_frame(staying_socket, "member.left")
        assert left["provider"]["id"] == leaves.pk

        consent = await db(Consent.objects.get)(pk=world["consents"]["leaves"].pk)
        assert consent.revoked_at is not None and consent.revoked_by_id is None
        assert "authority" in consent.revoke_reason and "ended" in consent.revoke_reason
        assert await db(Consent.objects.active().filter(pk=world["consents"]["stays"].pk).exists)()
        assert await db(
            ConsentEvent.objects.filter(consent=consent, kind=ConsentEventKind.REVOKED, actor=None).exists
        )()

        asked = await db(lambda: list(ConsentRequest.objects.filter(child=world["child"])))()
        assert [(r.provider_id, r.status) for r in asked] == [(leaves.pk, ConsentRequestStatus.PENDING)]
        assert set(asked[0].purposes) == set(CHAT_SCOPE[0]) and asked[0].data_categories == CHAT_SCOPE[1]
        notified = await db(
            lambda: set(
                OutboxMessage.objects.filter(kind="consent_request.created").values_list(
                    "recipient_id", flat=True
                )
            )
        )()
        assert notified == {world["custody"].holder.user_id}, "the caseworker is asked; not the grandmother"

        order = await db(Authority.objects.get)(pk=world["order"].pk)
        assert order.rechecked_at is not None


@pytest.mark.django_db
def test_the_access_log_says_the_consent_ended_because_the_authority_it_rested_on_ended():
    world = custody_world()
    with after_the_order(world):
        assert recheck_ended_authorities() == 1
    consent = world["consents"]["leaves"]
    row = AuditEvent.objects.get(consent_id=consent.pk, object_type="consent", action="update")
    assert row.actor_id is None and row.child_id == world["child"].pk
    assert (
        "the authority it was given under ended" in row.detail and audit_basis(world["order"]) in row.detail
    )
    summary = AuditEvent.objects.get(object_type="authority", object_id=str(world["order"].pk))
    assert f"ended consents {consent.pk}" in summary.detail
    asked = AuditEvent.objects.get(object_type="consent_request")
    assert f"consent {consent.pk}" in asked.detail


@pytest.mark.django_db
def test_a_parent_who_also_holds_another_authority_keeps_the_consent():
    child = ChildFactory()
    mother = GuardianFactory(family=child.family, relationship=Relationship.MOTHER)  # parent authority
    order = AuthorityFactory(
        child=child,
        holder=mother,
        basis=AuthorityBasis.LEGAL_GUARDIAN,
        ends_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    provider = ProviderFactory()
    consent = ConsentFactory(child=child, granted_by=mother, authority=order, recipient_provider=provider)
    with time_machine.travel(order.ends_at + datetime.timedelta(seconds=5)):
        assert recheck_ended_authorities() == 0
        assert Consent.objects.active().filter(pk=consent.pk).exists()
    assert not ConsentRequest.objects.exists()
    summary = AuditEvent.objects.get(object_type="authority", object_id=str(order.pk))
    parent = mother.authorities.get(basis=AuthorityBasis.PARENT)
    assert f"kept consents {consent.pk}" in summary.detail and f"authority={parent.pk}" in summary.detail


@pytest.mark.django_db
def test_a_delegation_that_ends_ends_what_no_other_authority_of_the_foster_parent_reaches():
    """The foster parent's referral delegation ends; a messaging delegation remains: the
    referral consent ends, the messaging one stays."""
    child = ChildFactory()
    referral = AuthorityFactory(
        child=child,
        holder__relationship=Relationship.FOSTER_PARENT,
        basis=AuthorityBasis.DELEGATED,
        purposes=["referral"],
        ends_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    AuthorityFactory(
        child=child, holder=referral.holder, basis=AuthorityBasis.DELEGATED, purposes=["messaging"]
    )
    foster = referral.holder
    to_refer = ConsentFactory(
        child=child,
        granted_by=foster,
        authority=referral,
        recipient_provider=ProviderFactory(),
        **scope(["referral"]),
    )
    # Given before authority was data (no authority on the row): the grantor decides.
    to_message = ConsentFactory(
        child=child,
        granted_by=foster,
        authority=None,
        recipient_provider=ProviderFactory(),
        **scope(["messaging"]),
    )
    with time_machine.travel(referral.ends_at + datetime.timedelta(seconds=5)):
        assert recheck_ended_authorities() == 1
        assert not Consent.objects.active().filter(pk=to_refer.pk).exists()
        assert Consent.objects.active().filter(pk=to_message.pk).exists()


@pytest.mark.django_db
def test_the_job_twice_does_nothing_more_and_a_pending_request_is_not_asked_again():
    world = custody_world()
    leaves = world["leaves"]
    # The stayer had already asked the family to share with the leaving provider.
    ConsentRequest.objects.create(
        child=world["child"],
        requested_by=world["stays"],
        requested_by_user=world["stays"].user,
        provider=leaves,
        purposes=["referral"],
        data_categories=["demographics"],
    )
    with after_the_order(world):
        assert recheck_ended_authorities() == 1
        counts = (
            ConsentEvent.objects.count(),
            ConsentRequest.objects.count(),
            AuditEvent.objects.count(),
            OutboxMessage.objects.count(),
        )
        rechecked_at = Authority.objects.get(pk=world["order"].pk).rechecked_at
        assert recheck_ended_authorities() == 0
        assert recheck_task() == {"consents_ended": 0}
        assert (
            ConsentEvent.objects.count(),
            ConsentRequest.objects.count(),
            AuditEvent.objects.count(),
            OutboxMessage.objects.count(),
        ) == counts
        assert Authority.objects.get(pk=world["order"].pk).rechecked_at == rechecked_at
    assert ConsentRequest.objects.filter(provider=leaves).count() == 1


@pytest.mark.django_db
def test_before_its_end_an_order_is_not_rechecked():
    world = custody_world()
    assert recheck_ended_authorities() == 0
    assert Consent.objects.active().filter(pk=world["consents"]["leaves"].pk).exists()
    assert Authority.objects.get(pk=world["order"].pk).rechecked_at is None


def coordinator():
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=COORDINATOR_GROUP)[0])
    return user


def staff():
    return UserFactory(is_staff=True)


def in_the_queue(world: dict) -> None:
    """The caseworker asks the coordinators for help: the child is in their queue."""
    from intake.services import family_request_create

    family_request_create(
        actor=world["custody"].holder.user,
        child_id=world["child"].pk,
        provider_id=None,
        concern="She does not sleep.",
        preferred_language="en",
        contact_method="email",
        password=PASSWORD,
    )


@pytest.mark.django_db
def test_a_coordinator_ends_custody_early_and_the_consents_end_at_once_in_their_name(api_client):
    world = custody_world(order_ends_in=datetime.timedelta(days=90))
    in_the_queue(world)
    actor = coordinator()
    api_client.force_authenticate(actor)

    response = api_client.post(
        f"/api/v1/authorities/{world['order'].pk}/end/",
        {"note": "Custody moved to the agency (order 24-JV-7)."},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == world["order"].pk and body["end_note"].startswith("Custody moved")
    assert body["rechecked_at"] is not None
    ended_at = datetime.datetime.fromisoformat(body["ends_at"])
    assert abs(timezone.now() - ended_at) < datetime.timedelta(minutes=1)
    consent = Consent.objects.get(pk=world["consents"]["leaves"].pk)
    assert consent.revoked_by_id == actor.pk and consent.revoked_at is not None
    assert AuditEvent.objects.filter(
        actor=actor, object_type="authority", object_id=str(world["order"].pk), detail__contains="ended early"
    ).exists()
    assert ConsentRequest.objects.filter(provider=world["leaves"], status="pending").exists()

    again = api_client.post(f"/api/v1/authorities/{world['order'].pk}/end/", {"note": "again"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "authority_ended")


@pytest.mark.django_db
def test_an_end_set_for_later_is_left_to_the_job():
    world = custody_world(order_ends_in=datetime.timedelta(days=90))
    later = timezone.now() + datetime.timedelta(days=2)
    authority_end(actor=staff(), authority_id=world["order"].pk, ends_at=later, note="Order shortened.")
    assert Consent.objects.active().filter(pk=world["consents"]["leaves"].pk).exists()
    with time_machine.travel(later + datetime.timedelta(seconds=30)):
        assert recheck_ended_authorities() == 1
    consent = Consent.objects.get(pk=world["consents"]["leaves"].pk)
    assert consent.revoked_by_id is None, "the job ended it: the system, not the coordinator"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, code",
    [
        ({}, "note_required"),
        ({"note": "  "}, "note_required"),
        ({"note": "x" * 301}, "invalid_note"),
        ({"note": ["x"]}, "invalid_note"),
        ({"note": "x", "ends_at": "2001-01-01T00:00:00Z"}, "invalid_end"),
        ({"note": "x", "ends_at": "soon"}, "invalid_end"),
    ],
)
def test_an_end_needs_a_note_and_a_time_not_past(api_client, body, code):
    world = custody_world()
    api_client.force_authenticate(staff())
    response = api_client.post(f"/api/v1/authorities/{world['order'].pk}/end/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert AuditEvent.objects.filter(
        object_type="authority", outcome="denied", detail__startswith=code
    ).exists()
    api_client.force_authenticate(world["stays"].user)  # a provider: the same 404 as for valid input
    response = api_client.post(f"/api/v1/authorities/{world['order'].pk}/end/", body, format="json")
    assert response.status_code == 404
    assert Authority.objects.get(pk=world["order"].pk).ends_at == world["order"].ends_at


@pytest.mark.django_db
def test_an_end_may_not_come_later_than_the_order_says():
    world = custody_world(order_ends_in=datetime.timedelta(days=1))
    with pytest.raises(ApplicationError) as refused:
        authority_end(
            actor=staff(),
            authority_id=world["order"].pk,
            ends_at=timezone.now() + datetime.timedelta(days=3),
            note="Extend?",
        )
    assert refused.value.code == "invalid_end"


@pytest.mark.django_db
def test_only_staff_or_a_coordinator_may_end_an_authority_and_the_refusal_is_logged(api_client):
    world = custody_world()
    # The grandmother, a provider on the team, an account, a coordinator whose queue
    # does not hold the child.
    for user in (world["order"].holder.user, world["stays"].user, UserFactory(), coordinator()):
        api_client.force_authenticate(user)
        response = api_client.post(
            f"/api/v1/authorities/{world['order'].pk}/end/", {"note": "x"}, format="json"
        )
        assert response.status_code == 404
    assert Authority.objects.get(pk=world["order"].pk).ends_at == world["order"].ends_at
    assert (
        AuditEvent.objects.filter(
            object_type="authority", outcome="denied", child_id=world["child"].pk
        ).count()
        == 4
    )
    api_client.force_authenticate(staff())
    response = api_client.post(f"/api/v1/authorities/{world['order'].pk}/end/", {"note": "x"}, format="json")
    assert response.status_code == 200


def test_the_recheck_runs_every_minute():
    from referral_hub.celery import app

    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "consent.tasks.recheck_ended_authorities"
    ]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert schedule.minute == set(range(60)) and schedule.hour == set(range(24))


@pytest.fixture
def on_postgres(postgres_url):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised in the PostgreSQL pass (DATABASE_URL set)")


def race(calls):
    """Run the callables at the same instant, one thread each: what each returned, or the
    refusal's code."""
    return shared_race(
        calls, outcome=lambda value: value, refused=(ApplicationError,), refusal=lambda exc: exc.code
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_jobs_running_at_once_end_each_consent_once_and_ask_once(on_postgres):
    world = custody_world(order_ends_in=datetime.timedelta(seconds=1))
    actor = staff()
    with after_the_order(world):
        outcomes = race([recheck_ended_authorities] * 4)
        assert sorted(outcomes) == [0, 0, 0, 1]
    consent = world["consents"]["leaves"]
    assert ConsentEvent.objects.filter(consent=consent, kind=ConsentEventKind.REVOKED).count() == 1
    assert ConsentRequest.objects.filter(provider=world["leaves"]).count() == 1
    assert AuditEvent.objects.filter(object_type="authority", object_id=str(world["order"].pk)).count() == 1

    # The caseworker's custody: a coordinator ends it while two jobs run.
    custody = world["custody"]
    outcomes = race(
        [
            lambda: authority_end(actor=actor, authority_id=custody.pk, note="Custody ended.").pk,
            recheck_ended_authorities,
            recheck_ended_authorities,
        ]
    )
    assert outcomes[0] == custody.pk
    stays = world["consents"]["stays"]
    assert ConsentEvent.objects.filter(consent=stays, kind=ConsentEventKind.REVOKED).count() == 1
    assert AuditEvent.objects.filter(object_type="authority", object_id=str(custody.pk)).count() == 2
