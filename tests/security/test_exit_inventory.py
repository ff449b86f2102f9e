"""Issue 23, "one decision point": no exit tells a viewer about a child the decision
point (``consent.decision``) denies them, and a new exit cannot forget to ask it.

The story: the family of Mateo (demo) revokes the pediatrician's consent. The
pediatrician referred Mateo (a scheduled referral), sits on his care team, chats in his
case and asked his family to share with another provider. From that moment every
exit is rendered, and none may name Mateo (his name, his date of birth) or carry a
covered field about him (the referral reasons and notes, his appointment time, his
chat's messages, the note of a request about him, the concern of a family request) to
anyone the decision point denies him to:

- every route of the route inventory (``tests/routes``, HTTP), as every role;
- every socket event type the consumers handle, sent while the revoked viewer's case
  socket and notifications socket are open;
- every notice kind and e-mail: each place that queues one (found in the source) is
  either driven by a scenario here after the revocation (and every row it queued, and
  every frame pushed, is checked) or listed as reaching the child's own family or no
  child at all;
- every e-mail template file.

A route, event type or notice/e-mail call site that is not in these inventories fails
the inventory tests: add it here in the same commit.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import datetime
import json
import pathlib
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import channel_layers, get_channel_layer
from django.contrib.auth.models import User
from django.utils import timezone

from consent.decision import decide
from consent.models import Consent
from families.models import Child
from outbox.models import OutboxMessage
from referral_hub.apps_list import PROJECT_APPS
from referral_hub.realtime import case_group, user_group
from tests.routes import ROLES
from tests.routes.walk import walk
from tests.test_route_inventory import ROUTES

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Every app of the one list is scanned for exits but these: the base, the outbox and
# notices (they carry what the apps give them; their templates are read below), audit
# (ids only) and indicators (suppressed aggregates). A new app is scanned by default.
APPS = tuple(
    app for app in PROJECT_APPS if app not in {"referral_hub", "outbox", "notices", "audit", "indicators"}
)
MARKER_NOTE = "Zebrafinch note about Mateo's speech"
MARKER_CONCERN = "Zebrafinch concern: he lines up his toy cars for hours"
# How to reach Mateo's family (issue 25): the care coordinators hold it while Mateo is
# in their queue; nobody the decision point denies Mateo may read it.
MARKER_PHONE = "+13135550123"
MARKER_BEST_TIMES = "Zebrafinch hours: before nine, never Tuesdays"


# --- the world: Mateo's family revokes the pediatrician ---------------------------------


def _revoke_all(child: Child, user: User) -> None:
    from consent.services import consent_revoke

    guardian = child.family.guardians.filter(authorities__child=child).first()
    assert guardian is not None
    for consent in Consent.objects.active().filter(child=child, recipient_provider__user=user):
        consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="exit inventory")


def _revoke_partner(child: Child, listing: Any) -> None:
    from consent.services import consent_revoke

    guardian = child.family.guardians.filter(authorities__child=child).first()
    assert guardian is not None
    for consent in Consent.objects.active().filter(child=child, recipient_provider=listing):
        consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="exit inventory")


def _markers(child: Child) -> dict[str, re.Pattern[str]]:
    """What names the child or carries a covered field about it, as found in any text."""
    from intake.models import FamilyRequest
    from messaging.models import Message
    from referrals.models import Referral

    words = {
        "first name": child.first_name,
        "name": child.name,
        "date of birth": child.date_of_birth.isoformat(),
        "date of birth (long)": f"{child.date_of_birth:%B} {child.date_of_birth.day}, {child.date_of_birth.year}",
        "date of birth (US)": f"{child.date_of_birth:%m/%d/%Y}",
    }
    covered: dict[str, str] = {}
    for referral in Referral.objects.filter(child=child):
        covered[f"reason of referral {referral.pk}"] = referral.reason
        if referral.appointment_at:
            when = referral.appointment_at.astimezone(datetime.UTC)
            covered[f"appointment of referral {referral.pk}"] = when.isoformat()[:16]
        for event in referral.events.exclude(note=""):
            covered[f"timeline note {event.pk}"] = event.note
        # What the family is asked to do (issue 27), in both languages.
        for step in referral.next_steps.all():
            covered[f"next step {step.pk}"] = step.text_en
            covered[f"next step {step.pk} (es)"] = step.text_es
    for message in Message.objects.filter(case__child=child):
        covered[f"message {message.pk}"] = message.body
    phones: dict[str, str] = {}
    for request in FamilyRequest.objects.filter(child=child):
        covered[f"family request {request.pk}"] = request.concern
        covered[f"family request {request.pk} best times"] = request.best_times
        if request.phone:
            phones[f"family request {request.pk} phone"] = request.phone
            phones[f"family request {request.pk} phone (shown)"] = request.phone_display
    covered["consent request note"] = MARKER_NOTE
    patterns = {label: re.compile(rf"\b{re.escape(value)}\b") for label, value in words.items()}
    # Long free texts only: a short note ("ok") would match by chance.
    patterns.update({label: re.compile(re.escape(v)) for label, v in covered.items() if len(v) >= 16})
    # A phone number is specific however short it is.
    patterns.update({label: re.compile(re.escape(v)) for label, v in phones.items()})
    return patterns


def _found(text: str, markers: dict[str, re.Pattern[str]]) -> list[str]:
    return [label for label, pattern in markers.items() if pattern.search(text)]


def _ended_world(demo):
    """The demo world just after Mateo's family revoked the pediatrician's consent; the
    pediatrician had asked the family to share Mateo with the outsider, and the family
    had asked the coordinators for help (so the queue holds Mateo too)."""
    from consent.requests import consent_request_create
    from intake.services import family_request_create

    mateo = demo["children"]["mateo"]
    viewer = demo["users"]["pediatrician"]
    request = consent_request_create(
        actor=viewer,
        child_id=mateo.pk,
        provider_id=demo["providers"]["outsider"].pk,
        purposes=["referral"],
        data_categories=["demographics"],
        note=MARKER_NOTE,
    )
    family_request_create(
        actor=demo["users"]["guardian"],
        child_id=mateo.pk,
        provider_id=None,
        concern=MARKER_CONCERN,
        preferred_language="en",
        contact_method="text",
        phone=MARKER_PHONE,
        best_times=MARKER_BEST_TIMES,
        password=demo["password"],
    )
    _revoke_all(mateo, viewer)
    assert not decide(viewer, child_id=mateo.pk), "the revoked viewer must be denied Mateo"
    # The partner without an account (Early On, issue 27) reads Mateo from its link by
    # the family's consent for it, whoever holds the link: the family revokes it too, and
    # the link's page must then name nothing.
    _revoke_partner(mateo, demo["partners"]["early_on"])
    return {"world": demo, "child": mateo, "viewer": viewer, "request": request, "markers": _markers(mateo)}


# Built once, and each test rolls back to it (tests/conftest.py, ``demo_scenario``).
after_revocation = pytest.mark.demo_scenario.with_args(_ended_world)


@pytest.fixture
def ended(demo):
    return demo["scenario"]


# --- 1. every route, every role ----------------------------------------------------------


# The one deliberate exception (issue 26): network staff record court orders for any
# child, so the recording pages name the child to a curator (to match the order to the
# child); every such read is audited (``consent.authority_services``). Any other role
# on these routes, and curators everywhere else, are held to the rule.
RECORDING_PAGES = {"authority-find", "authority-child"}


@after_revocation
@pytest.mark.parametrize("route", ROUTES, ids=[r.label or f"{r.method}-{r.name}" for r in ROUTES])
def test_no_route_names_the_child_to_a_role_the_decision_point_denies(route, ended, client):
    world, child, markers = ended["world"], ended["child"], ended["markers"]

    def allowed(role: str, user: User) -> bool:
        # the family itself; a coordinator while Mateo is in the queue; a recorder's page
        return bool(decide(user, child_id=child.pk)) or (role == "curator" and route.name in RECORDING_PAGES)

    problems = [
        f"{answer.where()}: {found}"
        for answer in walk(route, world, client, skip=allowed)
        if (found := _found(answer.body, markers))
    ]
    assert not problems, "\n".join(problems)


# --- 2. every notice kind and every e-mail ----------------------------------------------

PRODUCERS = {
    "outbox_text",
    "text_person",
    "outbox_notify",
    "outbox_notice_and_email",
    "outbox_email",
    "mail_family",
    "outbox_in_app",
    "notify_family",
}

# Call sites that queue a notice or an e-mail, and how each is held to the rule.
# "scenario": driven below after the revocation, every row checked.
# "family": only ever addressed to the child's own guardians (the decision point's
# guardian relation: always theirs to read). "no child": about an account, a listing or
# an endorsement, never a child.
CALL_SITES: dict[str, str] = {
    "consent.reminders._notice": "family",
    "consent.reminders.consents_notify_refusals": "family",
    "consent.requests._notify_guardians": "family",
    "consent.requests._notify_requester": "scenario",
    "consent.services._notify_guardians_of_attestation": "family",
    "directory.listings._tell_claimant": "no child",
    "directory.credentials._tell_provider": "no child",
    "directory.listings.listings_request_confirmation": "no child",
    "directory.reminders._digest": "no child",
    "directory.signup.provider_signup": "no child",
    "directory.reminders._remind_provider": "no child",
    "endorsement.notices._tell": "no child",
    "endorsement.services.notify_reference_requested": "no child",
    "families.mail.mail_family": "family",
    "families.password_reset.send_mail": "no child",
    "families.services._mail_already_registered": "no child",
    "families.services.guardian_register": "no child",
    "families.services.invitation_create": "family",
    "people.texts.text_person": "family",
    "intake.services._notify_coordinators": "scenario",
    "intake.services._notify_family_to_sign": "family",
    "messaging.services._notify_mentions": "scenario",
    "referrals.family_notices._tell_household": "family",
    "referrals.reminders._remind": "scenario",
    "referrals.services._email_on_commit": "scenario",
    "referrals.services._notify_referrer": "scenario",
    "referrals.services._notify_rescheduled": "scenario",
    # The text of a moved appointment, to a guardian _notify_rescheduled picked.
    "referrals.services._text_rescheduled": "family",
    "referrals.services._apply_transition": "scenario",
    # A recipient without an account: a link and the date it expires, no child.
    "referrals.partners.link_issue": "no child",
    # Its sender, when a partner reached only by text replied STOP: the referral's number,
    # the partner listing's name and the step, never the child.
    "referrals.partners._tell_sender_unreachable": "no child",
    "referrals.services.notify_referral_sent": "scenario",
    "referrals.services.referral_send_for_family": "family",
    # A group's registrant (issue 28): the confirmation, a place opened, the reminders.
    # A registration holds a name and a way to reach the person, never a child.
    "groups.notices._tell_registrant": "no child",
}
# E-mail template files (most e-mails are built in code, and found above).
EMAIL_TEMPLATES = {
    "families/templates/registration/reset_email.txt": "no child",
    "families/templates/registration/reset_subject.txt": "no child",
}


def _call_sites() -> set[str]:
    found = set()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for fn in ast.walk(ast.parse(path.read_text())):
                if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(fn):
                    if isinstance(node, ast.Call):
                        func = node.func
                        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                        if name in PRODUCERS:
                            found.add(f"{module}.{fn.name}")
    return found


def test_every_notice_and_email_call_site_is_in_the_inventory():
    found = _call_sites()
    assert found - set(CALL_SITES) == set(), "new notice/e-mail call sites: classify them in CALL_SITES"
    assert set(CALL_SITES) - found == set(), "stale CALL_SITES entries"


def test_every_email_template_is_in_the_inventory():
    found = {
        str(path.relative_to(ROOT))
        for app in (*APPS, "referral_hub", "notices", "outbox")
        for path in (ROOT / app).rglob("templates/**/*")
        if path.is_file() and ("mail" in path.name or "subject" in path.name) and path.suffix == ".txt"
    }
    assert found == set(EMAIL_TEMPLATES)


# Every kind of text (issue 27): each reaches the child's own family (the family notice
# call sites above, through ``people.texts.text_person``) or no child at all (the
# answers to a number's own STOP and START, which name nobody; a partner's one-time
# link, ``referrals.partners.link_issue``: a status line, the link and its expiry).
TEXT_KINDS = {
    "referral.partner_link": "no child",
    "referral.family_update": "family",
    "referral.step_added": "family",
    "referral.status_changed": "family",
    "referral.rescheduled": "family",
    "text.stopped": "no child",
    "text.resumed": "no child",
    "text.help": "no child",
    # A group's registrant (groups.notices): the group, when, where and its page's link.
    "group.registered": "no child",
    "group.waitlisted": "no child",
    "group.promoted": "no child",
    "group.reminder": "no child",
    "group.cancelled": "no child",
    # A provider marked present whose hours could not enter their portfolio: the group,
    # the session and why (the refusal's code in words), never a child.
    "group.hours_not_counted": "no child",
}


def _module_constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _text_kinds() -> set[str]:
    """The ``kind`` of every call that queues a text in the apps' sources (a literal or a
    module constant), and the outbox's own answers to STOP and START."""
    from outbox.services import TEXT_REPLY_KINDS

    kinds: set[str] = set(TEXT_REPLY_KINDS)
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            constants = _module_constants(tree)
            for node in ast.walk(tree):
                if not (
                    isinstance(node, ast.Call)
                    # _tell_household: the family notices' one sender (notice, e-mail, text);
                    # _tell_registrant: a group registrant's (groups.notices)
                    and getattr(node.func, "id", None)
                    in {"text_person", "outbox_text", "_tell_household", "_tell_registrant"}
                ):
                    continue
                for keyword in node.keywords:
                    if keyword.arg != "kind":
                        continue
                    value = keyword.value
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        kinds.add(value.value)
                    elif isinstance(value, ast.Name) and value.id in constants:
                        kinds.add(constants[value.id])
                    elif isinstance(value, ast.Name) and value.id == "kind":
                        continue  # a sender (people.texts) passing its caller's kind on
                    else:
                        kinds.add(f"<unresolved kind in {path.relative_to(ROOT)}>")
    return kinds


