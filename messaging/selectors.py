"""Reads for the case chat. Callers have already asked ``messaging.policies``; these
functions only shape queries (constant query counts, ``select_related``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, DateTimeField, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_list
from messaging.models import ChatConnection, Message, ReadMarker
from people.roles import Actor

# Presence rows count while refreshed this recently (sockets heartbeat every 15 s).
PRESENCE_TTL = timedelta(seconds=45)
REMOVED_TEXT = "message removed"


def message_payload(message: Message) -> dict[str, Any]:
    """The wire shape of a message (socket frames and REST). A removed message keeps its
    place but not its text."""
    provider = message.author_provider
    return {
        "id": message.pk,
        "seq": message.seq,
        "case_id": message.case_id,
        "author": {"id": message.author_id, "name": provider.name, "discipline": provider.discipline},
        "body": "" if message.is_deleted else message.body,
        "created_at": message.created_at.isoformat(),
        "client_msg_id": str(message.client_msg_id),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.is_deleted,
    }


def _messages(case_id: int) -> QuerySet[Message]:
    return Message.objects.filter(case_id=case_id).select_related("author_provider").order_by("id")


def messages_after(*, case_id: int, after: int, limit: int | None = None) -> list[Message]:
    """Messages with ``id > after`` in ascending id order (one query)."""
    qs = _messages(case_id).filter(id__gt=after)
    return list(qs[:limit] if limit is not None else qs)


def messages_in_seq_range(*, case_id: int, after_seq: int, through_seq: int) -> list[Message]:
    """Messages ``after_seq < seq <= through_seq``: fills a gap left by a lost live event."""
    return list(_messages(case_id).filter(seq__gt=after_seq, seq__lte=through_seq))


def count_after(*, case_id: int, after: int) -> int:
    return Message.objects.filter(case_id=case_id, id__gt=after).count()


def newest_seq(*, case_id: int) -> int:
    """The case's last seq (0 without messages): one index read, no message content."""
    return Message.objects.filter(case_id=case_id).order_by("-seq").values_list("seq", flat=True).first() or 0


def seq_at(*, case_id: int, message_id: int) -> int:
    """The seq of the newest message with ``id <= message_id`` (0 when none): where a
    socket resuming from ``after=message_id`` stands."""
    seq = (
        Message.objects.filter(case_id=case_id, id__lte=message_id)
        .order_by("-id")
        .values_list("seq", flat=True)
        .first()
    )
    return seq or 0


def last_message_id(*, case_id: int) -> int:
    last = Message.objects.filter(case_id=case_id).order_by("-id").values_list("id", flat=True).first()
    return last or 0


def online_user_ids(*, case_id: int) -> list[int]:
    fresh = timezone.now() - PRESENCE_TTL
    return sorted(
        set(
            ChatConnection.objects.filter(case_id=case_id, last_seen__gte=fresh).values_list(
                "user_id", flat=True
            )
        )
    )


def annotate_unread_count(queryset: QuerySet[Case], user: Actor) -> QuerySet[Case]:
    """``cases.extensions`` case annotator: ``unread_count`` = messages by others,
    not removed, newer than the user's read marker. Two correlated subqueries, so the
    case list stays one query."""
    user_id = user.pk if isinstance(user, User) else 0  # an anonymous caller has no cases
    marker = ReadMarker.objects.filter(case_id=OuterRef(OuterRef("pk")), user_id=user_id).values(
        "last_read_message_id"
    )[:1]
    unread = (
        Message.objects.filter(case_id=OuterRef("pk"), deleted_at__isnull=True)
        .exclude(author_id=user_id)
        .filter(id__gt=Coalesce(Subquery(marker), Value(0)))
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))


def annotate_last_message(queryset: QuerySet[Case], user: Actor) -> QuerySet[Case]:
    """``cases.extensions`` case annotator: ``last_message_at``, when the newest
    message of the case was written (removed ones included: something happened then),
    or null. One correlated subquery on the (case, id) index."""
    newest = Message.objects.filter(case_id=OuterRef("pk")).order_by("-id").values("created_at")[:1]
    return queryset.annotate(last_message_at=Subquery(newest, output_field=DateTimeField()))


def last_messages(*, case_ids: list[int]) -> dict[int, Message]:
    """The newest message of each case, in one query (a page of the Cases list)."""
    newest = (
        Message.objects.filter(case_id__in=case_ids).values("case_id").annotate(last=Max("id")).values("last")
    )
    rows = Message.objects.filter(pk__in=Subquery(newest)).select_related("author_provider")
    return {m.case_id: m for m in rows}


def unread_total(*, actor: Actor) -> int:
    """Unread messages over every case ``actor`` may open (the nav badge), one query."""
    total = case_list(actor=actor).order_by().aggregate(n=Sum("unread_count"))["n"]
    return int(total or 0)
