"""Writing the access log. Every read or change of a child's data calls ``audit_record``.

Rows form hash chains, one per child (``child:<id>``) and, for rows naming no child, one
per actor (``actor:<id>``, ``anonymous``): ``hash = sha256(prev_hash + canonical(row))``
where ``prev_hash`` is the previous row of the same chain. Appends to one chain are
serialized by a PostgreSQL advisory transaction lock keyed by the chain (SQLite's write
lock serializes everything there), so two requests about different children never wait
for each other and a chain has no forks. ``audit_record`` runs in the caller's
transaction: a rolled-back change leaves no log row, and a denied attempt is logged in
its own.

Lock order (docs/security.md, "Audit: the lock order"): a transaction takes the chain
locks of the children it will log BEFORE any row lock (``audit_lock_chains_for``), and
several chain locks in ascending key order. ``audit_record`` on a chain already held
re-enters it for free.

Every row also carries its own MAC (``row_mac``: HMAC-SHA256 under ``AUDIT_SEAL_KEY``, a
key that is not in the database) over every field a reader sees, its chain link and
``own_visit`` (decided at write time through ``audit.extensions``), so a row appended
with database rights alone fails verification even though its hash and link are right.
Chain heads are sealed (``audit_seal``) with an HMAC under the same key, so removed rows
show too; ``verify_log`` checks rows, MACs, links and seals, then the registered
verifiers (chat messages and their revisions).
"""

from __future__ import annotations

import functools
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, Max, Model, QuerySet
from django.utils import timezone

from audit import macs
from audit.extensions import is_own_visit, verifiers
from audit.models import Action, AuditEvent, AuditSeal, Outcome
from audit.selectors import parse_period
from people.roles import Actor, is_curator, user_roles
from referral_hub.errors import ApplicationError
from referral_hub.request_context import current_request_id

GENESIS = "0" * 64
_CHAIN_LOCK_CLASS = 0x52484155  # 'RHAU'


def chain_key(*, child_id: int | None, actor_id: int | None) -> str:
    if child_id is not None:
        return f"child:{child_id}"
    if actor_id is not None:
        return f"actor:{actor_id}"
    return "anonymous"


def _lock_key(chain: str) -> int:
    # A signed 32-bit key; two chains sharing one only wait for each other.
    value = zlib.crc32(chain.encode())
    return value - (1 << 32) if value >= (1 << 31) else value


def _lock_chains(chains: Iterable[str]) -> None:
    if connection.vendor != "postgresql":
        return
    keys = sorted({_lock_key(chain) for chain in chains})
    if not keys:
        return
    # One statement for any number of chains (a list page stays a constant number of
    # queries), taking the locks in ascending key order (no deadlock between batches).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) FROM (SELECT unnest(%s::int[]) AS k ORDER BY 1) AS s",
            [_CHAIN_LOCK_CLASS, keys],
        )


def audit_lock_chains_for(*, child_ids: Iterable[int]) -> None:
    """Take the chain locks of these children now, before the caller's row locks (the
    lock order that keeps revocation and chat sends from deadlocking). Must run inside
    the caller's transaction; the locks last until it ends."""
    _lock_chains(chain_key(child_id=child_id, actor_id=None) for child_id in child_ids)


def _heads(chains: Iterable[str]) -> dict[str, str]:
    """The newest hash of each chain (GENESIS for a new one), in one query."""
    wanted = list(dict.fromkeys(chains))
    if len(wanted) == 1:  # the common case: an index walk to the newest row
        last = (
            AuditEvent.objects.filter(chain=wanted[0]).order_by("-id").values_list("hash", flat=True).first()
        )
        return {wanted[0]: last or GENESIS}
    newest = (
        AuditEvent.objects.filter(chain__in=wanted).values("chain").annotate(last=Max("id")).values("last")
    )
    found = dict(AuditEvent.objects.filter(pk__in=newest).values_list("chain", "hash"))
    return {chain: found.get(chain, GENESIS) for chain in wanted}