def test_every_text_kind_is_in_the_inventory():
    assert _text_kinds() == set(TEXT_KINDS), "classify the new text kind in TEXT_KINDS"


def _scenarios(world: dict[str, Any], child: Child, request: Any) -> list[tuple[str, Callable[[], Any]]]:
    """Every action that queues a notice or an e-mail a provider or coordinator may get
    about the child, done after the revocation, by the people who would do it."""
    from consent.requests import consent_request_decline
    from intake.services import family_request_create
    from messaging.services import message_send
    from referrals.reminders import referrals_remind_clocks
    from referrals.services import referral_complete, referral_reschedule, referral_send

    users, providers = world["users"], world["providers"]
    scheduled = world["referrals"]["scheduled"]
    later = timezone.now() + datetime.timedelta(days=20)
    return [
        (
            "reschedule the revoked referrer's referral",
            lambda: referral_reschedule(
                actor=users["imh_clinician"], referral_id=scheduled.pk, appointment_at=later, reason="moved"
            ),
        ),
        (
            "mention the revoked member in the child's chat",
            lambda: message_send(
                actor=users["imh_clinician"],
                case_id=world["cases"]["mateo"].pk,
                body=f"@pediatrician {child.first_name} slept better this week.",
                client_msg_id=uuid.uuid4(),
            ),
        ),
        (
            "the family answers the revoked asker's consent request",
            lambda: consent_request_decline(actor=users["guardian"], request_id=request.pk, reason="no"),
        ),
        (
            "a referral of the child sent to the revoked provider",
            lambda: referral_send(
                actor=users["educator"],
                child_id=child.pk,
                to_provider_id=providers["pediatrician"].pk,
                reason="Exit inventory: should be refused, no consent covers the recipient.",
            ),
        ),
        (
            "the family asks the coordinators again",
            lambda: family_request_create(
                actor=users["guardian"],
                child_id=world["children"]["lucia"].pk,
                provider_id=None,
                concern="Another concern",
                preferred_language="en",
                contact_method="email",
                password=world["password"],
            ),
        ),
        (
            "the revoked referrer's referral is completed",
            lambda: referral_complete(
                actor=users["imh_clinician"], referral_id=scheduled.pk, outcome="connected", note="done"
            ),
        ),
        (
            "the reminder clocks run",
            lambda: [
                referrals_remind_clocks(now=timezone.now() + datetime.timedelta(days=days))
                for days in (6, 8, 44, 46)
            ],
        ),
    ]


