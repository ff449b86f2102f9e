"""Every write of the case chat. Each service asks ``messaging.policies`` itself (so a
socket frame, a REST call and the demo seed are gated the same way), runs in one
transaction, records audit, and queues socket events for after the commit.

Events on ``case.<id>`` (handled by ``messaging.consumers.CaseChatConsumer``):
- ``chat.message`` ``{message}`` — a new stored message.
- ``chat.updated`` ``{message}`` — an edit or a removal.
- ``chat.read`` ``{user_id, message_id}`` — a read marker moved.
- ``chat.presence`` ``{online}`` — who of the team has a socket open on the case.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from audit.models import Action
from audit.services import audit_chain_head, audit_lock_chains_for, audit_record, audit_record_held, chain_key
from cases.models import CareTeamMember, Case
from consent.hooks import AccessEnd
from directory.models import Provider
from messaging import events, selectors
from messaging.integrity import sign_message, sign_revision
from messaging.models import MAX_BODY_CHARS, ChatConnection, Message, MessageRevision, ReadMarker
from messaging.policies import (
    AUDIT_CATEGORY,
    AUDIT_PURPOSE,
    ChatAccess,
    access_case_chat,
    chat_gate,
    chat_gate_may_open,
    chat_members,
    chat_other_member_ids,
)
from outbox.services import outbox_notify
from people.roles import Actor, signed_in
from referral_hub import events as hub_events
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import parse_id
from referral_hub.realtime import (
    case_group,
    send_event_now,
    send_event_on_commit,
    send_events_on_commit,
    user_group,
)

MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")


@dataclass(frozen=True)
class SendResult:
    message: Message
    created: bool


def _clean_body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ApplicationError("invalid_body", "body must be non-empty text.")
    if len(body) > MAX_BODY_CHARS:
        raise ApplicationError("body_too_long", f"body is limited to {MAX_BODY_CHARS} characters.")
    if "\x00" in body:
        raise ApplicationError("invalid_body", "body must not contain NUL characters.")
    return body


def _audit(*, actor: Actor, access: ChatAccess, action: str, object_id: int, detail: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        child_id=access.child_id,
        data_category=AUDIT_CATEGORY,
        purpose=AUDIT_PURPOSE,
        consent=access.consent,
        object_type="case_message" if action != Action.VIEW else "case_messages",
        object_id=object_id,
        detail=detail,
    )


def mention_names(name: str) -> list[str]:
    """What a team member is mentioned by, after "@": the name the chat shows them
    under (their listing's name, "Dr. Maya Chen") and the same without a title ("Maya
    Chen"). Longest first, so "@Dr. Maya Chen" is read as one mention."""
    names = [name.strip()]
    bare = re.sub(r"^(dr|dra|mr|mrs|ms|mx)\.?\s+", "", name.strip(), flags=re.IGNORECASE)
    if bare and bare != names[0]:
        names.append(bare)
    return [n for n in names if n]


def _mentions(body: str, *, username: str, name: str) -> bool:
    """Whether ``body`` mentions this member: "@" and a name they are shown under
    (``mention_names``; case-insensitive, ended by a space, punctuation or the end), or
    their login name (older messages and programs)."""
    for shown in mention_names(name):
        if re.search(r"(?<![\w@])@" + re.escape(shown) + r"(?!\w)", body, flags=re.IGNORECASE):
            return True
    # "@slp." or "@slp," at the end of a sentence still mentions "slp".
    return username.lower() in {login.rstrip(".+-").lower() for login in MENTION.findall(body)}


def _notify_mentions(*, message: Message, provider: Provider) -> None:
    if "@" not in message.body:
        return
    # Only members the chat gate lets in now (current, and covered by consent at this
    # moment; a handful of rows): a mention never reaches an outsider or a member
    # whose consent expired or was revoked.
    team = chat_members(case_id=message.case_id).values_list("user_id", "user__username", "provider__name")
    for user_id, username, name in team:
        if user_id != message.author_id and _mentions(message.body, username=username, name=name):
            # An outbox row in the sending transaction (pushed to the user's sockets
            # after commit); one per message and person mentioned.
            outbox_notify(
                user_id,
                "mention",
                {"case_id": message.case_id, "message_id": message.pk, "by": provider.name},
                key=f"mention:{message.pk}:user:{user_id}",
            )


# case id -> child id. A case's child never changes (one case per child, created with
# it); every send still checks the entry against the row it reads and starts over when
# they differ, so a stale entry costs a retry, never a wrong chain lock.
_case_child: dict[int, int] = {}


class _StaleCaseChild(Exception):
    pass


@dataclass(frozen=True)
class _SendState:
    """What one send needs from the database, read in ONE query after the chain lock."""

    child_id: int
    provider: Provider  # the member's listing (id, name, discipline loaded)
    consent_id: int | None  # null: no consent covers the member for chat now
    existing_id: int | None  # this author's message with this client_msg_id, if any
    last_seq: int
    chain_head: str | None
    others: list[int]  # other members the gate lets in now


_SEND_COLUMNS = (
    "child",
    "provider_id",
    "provider_name",
    "provider_discipline",
    "gate_consent_id",
    "existing_id",
    "last_seq",
    "chain_head",
    "others",
)


def _send_query(
    *, user: User, case_id: int, child_id: int, client_msg_id: uuid.UUID, at: datetime
) -> QuerySet[Any, dict[str, Any]] | None:
    gate = chat_gate(user, case_id, at)
    if gate is None:
        return None
    query: QuerySet[Any, dict[str, Any]] = (
        gate.order_by("id")
        .annotate(
            child=F("case__child_id"),
            provider_name=F("provider__name"),
            provider_discipline=F("provider__discipline"),
            existing_id=Subquery(
                Message.objects.filter(author_id=user.pk, client_msg_id=client_msg_id).values("id")[:1]
            ),
            last_seq=Subquery(
                Message.objects.filter(case_id=OuterRef("case_id")).order_by("-seq").values("seq")[:1]
            ),
            chain_head=Subquery(audit_chain_head(child_id=child_id)),
            others=chat_other_member_ids(at),
        )
        .values(*_SEND_COLUMNS)[:1]
    )
    return query


# The send query compiled once per process (PostgreSQL): building and compiling it
# was a third of a send's CPU in the profile. Compiled with stand-in values, which are
# then found among the parameters and replaced by the real ones at each send. On
# PostgreSQL every parameter reaches the driver as given (ints, str, UUID, aware
# datetime, date); SQLite converts some, so it compiles every time.
_STAND_INS: dict[str, Any] = {
    "case_id": 8_123_456_789_012_345_671,
    "user_id": 8_123_456_789_012_345_672,
    "client_msg_id": uuid.UUID("5e9d1f0c-7a51-4c1b-9d0e-0000c0ffee01"),
    "chain": chain_key(child_id=8_123_456_789_012_345_673, actor_id=None),
    "at": datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC),
    "day": date(2001, 2, 3),
}
_compiled: dict[str, tuple[str, list[Any], list[str | None]]] = {}


