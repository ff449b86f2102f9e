"""What a care-team member's browser believes, kept only from the events it receives,
equals what a fresh fetch from the API says (Zulip's test_events: apply the events to
the client's state, then compare with a new fetch).

The member has the two sockets the web app opens: the notifications socket on every
page (``notify.js``: the nav badge of unread messages, the Cases page's counts) and the
case chat socket of each case (``chat.js``: who is on the team, removed messages).
After each action the state built from the frames must equal ``GET /api/v1/cases/``
(each case's team and ``unread_count``; the badge is their sum). A path that changes
the team or the unread counts without telling the member fails here."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from cases.models import TeamRole
from cases.services import care_team_member_add
from consent.services import consent_revoke
from messaging.services import message_delete
from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.messaging import Team, add_member, care_team, stored_message

pytestmark = pytest.mark.django_db(transaction=True)

db = sync_to_async
CHAT_SCOPE = scope(["messaging", "care_coordination"], ["case_notes"])


@dataclass
class CaseState:
    team: dict[int, dict[str, Any]]  # provider id -> {id, name, discipline}
    unread: set[int] = field(default_factory=set)  # ids of messages by others not read yet
    unread_fetched: int = 0  # unread when the case was fetched (their ids unknown)


@dataclass
class ClientState:
    """The browser's model of the Cases list and the nav badge, moved by frames only."""

    cases: dict[int, CaseState]
    badge: int
    stale: set[int] = field(default_factory=set)  # cases the Cases page fetches again

    def apply_notification(self, frame: dict[str, Any]) -> None:
        """``/ws/notifications/`` (notify.js): the badge and each case's unread count."""
        if frame["type"] != "case.activity":
            return
        case = self.cases.get(frame["case_id"])
        if frame["change"] == "message":
            self.badge += 1
            if case is not None:
                case.unread.add(frame["message_id"])
        elif frame["change"] == "read":
            self.badge = frame["unread_total"]
            if case is not None and case.unread_fetched:
                self.stale.add(frame["case_id"])  # which of those were read is unknown here
            elif case is not None:
                case.unread = {pk for pk in case.unread if pk > frame["message_id"]}
        elif frame["change"] == "removed":
            self.badge = frame["unread_total"]
            if case is not None:
                case.unread.discard(frame["message_id"])
        elif frame["change"] == "access":
            # The user joined or left this case's team: the Cases page fetches it again.
            self.badge = frame["unread_total"]
            self.stale.add(frame["case_id"])

    def refetch(self, fetch: Any) -> None:
        """What cases.js does on ``case.activity``: the changed cases from the server
        (``fetch(case_id)``: the case's API row, or None once it is not listed)."""
        for case_id in sorted(self.stale):
            row = fetch(case_id)
            if row is None:
                self.cases.pop(case_id, None)
            else:
                self.cases[case_id] = CaseState(team=_team(row), unread_fetched=row["unread_count"])
        self.stale.clear()

    def apply_chat(self, case_id: int, frame: dict[str, Any]) -> None:
        """``/ws/cases/<id>/`` (chat.js): the team list; removed messages; the end."""
        case = self.cases.get(case_id)
        if case is None:
            return
        if frame["type"] == "member.joined":
            provider = frame["provider"]
            case.team[provider["id"]] = provider
        elif frame["type"] == "member.left":
            case.team.pop(frame["provider"]["id"], None)
        elif frame["type"] == "message.updated" and frame["message"]["deleted"]:
            case.unread.discard(frame["message"]["id"])
        elif frame["type"] in ("access.ended", "closed"):
            del self.cases[case_id]

    def view(self) -> tuple[dict[int, tuple[dict[int, dict[str, Any]], int]], int]:
        cases = {pk: (case.team, case.unread_fetched + len(case.unread)) for pk, case in self.cases.items()}
        return cases, self.badge