class _Listener:
    def __init__(self, group: str) -> None:
        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, self.channel)

    def drain(self) -> list[dict[str, Any]]:
        async def collect() -> list[dict[str, Any]]:
            got = []
            while True:
                try:
                    got.append(await asyncio.wait_for(self.layer.receive(self.channel), timeout=0.05))
                except TimeoutError:
                    return got

        return async_to_sync(collect)()


@pytest.fixture
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@after_revocation
def test_no_notice_email_or_push_names_the_child_to_someone_the_decision_point_denies(
    ended, in_memory_layer, django_capture_on_commit_callbacks
):
    from referral_hub.errors import ApplicationError

    world, child, markers, viewer = ended["world"], ended["child"], ended["markers"], ended["viewer"]
    start = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    pushed = _Listener(user_group(viewer.pk))
    ran = []
    for label, action in _scenarios(world, child, ended["request"]):
        with django_capture_on_commit_callbacks(execute=True), contextlib.suppress(ApplicationError):
            action()
        ran.append(label)
    markers = {**markers, **_markers(child)}  # what the scenarios changed (a new time) too
    problems = []
    rows = OutboxMessage.objects.filter(id__gt=start).select_related("recipient")
    assert rows.exists(), "the scenarios queued nothing: the inventory would check nothing"
    for row in rows:
        if row.recipient is not None and decide(row.recipient, child_id=child.pk):
            continue
        text = " ".join([row.subject, row.body, json.dumps(row.payload, ensure_ascii=False)])
        found = _found(text, markers)
        if found:
            problems.append(f"{row.channel} {row.kind} to {row.recipient or row.to_address}: {found}")
    for event in pushed.drain():
        found = _found(json.dumps(event, ensure_ascii=False), markers)
        if found:
            problems.append(f"pushed to the revoked viewer: {event.get('type')} {event.get('kind')}: {found}")
    assert len(ran) == len(_scenarios(world, child, ended["request"]))
    assert not problems, "\n".join(problems)