def _compiled_send_query() -> tuple[str, list[Any], list[str | None]]:
    cached = _compiled.get(connection.alias)
    if cached is None:
        stand_in_user = User(pk=_STAND_INS["user_id"], is_active=True)
        query = _send_query(
            user=stand_in_user,
            case_id=_STAND_INS["case_id"],
            child_id=int(_STAND_INS["chain"].split(":")[1]),
            client_msg_id=_STAND_INS["client_msg_id"],
            at=_STAND_INS["at"],
        )
        assert query is not None
        sql, params = query.query.sql_with_params()
        names = {_key(value): name for name, value in _STAND_INS.items()}
        slots = [names.get(_key(value)) for value in params]
        if set(slots) - {None} != set(_STAND_INS):  # pragma: no cover - a rule changed shape
            raise RuntimeError("the chat send query no longer takes every stand-in value")
        cached = _compiled[connection.alias] = (sql, list(params), slots)
    return cached


def _key(value: object) -> tuple[type, object]:
    return (type(value), value)  # a date is not a datetime, an int is not a bool


def _send_row(*, user: User, case_id: int, child_id: int, client_msg_id: uuid.UUID) -> dict[str, Any] | None:
    at = timezone.now()
    if connection.vendor != "postgresql":
        query = _send_query(user=user, case_id=case_id, child_id=child_id, client_msg_id=client_msg_id, at=at)
        return None if query is None else next(iter(query), None)
    if not chat_gate_may_open(user, case_id):
        return None
    sql, params, slots = _compiled_send_query()
    values: dict[str, Any] = {
        "case_id": case_id,
        "user_id": user.pk,
        "client_msg_id": client_msg_id,
        "chain": chain_key(child_id=child_id, actor_id=None),
        "at": at,
        "day": at.date(),
    }
    with connection.cursor() as cursor:
        args: list[Any] = [
            value if slot is None else values[slot] for value, slot in zip(params, slots, strict=True)
        ]
        cursor.execute(sql, args)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([column.name for column in cursor.description], row, strict=True))