def canonical(event: AuditEvent) -> str:
    payload: dict[str, Any] = {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "child": event.child_id,
        "action": event.action,
        "data_category": event.data_category,
        "purpose": event.purpose,
        "consent": event.consent_id,
        "outcome": event.outcome,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "request_id": event.request_id,
    }
    if event.chain:  # rows from before the split (one global chain) were hashed without it
        payload["chain"] = event.chain
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


ROW_MAC_DOMAIN = "audit-row"


def row_payload(event: AuditEvent) -> str:
    """What a row's MAC covers: every field (``canonical``), the chain it is in, its link
    (``prev_hash``, ``hash``) and ``own_visit``. Not the id (assigned by the INSERT): the
    link fixes a row's place in its chain."""
    return json.dumps(
        {
            "row": canonical(event),
            "chain": event.chain,
            "own_visit": bool(event.own_visit),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def row_mac(event: AuditEvent) -> str:
    """The row's MAC under the current ``AUDIT_SEAL_KEY``."""
    return macs.sign(ROW_MAC_DOMAIN, row_payload(event))


def _link_and_sign(event: AuditEvent, prev_hash: str) -> None:
    event.prev_hash = prev_hash
    event.hash = compute_hash(prev_hash, event)
    event.mac = row_mac(event)


def _actor_label(actor: Actor | None) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonymous"
    full_name = actor.get_full_name() if isinstance(actor, User) else ""
    name = full_name or actor.get_username()
    roles = ",".join(user_roles(actor)) or "user"
    return f"{name} ({roles})"[:255]


def _event(
    *,
    actor: Actor | None,
    action: str,
    child: Model | None,
    child_id: int | None,
    data_category: str,
    purpose: str,
    consent: Model | None,
    consent_id: int | None,
    outcome: str,
    object_type: str,
    object_id: int | str,
    detail: str,
    actor_label: str = "",
) -> AuditEvent:
    """The row ``audit_record`` writes, without ``prev_hash`` and ``hash`` yet.
    ``actor_label``: who acted when nobody is signed in but we know who it was (a
    partner from a link they were e-mailed: "<name> (partner_link)")."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    user = actor if isinstance(actor, User) else None  # an AnonymousUser is recorded by label only
    if child is not None:
        child_id = child.pk
    if consent is not None:
        consent_id = consent.pk
    return AuditEvent(
        own_visit=outcome != Outcome.DENIED and is_own_visit(user, child_id),
        at=timezone.now(),
        actor=user,
        actor_label=actor_label[:255] if actor_label and user is None else _actor_label(actor),
        child_id=child_id,
        action=action,
        data_category=data_category,
        purpose=purpose,
        consent_id=consent_id,
        outcome=outcome,
        object_type=object_type,
        object_id=str(object_id or ""),
        detail=detail[:500],
        request_id=current_request_id.get(),
        chain=chain_key(child_id=child_id, actor_id=user.pk if user is not None else None),
    )


@transaction.atomic
def audit_record(
    *,
    actor: Actor | None,
    action: str,
    child: Model | None = None,  # a families.Child; audit imports no domain app
    child_id: int | None = None,
    data_category: str = "",
    purpose: str = "",
    consent: Model | None = None,  # a consent.Consent
    consent_id: int | None = None,
    outcome: str = Outcome.ALLOWED,
    object_type: str = "",
    object_id: int | str = "",
    detail: str = "",
    actor_label: str = "",
) -> AuditEvent:
    user = actor if isinstance(actor, User) else None
    # The chain lock first: ``at`` is read under it, so it never goes back within a chain.
    chain = chain_key(
        child_id=child.pk if child is not None else child_id, actor_id=user.pk if user is not None else None
    )
    _lock_chains([chain])
    event = _event(
        actor=actor,
        action=action,
        child=child,
        child_id=child_id,
        data_category=data_category,
        purpose=purpose,
        consent=consent,
        consent_id=consent_id,
        outcome=outcome,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        actor_label=actor_label,
    )
    return _append(event, _heads([event.chain])[event.chain])


def audit_chain_head(*, child_id: int) -> QuerySet[AuditEvent, Any]:
    """The newest hash of the child's chain, as a one-row query to fold into a query
    the caller makes anyway (``Subquery(audit_chain_head(...))``), for
    ``audit_record_held``. Current only when read AFTER ``audit_lock_chains_for`` took
    the child's chain lock, in a later statement of the same transaction."""
    return (
        AuditEvent.objects.filter(chain=chain_key(child_id=child_id, actor_id=None))
        .order_by("-id")
        .values("hash")[:1]
    )


def audit_record_held(
    *,
    chain_head: str | None,
    actor: Actor | None,
    action: str,
    child_id: int,
    data_category: str = "",
    purpose: str = "",
    consent_id: int | None = None,
    object_type: str = "",
    object_id: int | str = "",
    detail: str = "",
) -> AuditEvent:
    """``audit_record`` for a hot path, one INSERT: the caller is inside its transaction,
    took the child's chain lock with ``audit_lock_chains_for`` and then read
    ``chain_head`` (``audit_chain_head``; None for a new chain) in a later statement.
    No savepoint (a failure rolls back the caller's whole transaction), no second lock
    statement, no head read."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record_held runs inside the caller's transaction")
    event = _event(
        actor=actor,
        action=action,
        child=None,
        child_id=child_id,
        data_category=data_category,
        purpose=purpose,
        consent=None,
        consent_id=consent_id,
        outcome=Outcome.ALLOWED,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    return _append(event, chain_head or GENESIS)


def _append(event: AuditEvent, prev_hash: str) -> AuditEvent:
    """Link ``event`` after ``prev_hash`` (its chain's head, read under the chain lock)
    and insert it."""
    _link_and_sign(event, prev_hash)
    event.save(force_insert=True)
    return event


@transaction.atomic
def audit_record_many(
    *,
    actor: Actor | None,
    action: str,
    entries: list[dict[str, Any]],
) -> list[AuditEvent]:
    """One row per entry (keys as ``audit_record``'s: child_id, data_category, purpose,
    consent_id, outcome, object_type, object_id, detail), chained in order and written
    with one INSERT: a list page costs the same few queries for 1 or 100 children."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if not entries:
        return []
    user = actor if isinstance(actor, User) else None  # an AnonymousUser is recorded by label only
    actor_id = user.pk if user is not None else None
    chains = [chain_key(child_id=entry.get("child_id"), actor_id=actor_id) for entry in entries]
    _lock_chains(chains)
    heads = _heads(chains)
    label = _actor_label(actor)
    at = timezone.now()
    request_id = current_request_id.get()
    events: list[AuditEvent] = []
    for entry, chain in zip(entries, chains, strict=True):
        outcome = entry.get("outcome", Outcome.ALLOWED)
        event = AuditEvent(
            own_visit=outcome != Outcome.DENIED and is_own_visit(user, entry.get("child_id")),
            at=at,
            actor=user,
            actor_label=label,
            child_id=entry.get("child_id"),
            action=action,
            data_category=entry.get("data_category", ""),
            purpose=entry.get("purpose", ""),
            consent_id=entry.get("consent_id"),
            outcome=outcome,
            object_type=entry.get("object_type", ""),
            object_id=str(entry.get("object_id") or ""),
            detail=str(entry.get("detail", ""))[:500],
            request_id=request_id,
            chain=chain,
        )
        _link_and_sign(event, heads[chain])
        heads[chain] = event.hash
        events.append(event)
    return AuditEvent.objects.bulk_create(events)


def audit_denied(**kwargs: Any) -> AuditEvent:
    """Log a refused attempt so it survives the refusal's rollback: call it outside the
    failing transaction (or before raising from a non-atomic view)."""
    return audit_record(outcome=Outcome.DENIED, **kwargs)


P = ParamSpec("P")
T = TypeVar("T")
# What a refused call was about, from its keyword arguments: (the child's id, when that
# child exists, else None; the object's id, or "").
RefusalSubject = Callable[[Mapping[str, Any]], tuple[int | None, object]]


def audit_refusals(
    action: str, *, object_type: str, subject: RefusalSubject
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """The one refusal-logging decorator for services: an ``ApplicationError`` raised by
    the wrapped (keyword-only) service is logged as a denied ``action`` on
    ``object_type`` after its transaction rolled back (put it outside
    ``@transaction.atomic``), with ``detail`` ``"<code>: <message>"``, then re-raised.
    ``subject`` is given by the app that owns the object (audit knows no app's tables)."""

    def wrap(fn: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return fn(*args, **kwargs)
            except ApplicationError as exc:
                child_id, object_id = subject(kwargs)
                audit_denied(
                    actor=kwargs.get("actor"),
                    action=action,
                    child_id=child_id,
                    object_type=object_type,
                    object_id=object_id or "",
                    detail=f"{exc.code}: {exc.message}",
                )
                raise

        return inner

    return wrap


# --- seals and verification ------------------------------------------------------------


def seal_payload(*, at: datetime, up_to_id: int, row_count: int, heads: dict[str, Any], prev_mac: str) -> str:
    return json.dumps(
        {
            "at": at.isoformat(),
            "up_to_id": up_to_id,
            "row_count": row_count,
            "heads": heads,
            "prev": prev_mac,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


# Seals were signed before domains were introduced: their domain is the empty one (the
# payload alone), which no other kind of record uses.
SEAL_MAC_DOMAIN = ""


def _seal_payload_of(seal: AuditSeal) -> str:
    return seal_payload(
        at=seal.at, up_to_id=seal.up_to_id, row_count=seal.row_count, heads=seal.heads, prev_mac=seal.prev_mac
    )


def seal_mac(seal: AuditSeal) -> str:
    """The seal's MAC under the current ``AUDIT_SEAL_KEY``."""
    return macs.sign(SEAL_MAC_DOMAIN, _seal_payload_of(seal))


def _sealed_heads() -> dict[str, list[Any]]:
    """Every chain's newest sealed (length, head), merged over all seals in order."""
    merged: dict[str, list[Any]] = {}
    for heads in AuditSeal.objects.order_by("id").values_list("heads", flat=True):
        merged.update(heads)
    return merged


# Rows commit out of id order across chains (a transaction may hold a lower id while a
# later one commits first): a seal re-examines chains touched this far below its
# predecessor's newest row.
_SEAL_OVERLAP_IDS = 10_000


def _current_heads(since_id: int) -> tuple[dict[str, list[Any]], int, int]:
    """(length, head hash) of every chain with a row above ``since_id``; the newest row
    id; the total row count. Costs the moved chains, not the whole log."""
    moved = AuditEvent.objects.filter(pk__gt=since_id).values_list("chain", flat=True).distinct()
    per_chain = list(
        AuditEvent.objects.filter(chain__in=list(moved))
        .values("chain")
        .annotate(n=Count("id"), last=Max("id"))
    )
    hashes = dict(
        AuditEvent.objects.filter(pk__in=[row["last"] for row in per_chain]).values_list("pk", "hash")
    )
    heads = {row["chain"]: [row["n"], hashes[row["last"]]] for row in per_chain}
    up_to = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0
    return heads, up_to, AuditEvent.objects.count()


@transaction.atomic
def audit_seal(*, now: datetime | None = None) -> AuditSeal:
    """Sign every chain head that moved since the last seal (run on a schedule and on
    demand: ``manage.py seal_audit``). Seals form their own chain through ``prev_mac``.
    Idempotent: when nothing was written since the last seal, it returns that seal.
    Reads committed rows only; a row still in flight joins the next seal (appends to one
    chain are serialized, so a sealed head is always a prefix of what later commits)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_CHAIN_LOCK_CLASS + 1])
    previous = AuditSeal.objects.order_by("-id").first()
    sealed = _sealed_heads()
    since = max((previous.up_to_id if previous else 0) - _SEAL_OVERLAP_IDS, 0)
    heads, up_to_id, row_count = _current_heads(since)
    changed = {chain: head for chain, head in heads.items() if sealed.get(chain) != head}
    if (
        previous is not None
        and not changed
        and (up_to_id, row_count) == (previous.up_to_id, previous.row_count)
    ):
        return previous  # nothing moved since the last seal: a repeat run writes nothing
    seal = AuditSeal(
        at=now or timezone.now(),
        up_to_id=up_to_id,
        row_count=row_count,
        heads=changed,
        prev_mac=previous.mac if previous else GENESIS,
    )
    seal.mac = seal_mac(seal)
    seal.save(force_insert=True)
    return seal


@dataclass
class Verification:
    checked: int
    broken: AuditEvent | None
    reason: str

    @property
    def intact(self) -> bool:
        return not self.reason


def _check_seals() -> tuple[dict[tuple[str, int], str], AuditSeal | None, str]:
    """Expected (chain, length) -> head hash from every seal whose MAC and link hold."""
    expected: dict[tuple[str, int], str] = {}
    prev_mac, last = GENESIS, None
    newest_key = macs.oldest_index()  # the oldest key a seal may use next
    for seal in AuditSeal.objects.order_by("id"):
        if seal.prev_mac != prev_mac:
            return expected, seal, f"seal {seal.pk} does not follow the previous seal (a seal was removed)"
        key = macs.key_index(SEAL_MAC_DOMAIN, _seal_payload_of(seal), seal.mac)
        if key is None:
            return expected, seal, f"seal {seal.pk} is not signed by AUDIT_SEAL_KEY"
        if key > newest_key:
            return expected, seal, f"seal {seal.pk} is signed under an older key than the seal before it"
        newest_key = key
        for chain, (length, head) in seal.heads.items():
            expected[(chain, int(length))] = head
        prev_mac, last = seal.mac, seal
    return expected, last, ""


def _walk_rows(expected: dict[tuple[str, int], str], chunk_size: int) -> Verification:
    heads: dict[str, str] = {}
    lengths: dict[str, int] = {}
    keys: dict[str, int] = {}  # per chain: the key index of its newest row
    oldest = macs.oldest_index()
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != heads.get(event.chain, GENESIS):
            return Verification(checked, event, "prev_hash does not match the previous row's hash")
        if compute_hash(event.prev_hash, event) != event.hash:
            return Verification(checked, event, "content does not match its hash")
        key = macs.key_index(ROW_MAC_DOMAIN, row_payload(event), event.mac)
        if key is None:
            return Verification(
                checked,
                event,
                "the row's MAC does not verify under AUDIT_SEAL_KEY (written or changed with "
                "database rights alone)",
            )
        if key > keys.get(event.chain, oldest):
            return Verification(checked, event, "the row is signed under an older key than the row before it")
        keys[event.chain] = key
        heads[event.chain] = event.hash
        lengths[event.chain] = lengths.get(event.chain, 0) + 1
        sealed = expected.pop((event.chain, lengths[event.chain]), None)
        if sealed is not None and sealed != event.hash:
            return Verification(checked, event, "the chain was rewritten: its sealed head differs")
        checked += 1
    if expected:
        (chain, length), _ = min(expected.items())
        have = lengths.get(chain, 0)
        return Verification(
            checked, None, f"chain {chain!r} has {have} rows but a seal covers {length} (rows were removed)"
        )
    return Verification(checked, None, "")


def _unsealed_too_long(last_seal: AuditSeal | None, now: datetime) -> str:
    cutoff = now - timedelta(seconds=settings.AUDIT_SEAL_MAX_AGE_SECONDS)
    old = AuditEvent.objects.filter(at__lt=cutoff)
    if last_seal is not None:
        old = old.filter(pk__gt=last_seal.up_to_id)
    if old.exists():
        return "rows older than AUDIT_SEAL_MAX_AGE_SECONDS are not sealed (sealing stopped, or seals were removed)"
    return ""


def verify_log(*, chunk_size: int = 2000, now: datetime | None = None) -> Verification:
    """Check every row's hash, MAC and link within its chain (a row written with database
    rights alone has no valid MAC), every seal's MAC and link, that each sealed head is
    still in its chain at its sealed length (catches tail deletion, truncation and
    re-chaining with ``compute_hash``), that sealing is not stale, and then each
    registered verifier (``audit.extensions.register_verifier``: chat messages)."""
    expected, last_seal, seal_problem = _check_seals()
    if seal_problem:
        return Verification(0, None, seal_problem)
    result = _walk_rows(expected, chunk_size)
    if result.intact:
        result.reason = _unsealed_too_long(last_seal, now or timezone.now())
    for name, verifier in sorted(verifiers().items()):
        if not result.intact:
            break
        problem = verifier()
        if problem:
            result.reason = f"{name}: {problem}"
    return result


def verify_chain(*, chunk_size: int = 2000) -> tuple[int, AuditEvent | None, str]:
    """``verify_log`` as ``(rows_checked, first_broken_row_or_None, reason)``; the log is
    intact when ``reason`` is empty."""
    result = verify_log(chunk_size=chunk_size)
    return result.checked, result.broken, result.reason


def audit_list_read(
    *,
    actor: Actor,
    object_type: str,
    rows: list[tuple[int | None, object]],
    purpose: str = "",
    data_category: str = "",
    detail: str = "",
) -> list[AuditEvent]:
    """A list showed these rows (child id or None, object id): one ``view`` row per
    child shown, in one batch; rows of no child are not logged here (an empty list
    names no child)."""
    by_child: dict[int, list[str]] = {}
    for child_id, object_id in rows:
        if child_id is not None:
            by_child.setdefault(child_id, []).append(str(object_id))
    entries = [
        {
            "child_id": child_id,
            "object_type": object_type,
            "object_id": ids[0] if len(ids) == 1 else "",
            "purpose": purpose,
            "data_category": data_category,
            "detail": f"{detail}: {len(ids)} shown" if detail else f"{len(ids)} shown",
        }
        for child_id, ids in by_child.items()
    ]
    return audit_record_many(actor=actor, action=Action.VIEW, entries=entries)


def audit_admin_read(
    *, actor: Actor, object_type: str, rows: list[tuple[int | None, object]]
) -> list[AuditEvent]:
    """An admin page showed these rows: one row per child shown (``audit_list_read``),
    plus one for the page itself when it showed rows of no child or none at all."""
    events = audit_list_read(actor=actor, object_type=object_type, rows=rows, detail="admin")
    if not events or any(child_id is None for child_id, _ in rows):
        events += audit_record_many(
            actor=actor,
            action=Action.VIEW,
            entries=[{"object_type": object_type, "detail": f"admin: {len(rows)} row(s) shown"}],
        )
    return events


def audit_export_allowed(*, actor: Actor) -> None:
    """Curators only: anyone else gets 403 ``curator_only``, logged as denied."""
    if not is_curator(actor):
        audit_denied(actor=actor, action=Action.EXPORT, object_type="audit_log", detail="not a curator")
        raise ApplicationError("curator_only", "Only curators may export the access log.", status=403)


def audit_export_open(*, actor: Actor, start: str | None, end: str | None) -> tuple[date, date]:
    """Check and log a CSV export of a period (inclusive UTC dates, 400 naming the bad
    parameter); returns the period for ``selectors.audit_period``."""
    audit_export_allowed(actor=actor)
    first, last = parse_period(start, end)
    audit_record(
        actor=actor,
        action=Action.EXPORT,
        object_type="audit_log",
        detail=f"CSV export {first.isoformat()}..{last.isoformat()}",
    )
    return first, last