# --- 3. every socket event type ----------------------------------------------------------


def _consumer_event_types() -> set[str]:
    """Event types the consumers handle: Channels maps ``a.b`` to the method ``a_b``."""
    from messaging.consumers import CaseChatConsumer
    from referral_hub.consumers import NotificationsConsumer

    types = set()
    for consumer in (CaseChatConsumer, NotificationsConsumer):
        for name, member in vars(consumer).items():
            if (
                asyncio.iscoroutinefunction(member)
                and not name.startswith("_")
                and name not in CONSUMER_PLUMBING
            ):
                types.add(name.replace("_", ".", 1))
    return types


# Methods that are the consumer's own machinery, not handlers of a layer event type.
CONSUMER_PLUMBING = {
    "connect",
    "disconnect",
    "receive",
    "receive_json",
    "dispatch",
    "send_json",
    "websocket_connect",
}


def _sample_events(child: Child, case_id: int, author_id: int) -> dict[str, tuple[str, dict[str, Any]]]:
    """One event of every type, as its builder makes it, carrying the child's data where
    the type carries any data at all: (group, event). ``notify``'s payload is built by
    the notice producers and checked with them above; here it carries the child's name
    to show the socket forwards it only to whom the producers address it."""
    from messaging import events as chat_events
    from referral_hub import events

    message = {
        "id": 10**6,
        "case_id": case_id,
        "author": {"id": author_id, "name": "Author", "discipline": "pediatrician"},
        "body": f"{child.first_name} slept better ({child.date_of_birth.isoformat()}).",
        "created_at": timezone.now().isoformat(),
        "client_msg_id": str(uuid.uuid4()),
        "seq": 10**6,
    }
    case = case_group(case_id)
    return {
        "chat.message": (case, dict(chat_events.chat_message(message=message))),
        "chat.updated": (case, dict(chat_events.chat_updated(message=message))),
        "chat.read": (case, dict(chat_events.chat_read(user_id=author_id, message_id=10**6))),
        "chat.presence": (case, dict(chat_events.chat_presence(online=[author_id]))),
        "chat.typing": (case, dict(chat_events.chat_typing(user_id=author_id))),
        "team.changed": (
            case,
            dict(
                events.team_changed(
                    case_id=case_id,
                    change="left",
                    user_id=author_id,
                    provider={"id": 1, "name": child.name, "discipline": "pediatrician"},
                    at=timezone.now().isoformat(),
                )
            ),
        ),
        "access.changed": (
            case,
            dict(events.access_changed(change="revoked", reason="x", child_id=child.pk)),
        ),
        "force.close": ("", dict(events.force_close(reason="logout"))),
        "notify": ("", dict(events.notify(kind="mention", payload={"case_id": case_id}))),
        "notices.read": ("", dict(events.notices_read(unread=0))),
        "case.activity": ("", dict(events.case_activity(case_id=case_id, change="message", message_id=1))),
    }