def _send_state(*, actor: Actor, case_id: int, child_id: int, client_msg_id: uuid.UUID) -> _SendState | None:
    if not isinstance(actor, User):
        return None
    row = _send_row(user=actor, case_id=case_id, child_id=child_id, client_msg_id=client_msg_id)
    if row is None:
        return None
    provider = Provider.from_db(
        connection.alias,
        ["id", "name", "discipline"],
        [row["provider_id"], row["provider_name"], row["provider_discipline"]],
    )
    return _SendState(
        child_id=row["child"],
        provider=provider,
        consent_id=row["gate_consent_id"],
        existing_id=row["existing_id"],
        last_seq=row["last_seq"] or 0,
        chain_head=row["chain_head"],
        others=sorted({int(i) for i in (row["others"] or "").split(",") if i}),
    )


def message_send(*, actor: Actor, case_id: int, body: object, client_msg_id: uuid.UUID) -> SendResult:
    """Store a message from ``actor`` (a current consented team member) and queue its
    broadcast to the case group for after the commit.

    Idempotent per (author, client_msg_id): a repeat stores nothing and returns the
    original (``created=False``). Sends to one case are serialized by the child's audit
    chain lock (a case has one child; on SQLite by the single writer), so ids (and
    ``seq``) commit in increasing order within the case. On PostgreSQL a send is
    BEGIN, the chain lock, one read (gate, idempotency, last seq, chain head, who else
    to tell), the message INSERT, the audit INSERT, COMMIT (docs/benchmarks/chat.md).
    """
    body = _clean_body(body)
    case_pk = parse_id(case_id)
    if case_pk is None:
        raise NotFound("Case")
    for _attempt in range(2):
        try:
            return _message_send(actor=actor, case_id=case_pk, body=body, client_msg_id=client_msg_id)
        except _StaleCaseChild:
            continue
    raise NotFound("Case")  # the case changed its child twice in a row: it cannot


@transaction.atomic
def _message_send(*, actor: Actor, case_id: int, body: str, client_msg_id: uuid.UUID) -> SendResult:
    child_id = _case_child.get(case_id)
    if child_id is None:
        child_id = Case.objects.filter(pk=case_id).values_list("child_id", flat=True).first()
        if child_id is None:
            raise NotFound("Case")
        _case_child[case_id] = child_id
    # Lock order (docs/security.md): the child's audit chain before any row lock, as
    # revocation does; the gate is read in a LATER statement, so a send queued behind a
    # revocation sees the revocation, and no other send of the case is in flight.
    audit_lock_chains_for(child_ids=[child_id])
    state = _send_state(actor=actor, case_id=case_id, child_id=child_id, client_msg_id=client_msg_id)
    if state is not None and state.child_id != child_id:
        _case_child[case_id] = state.child_id
        raise _StaleCaseChild
    if state is None or state.consent_id is None:
        raise NotFound("Case")
    if state.existing_id is not None:
        existing = Message.objects.select_related("author_provider").get(pk=state.existing_id)
        if existing.case_id != case_id:
            raise ApplicationError(
                "client_msg_id_reused", "client_msg_id was already used for another case.", status=409
            )
        return SendResult(message=existing, created=False)
    provider = state.provider
    message = Message(
        case_id=case_id,
        seq=state.last_seq + 1,
        author=signed_in(actor),
        author_provider=provider,
        body=body,
        client_msg_id=client_msg_id,
    )
    sign_message(message, None)  # still one INSERT: the MAC is computed before it
    message.save(force_insert=True)
    audit_record_held(
        chain_head=state.chain_head,
        actor=actor,
        action=Action.MESSAGE,
        child_id=child_id,
        data_category=AUDIT_CATEGORY,
        purpose=AUDIT_PURPOSE,
        consent_id=state.consent_id,
        object_type="case_message",
        object_id=message.pk,
    )
    _notify_mentions(message=message, provider=provider)
    send_events_on_commit(
        [(case_group(case_id), events.chat_message(message=selectors.message_payload(message)))]
        + [
            (
                user_group(user_id),
                hub_events.case_activity(case_id=case_id, change="message", message_id=message.pk),
            )
            for user_id in state.others
        ]
    )
    return SendResult(message=message, created=True)


