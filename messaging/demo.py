"""Demo: a care-team conversation in Mateo's case (idempotent: fixed client_msg_ids).

The referrals demo seeds the case and its team (``world["cases"]["mateo"]``); when it
has not (yet), this creates them the same way, so the chat always has a case."""

from __future__ import annotations

import uuid
from typing import Any

from cases.models import CareTeamMember, Case, TeamRole
from messaging.services import message_send
from people.demo import Writer
from referral_hub.errors import NotFound

TEAM = ["pediatrician", "educator", "social_worker", "slp", "imh_clinician"]
_NS = uuid.UUID("6f1c1f4e-5d0a-4d8e-9a77-3c2b8d1e0a55")

CONVERSATION = [
    (
        "pediatrician",
        "Hi team — at Mateo's 18-month visit the M-CHAT-R/F was low risk, but "
        "the ASQ-3 communication score was below the cutoff. I referred him for a speech evaluation.",
    ),
    ("slp", "Thanks @Maya Chen. I can see him next Tuesday; Rosa prefers sessions in Spanish."),
    (
        "educator",
        "In the classroom he points and brings toys to show us, few words so far. "
        "Happy to share observations before the evaluation.",
    ),
    (
        "imh_clinician",
        "Rosa mentioned feeling overwhelmed since the move. I'll offer a home "
        "visit this week; @Priya Natarajan could we look at housing supports together?",
    ),
    ("social_worker", "Yes — I'll bring the rental assistance forms. Let's coordinate Thursday."),
]


def _ensure_case(world: dict[str, Any]) -> Case:
    cases = world.setdefault("cases", {})
    if "mateo" in cases:
        existing: Case = cases["mateo"]
        return existing
    case, _ = Case.objects.get_or_create(child=world["children"]["mateo"])
    for username in TEAM:
        provider = world["providers"][username]
        if not CareTeamMember.objects.filter(case=case, provider=provider, left_at__isnull=True).exists():
            CareTeamMember.objects.create(
                case=case,
                provider=provider,
                user=provider.user,
                role=TeamRole.LEAD if username == "imh_clinician" else TeamRole.RECIPIENT,
            )
    cases["mateo"] = case
    return case


def seed(world: dict[str, Any], stdout: Writer) -> None:
    case = _ensure_case(world)
    sent = 0
    for index, (username, body) in enumerate(CONVERSATION):
        try:
            result = message_send(
                actor=world["users"][username],
                case_id=case.pk,
                body=body,
                client_msg_id=uuid.uuid5(_NS, f"mateo-{index}"),
            )
        except NotFound:  # not (or no longer) a consented member in this world: skip
            continue
        sent += result.created
    stdout.write(f"messaging: {len(CONVERSATION)} messages in Mateo's case chat ({sent} new)")