def _team(row: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {
        m["provider"]["id"]: {key: m["provider"][key] for key in ("id", "name", "discipline")}
        for m in row["care_team"]
    }


def _fetch(user) -> dict[int, Any]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/cases/?page_size=100")
    assert response.status_code == 200
    return {row["id"]: row for row in response.json()["results"]}


def fetched_view(user) -> tuple[dict[int, tuple[dict[int, dict[str, Any]], int]], int]:  # type: ignore[no-untyped-def]
    """What a page load would show now: each case's team and unread count, their sum."""
    cases = {pk: (_team(row), row["unread_count"]) for pk, row in _fetch(user).items()}
    return cases, sum(unread for _, unread in cases.values())


def fetch_case(user, case_id: int) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    """``GET /api/v1/cases/<id>/``: the case's row, or None (404) once it is not listed."""
    client = Client()
    client.force_login(user)
    response = client.get(f"/api/v1/cases/{case_id}/")
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return dict(response.json())


def fresh_state(user) -> ClientState:  # type: ignore[no-untyped-def]
    cases, badge = fetched_view(user)
    assert all(unread == 0 for _, unread in cases.values())  # ids below come from events
    return ClientState({pk: CaseState(team=dict(team)) for pk, (team, _) in cases.items()}, badge)


class Browser:
    """One signed-in member's sockets (opened with the ``sockets`` fixture, which closes
    them), read until quiet after each action."""

    def __init__(self, sockets, user) -> None:  # type: ignore[no-untyped-def]
        self.sockets = sockets
        self.user = user
        self.notifications: WebsocketCommunicator | None = None
        self.chats: dict[int, WebsocketCommunicator] = {}

    async def open(self, case_ids: list[int]) -> None:
        self.notifications, connected, _ = await self.sockets.notifications(self.user)
        assert connected
        for case_id in case_ids:
            self.chats[case_id], connected, _ = await self.sockets.open(self.user, case_id)
            assert connected

    @staticmethod
    async def _frames(communicator: WebsocketCommunicator, quiet: float) -> tuple[list[dict[str, Any]], bool]:
        frames = []
        # receive_nothing, not a receive_output timeout: that would cancel the socket.
        while not await communicator.receive_nothing(timeout=quiet):
            output = await communicator.receive_output()
            if output["type"] == "websocket.close":
                frames.append({"type": "closed", "code": output.get("code")})
                return frames, True
            frames.append(json.loads(output["text"]))
        return frames, False

    async def settle(self, state: ClientState, quiet: float = 0.4) -> list[str]:
        """Apply every frame that arrives until all sockets are quiet; their types. A
        frame on one socket can follow one on another (a read on the chat socket, then
        the new unread total on the notifications socket, later on a loaded machine):
        the sockets are drained again until one whole round brings nothing."""
        seen: list[str] = []
        assert self.notifications is not None
        while True:
            before = len(seen)
            for frame in (await self._frames(self.notifications, quiet))[0]:
                seen.append(frame["type"])
                state.apply_notification(frame)
            for case_id, communicator in list(self.chats.items()):
                frames, closed = await self._frames(communicator, quiet)
                for frame in frames:
                    seen.append(frame["type"])
                    state.apply_chat(case_id, frame)
                if closed:
                    del self.chats[case_id]
            if len(seen) == before:
                return seen

    async def send(self, case_id: int, frame: dict[str, Any]) -> None:
        await self.chats[case_id].send_json_to(frame)


def _world() -> tuple[Team, Team]:
    """Case 1: the member and a colleague. Case 2: another team the member is on."""
    first = care_team(2)
    second = care_team(1)
    add_member(second, first.providers[0])
    return first, second


def _post_message(user, case_id: int, body: str) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/api/v1/cases/{case_id}/messages/",
        {"body": body, "client_msg_id": str(uuid.uuid4())},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _join(team: Team, newcomer: Any = None) -> Any:
    """A provider (a new one by default), covered by the family's consent, joins the
    care team."""
    newcomer = newcomer or ProviderFactory()
    ConsentFactory(child=team.child, granted_by=team.guardian, recipient_provider=newcomer, **CHAT_SCOPE)
    care_team_member_add(case=team.case, provider=newcomer, role=TeamRole.RECIPIENT)
    return newcomer


async def test_the_members_state_from_events_equals_a_fresh_fetch(sockets):
    first, second = await db(_world)()
    me, colleague = first.providers
    other = second.providers[0]
    browser = Browser(sockets, me.user)
    colleague_browser = Browser(sockets, colleague.user)
    state = await db(fresh_state)(me.user)
    assert set(state.cases) == {first.case.pk, second.case.pk}

    async def check(step: str) -> list[str]:
        seen = await browser.settle(state)
        await db(state.refetch)(lambda case_id: fetch_case(me.user, case_id))
        assert state.view() == await db(fetched_view)(me.user), f"after {step}; frames: {seen}"
        return seen

    await browser.open([first.case.pk, second.case.pk])
    await colleague_browser.open([first.case.pk])
    await check("opening the sockets")

    # A new message over the socket, and two over REST (the fallback), in both cases.
    await colleague_browser.send(
        first.case.pk,
        {"type": "message.send", "body": "Seen them today.", "client_msg_id": str(uuid.uuid4())},
    )
    assert "case.activity" in await check("a message over the socket")
    kept = await db(_post_message)(colleague.user, first.case.pk, "Sleep is better.")
    removed = await db(_post_message)(colleague.user, first.case.pk, "Wrong family, sorry.")
    await db(_post_message)(other.user, second.case.pk, "Visit on Monday.")
    await check("three messages over REST")

    # The author removes a message the member has not read.
    await db(message_delete)(actor=colleague.user, case_id=first.case.pk, message_id=removed)
    assert "case.activity" in await check("a removed message")

    # The member reads case 1 up to the kept message.
    await browser.send(first.case.pk, {"type": "read", "message_id": kept})
    assert "read" in await check("a read")

    # Someone joins case 1; then the family revokes the colleague's consent.
    newcomer = await db(_join)(first)
    assert "member.joined" in await check("a member added")
    assert newcomer.pk in state.cases[first.case.pk].team
    await db(consent_revoke)(
        actor=first.guardian.user, consent_id=first.consents[colleague.pk].pk, reason="We moved."
    )
    assert "member.left" in await check("a member's consent revoked")
    assert colleague.pk not in state.cases[first.case.pk].team

    # The member joins a third team, whose chat already has two messages.
    third = await db(care_team)(1)
    await db(stored_message)(third, 0, "Before you joined.")
    await db(stored_message)(third, 0, "Welcome soon.")
    await db(_join)(third, me)
    assert "case.activity" in await check("the member added to another case")
    assert state.badge == 3 and third.case.pk in state.cases

    # Another unread message in case 2, then the family of case 2 revokes the
    # member's own consent: the case leaves the list and its unread leave the badge.
    await db(_post_message)(other.user, second.case.pk, "Can we meet?")
    await check("another message")
    await db(consent_revoke)(
        actor=second.guardian.user, consent_id=second.consents[me.pk].pk, reason="No longer needed."
    )
    seen = await check("the member's own consent revoked")
    assert {"case.activity", "access.ended"} <= set(seen)
    assert set(state.cases) == {first.case.pk, third.case.pk}