def _own_message_for_change(*, actor: Actor, case_id: int, message_id: int) -> tuple[Message, ChatAccess]:
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("author_provider")
        # The newest revision's MAC, which the message's MAC covers (same query).
        .annotate(
            revision_head=Subquery(
                MessageRevision.objects.filter(message_id=OuterRef("pk")).order_by("-id").values("mac")[:1]
            )
        )
        .filter(pk=message_id, case_id=case_id)
        .first()
    )
    if message is None:
        raise NotFound("Message")
    access = access_case_chat(actor, message.case_id)
    if message.author_id != actor.pk:
        raise ApplicationError("not_author", "Only the author may change a message.", status=403)
    if message.is_deleted:
        raise ApplicationError("message_removed", "This message was removed.", status=409)
    return message, access


@transaction.atomic
def message_edit(*, actor: Actor, case_id: int, message_id: int, body: object) -> Message:
    """The author replaces the text; the previous text is kept in an append-only
    ``MessageRevision``. Broadcasts ``chat.updated`` after commit."""
    body = _clean_body(body)
    message, access = _own_message_for_change(actor=actor, case_id=case_id, message_id=message_id)
    if body == message.body:
        return message
    revision = MessageRevision(message=message, previous_body=message.body, edited_by=signed_in(actor))
    sign_revision(revision, getattr(message, "revision_head", None))
    revision.save(force_insert=True)
    message.body = body
    message.edited_at = timezone.now()
    sign_message(message, revision.mac)
    message.save(update_fields=["body", "edited_at", "mac"])
    _audit(actor=actor, access=access, action=Action.UPDATE, object_id=message.pk, detail="edited")
    send_event_on_commit(
        case_group(message.case_id), events.chat_updated(message=selectors.message_payload(message))
    )
    return message


@transaction.atomic
def message_delete(*, actor: Actor, case_id: int, message_id: int) -> Message:
    """Soft removal by the author: the team sees "message removed"; the text stays in the
    row for the audit trail. Broadcasts ``chat.updated`` after commit."""
    message, access = _own_message_for_change(actor=actor, case_id=case_id, message_id=message_id)
    message.deleted_at = timezone.now()
    sign_message(message, getattr(message, "revision_head", None))
    message.save(update_fields=["deleted_at", "mac"])
    _audit(actor=actor, access=access, action=Action.UPDATE, object_id=message.pk, detail="removed")
    send_event_on_commit(
        case_group(message.case_id), events.chat_updated(message=selectors.message_payload(message))
    )
    _notify_unread_removed(message)
    return message


def _notify_unread_removed(message: Message) -> None:
    """A removed message no longer counts as unread: each member who had not read it
    gets their new exact total (``case.activity`` ``removed``), or their nav badge and
    Cases page would count it until their next read. One query for the members, one
    per member told (a removal is rare; a team is small)."""
    read_it = ReadMarker.objects.filter(case_id=message.case_id, last_read_message_id__gte=message.pk)
    members = (
        chat_members(case_id=message.case_id)
        .exclude(user_id=message.author_id)
        .exclude(user_id__in=read_it.values("user_id"))
        .select_related("user")
    )
    for member in members:
        send_event_on_commit(
            user_group(member.user_id),
            hub_events.case_activity(
                case_id=message.case_id,
                change="removed",
                message_id=message.pk,
                unread_total=selectors.unread_total(actor=member.user),
            ),
        )


@transaction.atomic
def message_history_read(*, actor: Actor, case_id: int, after: int, limit: int | None) -> list[Message]:
    """Stored messages with ``id > after`` (ascending), for a consented member; the read
    itself is an audit row (REST history and socket replay alike)."""
    access = access_case_chat(actor, case_id)
    messages = selectors.messages_after(case_id=case_id, after=after, limit=limit)
    _audit(
        actor=actor,
        access=access,
        action=Action.VIEW,
        object_id=case_id,
        detail=f"after={after} returned={len(messages)}",
    )
    return messages


@transaction.atomic
def message_gap_read(*, actor: Actor, case_id: int, after_seq: int, through_seq: int) -> list[Message]:
    """Messages ``after_seq < seq <= through_seq`` for a socket that missed live events:
    the same permission check and audit row as the replay (``message_history_read``).
    Raises ``NotFound`` when the actor may no longer chat on the case."""
    access = access_case_chat(actor, case_id)
    messages = selectors.messages_in_seq_range(case_id=case_id, after_seq=after_seq, through_seq=through_seq)
    if messages:
        _audit(
            actor=actor,
            access=access,
            action=Action.VIEW,
            object_id=case_id,
            detail=f"gap after_seq={after_seq} returned={len(messages)}",
        )
    return messages