def test_every_consumer_event_type_is_in_the_inventory():
    from tests.factories.families import ChildFactory

    child = ChildFactory.build()
    assert _consumer_event_types() == set(_sample_events(child, 1, 1))


@pytest.mark.django_db(transaction=True)
async def test_no_socket_frame_names_the_child_once_consent_ended(in_memory_layer):
    """The revoked member keeps a case socket and a notifications socket open while the
    family revokes; every event type then goes out to the case's and the user's groups.
    Nothing that reaches the revoked member names the child."""
    from channels.testing import WebsocketCommunicator
    from rest_framework.authtoken.models import Token

    from consent.services import consent_revoke
    from referral_hub.asgi import application
    from tests.factories.messaging import care_team

    db = sync_to_async
    team = await db(care_team)(2)
    stayer, leaver = team.users
    markers = await db(_markers)(team.child)
    token = (await db(Token.objects.get_or_create)(user=leaver))[0].key
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"authorization", f"Token {token}".encode()),
    ]
    chat = WebsocketCommunicator(application, f"/ws/cases/{team.case.pk}/", headers=headers)
    bell = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    try:
        assert (await chat.connect(timeout=5))[0] and (await bell.connect(timeout=5))[0]
        consent = team.consents[team.providers[1].pk]
        await db(consent_revoke)(actor=team.guardian.user, consent_id=consent.pk, reason="exit inventory")
        layer = get_channel_layer()
        for event_type, (group, event) in _sample_events(team.child, team.case.pk, stayer.pk).items():
            if event_type in ("force.close", "notify"):
                continue  # force.close ends the sockets; notify is the producers' (checked above)
            await layer.group_send(group or user_group(leaver.pk), event)
        frames, closed = [], []
        for communicator in (chat, bell):
            # Until the socket goes quiet or the server closed it (then the app ends).
            with contextlib.suppress(TimeoutError, AssertionError, asyncio.CancelledError):
                while True:
                    output = await communicator.receive_output(timeout=0.5)
                    if output["type"] == "websocket.send":
                        frames.append(output.get("text") or "")
                    elif output["type"] == "websocket.close":
                        closed.append(output.get("code"))
                        break
        leaked = [(frame, _found(frame, markers)) for frame in frames if _found(frame, markers)]
        assert not leaked, leaked
        assert 4403 in closed, "the revoked member's case socket closes"
    finally:
        for communicator in (chat, bell):
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await communicator.disconnect(timeout=2)


