"""The periodic policy re-check of chat sockets, batched per case per process
(``messaging.recheck``, issue 29): one query answers for all of a process's sockets of
a case, and each answer is the one ``chat_access`` gives that user."""

from __future__ import annotations

import asyncio
import datetime
import threading
import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import User
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from cases.models import CareTeamMember
from consent.policies import consent_ends_at
from messaging import consumers, fanout
from messaging.policies import chat_access, chat_access_many
from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import add_member, care_team
from tests.messaging.conftest import close_code, next_frame

db = sync_to_async


def send_frame(body: str) -> dict:
    return {"type": "message.send", "body": body, "client_msg_id": str(uuid.uuid4())}


@pytest.mark.django_db
def test_the_batch_answers_as_chat_access_for_every_kind_of_member():
    team = care_team(2)  # two members with consent
    today = timezone.now().date()
    no_consent = add_member(team, consent=False)
    revoked = add_member(team)
    team.consents[revoked.pk].revoked_at = timezone.now() - datetime.timedelta(minutes=1)
    team.consents[revoked.pk].save()
    expired = add_member(team, consent=False)
    ConsentFactory(
        child=team.child,
        granted_by=team.guardian,
        recipient_provider=expired,
        valid_from=timezone.now() - datetime.timedelta(days=30),
        expires_on=today - datetime.timedelta(days=1),
        **scope(["messaging"], ["case_notes"]),
    )
    to_be_revoked = add_member(team)  # revocation scheduled: allowed until then
    team.consents[to_be_revoked.pk].revoked_at = timezone.now() + datetime.timedelta(hours=2)
    team.consents[to_be_revoked.pk].save()
    left = add_member(team)
    CareTeamMember.objects.filter(provider=left).update(left_at=timezone.now())
    inactive = add_member(team)
    User.objects.filter(pk=inactive.user_id).update(is_active=False)
    # Two consents cover one member: the gate names the one that lasts longest.
    twice = add_member(team)
    longer = ConsentFactory(
        child=team.child,
        granted_by=team.guardian,
        recipient_provider=twice,
        expires_on=today + datetime.timedelta(days=400),
        **scope(["messaging"], ["case_notes"]),
    )
    outsider = ProviderFactory()  # never on the team

    users = [p.user for p in team.providers] + [outsider.user]
    passes = chat_access_many(team.case.pk, [u.pk for u in users])

    for user in users:
        user.refresh_from_db()
        access = chat_access(user, team.case.pk)
        chat_pass = passes.get(user.pk)
        if access is None:
            assert chat_pass is None, user
        else:
            assert chat_pass is not None, user
            assert chat_pass.consent_id == access.consent.pk
            assert chat_pass.ends_at == consent_ends_at(access.consent)
    allowed = {team.users[0].pk, team.users[1].pk, to_be_revoked.user_id, twice.user_id}
    assert set(passes) == allowed
    assert passes[twice.user_id].consent_id == longer.pk
    assert passes[to_be_revoked.user_id].ends_at == team.consents[to_be_revoked.pk].revoked_at
    for denied in (no_consent, revoked, expired, left, inactive, outsider):
        assert denied.user_id not in passes
    assert chat_access_many(team.case.pk, []) == {}


@pytest.fixture
def statements(monkeypatch):
    """The SQL every thread runs (the consumer's database work runs in worker threads)."""
    seen: list[str] = []
    lock = threading.Lock()
    execute = CursorWrapper.execute

    def counted(self, sql, params=None):
        with lock:
            seen.append(str(sql))
        return execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", counted)
    return seen


def policy_statements(seen: list[str]) -> list[str]:
    """Statements asking the chat gate (membership, consent), not the send's own."""
    return [
        sql
        for sql in seen
        if sql.lstrip().upper().startswith("SELECT")
        and ("cases_careteammember" in sql or "consent_consent" in sql)
        and "messaging_" not in sql
    ]


async def _stale(case_id: int) -> list:
    """Every local socket of the case: its last policy answer made old."""
    local = fanout.case_sockets(get_channel_layer(), case_id)
    for socket in local:
        socket.last_verified = time.monotonic() - 3600
    return local