@transaction.atomic
def read_marker_set(*, actor: Actor, case_id: int, message_id: int) -> ReadMarker:
    """Move ``actor``'s read marker forward to ``message_id`` (never back). Broadcasts
    ``chat.read`` when it moved."""
    access_case_chat(actor, case_id)
    user = signed_in(actor)
    if not Message.objects.filter(case_id=case_id, pk=message_id).exists():
        raise ApplicationError("invalid_message", "message_id is not a message of this case.")
    marker, _ = ReadMarker.objects.select_for_update().get_or_create(case_id=case_id, user_id=user.pk)
    if message_id > marker.last_read_message_id:
        marker.last_read_message_id = message_id
        marker.save(update_fields=["last_read_message_id", "updated_at"])
        send_event_on_commit(case_group(case_id), events.chat_read(user_id=user.pk, message_id=message_id))
        # The reader's other tabs (nav badge, Cases page) get the new exact total.
        send_event_on_commit(
            user_group(user.pk),
            hub_events.case_activity(
                case_id=case_id,
                change="read",
                message_id=message_id,
                unread_total=selectors.unread_total(actor=user),
            ),
        )
    return marker


def _broadcast_presence(case_id: int) -> list[int]:
    online = selectors.online_user_ids(case_id=case_id)
    send_event_on_commit(case_group(case_id), events.chat_presence(online=online))
    return online


@transaction.atomic
def presence_join(*, actor: Actor, case_id: int, channel_name: str) -> list[int]:
    """Record an open socket (the caller has checked the policy) and broadcast who is
    online. Rows left behind by a killed process are swept here."""
    stale = timezone.now() - 2 * selectors.PRESENCE_TTL
    ChatConnection.objects.filter(case_id=case_id, last_seen__lt=stale).delete()
    ChatConnection.objects.update_or_create(
        channel_name=channel_name,
        defaults={"case_id": case_id, "user_id": signed_in(actor).pk, "last_seen": timezone.now()},
    )
    return _broadcast_presence(case_id)


@transaction.atomic
def presence_leave(*, channel_name: str) -> None:
    connection = ChatConnection.objects.filter(channel_name=channel_name).first()
    if connection is None:
        return
    connection.delete()
    _broadcast_presence(connection.case_id)


def presence_touch(*, channel_name: str) -> None:
    """Heartbeat: keep an open socket counted as online."""
    ChatConnection.objects.filter(channel_name=channel_name).update(last_seen=timezone.now())


def chats_for_ended_consent(end: AccessEnd) -> set[int]:
    """Registered with ``consent.hooks`` (``MessagingConfig.ready``): called inside the
    revoking (or expiry-recording) transaction. The users who were chatting on the
    child's cases under the ended consent: current team members it covered, and those
    whose membership another hook ended in this same call (``left_at >= end.at``).
    Sends nothing: consent tells each user once, and their case sockets re-ask the
    policy and close with 4403 if nothing else covers them (their new unread total goes
    out when their membership ends: ``unread_after_team_change``)."""
    consent = end.consent
    covered = Q()
    if consent.recipient_provider_id is not None:
        covered |= Q(provider_id=consent.recipient_provider_id)
    if consent.recipient_organization_id is not None:
        covered |= Q(provider__organization_id=consent.recipient_organization_id)
    if not covered:
        return set()
    members = CareTeamMember.objects.filter(covered, case__child_id=consent.child_id).filter(
        Q(left_at__isnull=True) | Q(left_at__gte=end.at)
    )
    return set(members.values_list("user_id", flat=True))


def unread_after_team_change(membership: CareTeamMember, change: Literal["joined", "left"]) -> None:
    """``cases.extensions`` team-change listener (``MessagingConfig.ready``): a case that
    joins or leaves the member's list brings its unread messages into their total or
    takes them out (the API counts only cases they may open). After the commit, the
    member gets ``case.activity`` ``access`` with their exact new total, or their nav
    badge would be wrong until their next read; their Cases page re-renders on it."""
    user_id, case_id = membership.user_id, membership.case_id
    transaction.on_commit(lambda: _send_unread_total(user_id=user_id, case_id=case_id))


def _send_unread_total(*, user_id: int, case_id: int) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    total = selectors.unread_total(actor=user)
    send_event_now(
        user_group(user_id), hub_events.case_activity(case_id=case_id, change="access", unread_total=total)
    )