# --- 4. issue 26: a court order's restriction holds at every exit -------------------------

# Every "family" call site above picks its people in one place,
# ``consent.recipients`` (``family_recipients`` / ``may_contact``), so a ``no_contact``
# or ``no_information`` person hears nothing about the child. Each names the function
# where its people are chosen, or why it has none to choose.
FAMILY_PICKED_IN: dict[str, str] = {
    "consent.reminders._notice": "consent.reminders.consents_notify_expiring",
    "consent.reminders.consents_notify_refusals": "consent.reminders.consents_notify_refusals",
    "consent.requests._notify_guardians": "consent.requests._notify_guardians",
    "consent.services._notify_guardians_of_attestation": "consent.services._notify_guardians_of_attestation",
    "intake.services._notify_family_to_sign": "intake.services._notify_family_to_sign",
    "referrals.family_notices._tell_household": "referrals.family_notices.family_audience",
    "referrals.services.referral_send_for_family": "referrals.family_notices.family_audience",
    # The family's _rescheduled_ notice is a "scenario" site that also tells the family:
    "referrals.services._notify_rescheduled": "referrals.services._rescheduled_audience",
    "referrals.services._text_rescheduled": "referrals.services._rescheduled_audience",
    # The sender every family e-mail goes through: its callers (above) pick.
    "families.mail.mail_family": "",
    # The sender every family text goes through: its callers (above) pick.
    "people.texts.text_person": "",
    # An invitation goes to an address not yet in the household: no restriction can
    # name a person who is not there.
    "families.services.invitation_create": "",
}
PICKERS = {"family_recipients", "may_contact", "family_audience"}