async def _settled(local: list, since: float) -> None:
    for _ in range(100):
        if all(s.closing or s.last_verified >= since for s in local):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the re-check did not answer every socket")


@pytest.mark.django_db(transaction=True)
async def test_six_sockets_of_a_case_cost_one_policy_query_per_period_not_six(
    sockets, monkeypatch, statements
):
    monkeypatch.setattr(consumers, "RECHECK_AFTER_SECONDS", 600.0)  # only when we say so
    monkeypatch.setattr(consumers, "HEARTBEAT_SECONDS", 3600.0)
    team = await db(care_team)(6)
    opened = [(await sockets.open(user, team.case.pk))[0] for user in team.users]
    local = await _stale(team.case.pk)
    assert len(local) == 6
    before = time.monotonic()
    statements.clear()

    await opened[0].send_json_to(send_frame("who is on call?"))
    for socket in opened:
        assert (await next_frame(socket, "message.new"))["message"]["body"] == "who is on call?"
    await _settled(local, before)
    await asyncio.sleep(0.2)  # nothing more in flight

    assert len(policy_statements(statements)) == 1, policy_statements(statements)
    # Each socket got its own answer: verified, its consent-expiry timer re-armed.
    for socket in local:
        assert not socket.closing
        assert socket.last_verified >= before
        assert socket.access_until == consent_ends_at(team.consents[team.providers[local.index(socket)].pk])

    # The next period: again one, whoever's delivery finds the answer old first.
    await _stale(team.case.pk)
    statements.clear()
    again = time.monotonic()
    await opened[3].send_json_to(send_frame("me"))
    for socket in opened:
        await next_frame(socket, "message.new")
    await _settled(local, again)
    await asyncio.sleep(0.2)
    assert len(policy_statements(statements)) == 1


@pytest.mark.django_db(transaction=True)
async def test_a_silently_revoked_member_is_closed_by_the_batch_and_the_rest_keep_receiving(
    sockets, monkeypatch
):
    monkeypatch.setattr(consumers, "RECHECK_AFTER_SECONDS", 600.0)
    monkeypatch.setattr(consumers, "HEARTBEAT_SECONDS", 3600.0)
    team = await db(care_team)(4)
    opened = [(await sockets.open(user, team.case.pk))[0] for user in team.users]
    consent = team.consents[team.providers[2].pk]
    consent.revoked_at = timezone.now()
    await db(consent.save)()  # no access.changed event: only the re-check can notice
    await _stale(team.case.pk)

    await opened[0].send_json_to(send_frame("still there?"))
    assert await close_code(opened[2]) == 4403
    assert len(fanout.case_sockets(get_channel_layer(), team.case.pk)) == 3
    await opened[1].send_json_to(send_frame("yes"))
    for n, socket in enumerate(opened):
        if n == 2:
            continue
        bodies = [(await next_frame(socket, "message.new"))["message"]["body"] for _ in range(2)]
        assert bodies == ["still there?", "yes"]


@pytest.mark.django_db(transaction=True)
async def test_a_quiet_case_heartbeat_asks_once_for_every_socket(sockets, monkeypatch):
    """No messages: the first heartbeat to find its answer old re-checks the case's
    sockets on the process at once; a revoked one closes, the others count as verified."""
    monkeypatch.setattr(consumers, "RECHECK_AFTER_SECONDS", 600.0)
    monkeypatch.setattr(consumers, "HEARTBEAT_SECONDS", 3600.0)
    team = await db(care_team)(3)
    opened = [(await sockets.open(user, team.case.pk))[0] for user in team.users]
    consent = team.consents[team.providers[1].pk]
    consent.revoked_at = timezone.now()
    await db(consent.save)()
    local = await _stale(team.case.pk)
    before = time.monotonic()

    assert await local[0]._verified()
    assert await close_code(opened[1]) == 4403
    assert local[2].last_verified >= before and not local[2].closing
    await opened[2].receive_nothing(timeout=0.2)
