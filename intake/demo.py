"""Demo care coordination: the ``coordinator`` login, a Spanish-speaking family
(``guardian_es``, one child), one open request in the coordinators' queue (by text, with
a phone number and best times) and one request already sent to a provider as a family
referral, and one request from a family without an account (to call back). Idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import Group

from families.authority import parents_hold_authority
from families.models import Child, Family, Guardian, Relationship
from intake.models import ContactMethod, FamilyRequest
from intake.services import family_request_create, family_request_create_anonymous
from people.demo import Writer, ensure_user
from people.preferences import update_preferences
from people.roles import COORDINATOR_GROUP
from referrals.services import emails_suppressed


def _spanish_family(world: dict[str, Any]) -> Child:
    user = ensure_user("guardian_es", "Carmen Morales", world["password"])
    update_preferences(user, preferred_language="es")
    guardian = Guardian.objects.filter(user=user).select_related("family").first()
    if guardian is None:
        family = Family.objects.create(name="Familia Morales")
        guardian = Guardian.objects.create(user=user, family=family, relationship=Relationship.MOTHER)
    child, _ = Child.objects.get_or_create(
        family=guardian.family,
        first_name="Sofía",
        last_name="Morales",
        date_of_birth=date(2024, 6, 9),
        defaults={"preferred_language": "es"},
    )
    parents_hold_authority(guardian.family_id)
    world.setdefault("users", {})["guardian_es"] = user
    world.setdefault("guardians", {})["guardian_es"] = guardian
    world.setdefault("children", {})["sofia"] = child
    return child


def seed(world: dict[str, Any], stdout: Writer) -> None:
    coordinator = ensure_user("coordinator", "Camila Coordinator", world["password"])
    group, _ = Group.objects.get_or_create(name=COORDINATOR_GROUP)
    coordinator.groups.add(group)
    world.setdefault("users", {})["coordinator"] = coordinator
    child = _spanish_family(world)
    user = world["users"]["guardian_es"]
    requests = FamilyRequest.objects.filter(child=child)
    with emails_suppressed():
        if not requests.filter(via_coordinator=True).exists():
            family_request_create(
                actor=user,
                child_id=child.pk,
                provider_id=None,
                concern="Sofía casi no duerme y llora mucho; no sé a quién pedir ayuda.",
                preferred_language="es",
                contact_method=ContactMethod.TEXT,
                phone="+13135550142",
                # Carmen ticked "text me updates": news of her requests comes by text
                # too (printed by the console backend on `make run`).
                text_updates=True,
                best_time_slots=["afternoons"],
                best_times="Por las tardes, después de las 4",
                password=world["password"],
            )
        if not requests.filter(via_coordinator=False).exists():
            family_request_create(
                actor=user,
                child_id=child.pk,
                provider_id=world["providers"]["slp"].pk,
                concern="Sofía todavía no dice palabras y nos preocupa su lenguaje.",
                preferred_language="es",
                contact_method=ContactMethod.NONE_BY_PHONE,
                best_time_slots=["mornings", "weekends"],
                best_times="",
                password=world["password"],
            )
        if not FamilyRequest.objects.filter(child__isnull=True, contact_name="Dana Brooks").exists():
            # A family without an account asks the coordinators; they call back.
            family_request_create_anonymous(
                contact_name="Dana Brooks",
                concern="My 10-month-old cries for hours and I am exhausted. Who can help?",
                preferred_language="en",
                contact_method=ContactMethod.PHONE,
                phone="+17345550123",
                best_time_slots=["mornings", "evenings"],
                best_times="Not between 1 and 3 (nap time)",
            )
    world["family_requests"] = {
        "queued": requests.filter(via_coordinator=True).first(),
        "referred": requests.filter(via_coordinator=False).first(),
        "anonymous": FamilyRequest.objects.filter(child__isnull=True, contact_name="Dana Brooks").first(),
    }
    stdout.write(
        "intake: care coordinator login coordinator; guardian_es (Spanish) with two requests; "
        "one request without an account (Dana Brooks) to call back"
    )