def _function_names(dotted: str) -> set[str]:
    module, _, name = dotted.rpartition(".")
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text())
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and fn.name == name:
            return {
                node.id if isinstance(node, ast.Name) else node.attr
                for node in ast.walk(fn)
                if isinstance(node, ast.Name | ast.Attribute)
            }
    raise AssertionError(f"{dotted} not found")


def test_every_family_notice_picks_its_people_through_consent_recipients():
    family_sites = {site for site, how in CALL_SITES.items() if how == "family"}
    assert family_sites <= set(FAMILY_PICKED_IN), "classify the new family call site in FAMILY_PICKED_IN"
    problems = []
    for site, picker in FAMILY_PICKED_IN.items():
        if picker and not (_function_names(picker) & PICKERS):
            problems.append(f"{site}: {picker} picks its people without consent.recipients")
    assert not _function_names("referrals.family_notices.family_audience") & {"decide", "Guardian"}
    assert not problems, "\n".join(problems)


CONFIDENTIAL_PHONE = "+13135550188"


def _confidential_world(demo):
    """Mateo's mother (``guardian``) is under an ``address_confidential`` order for him,
    and asked the pediatrician (the route walk's team provider) for help herself, with her
    phone number: the referral routes walk her request's referral."""
    from families.models import Restriction, RestrictionKind
    from intake.services import family_request_create

    mateo, rosa = demo["children"]["mateo"], demo["guardians"]["guardian"]
    Restriction.objects.create(child=mateo, person=rosa, kind=RestrictionKind.ADDRESS_CONFIDENTIAL)
    request = family_request_create(
        actor=rosa.user,
        child_id=mateo.pk,
        provider_id=demo["providers"]["pediatrician"].pk,
        concern="Zebrafinch: he bites at daycare",
        preferred_language="en",
        contact_method="text",
        phone=CONFIDENTIAL_PHONE,
        password=demo["password"],
    )
    secrets = {"phone": CONFIDENTIAL_PHONE, "phone (shown)": "(313) 555-0188", "e-mail": rosa.user.email}
    # The routes that take a referral take hers (the pediatrician is its recipient).
    world = {**demo, "referrals": {**demo["referrals"], "scheduled": request.referral}}
    return {"world": world, "markers": {k: re.compile(re.escape(v)) for k, v in secrets.items()}}


under_confidentiality = pytest.mark.demo_scenario.with_args(_confidential_world)


@pytest.fixture
def confidential(demo):
    return demo["scenario"]


@under_confidentiality
@pytest.mark.parametrize("route", ROUTES, ids=[r.label or f"{r.method}-{r.name}" for r in ROUTES])
def test_no_route_shows_a_confidential_parents_contact_details_to_anyone_else(route, confidential, client):
    world, markers = confidential["world"], confidential["markers"]
    others = [role for role in ROLES if role != "guardian"]  # her own details, on her own pages
    problems = [
        f"{answer.where()}: {found}"
        for answer in walk(route, world, client, roles=others)
        if (found := _found(answer.body, markers))
    ]
    assert not problems, "\n".join(problems)


@under_confidentiality
def test_no_notice_or_e_mail_carries_a_confidential_parents_contact_details_to_anyone_else(confidential):
    world, markers = confidential["world"], confidential["markers"]
    rosa = world["users"]["guardian"]
    rows = OutboxMessage.objects.exclude(recipient=rosa).exclude(to_address=rosa.email)
    assert rows.exists()
    problems = [
        f"{row.channel} {row.kind} to {row.recipient or row.to_address}: {found}"
        for row in rows
        if (found := _found(" ".join([row.subject, row.body, json.dumps(row.payload)]), markers))
    ]
    assert not problems, "\n".join(problems)
