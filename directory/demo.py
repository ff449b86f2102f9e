"""Demo directory: organizations, one provider login per discipline on family 1's team,
an outsider, and a curator. Idempotent (natural keys)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User

from directory.models import Discipline, Organization, Provider

ORGANIZATIONS = {
    "clinic": "Sunrise Pediatrics",
    "center": "Little Sprouts Early Learning Center",
    "imh": "Harbor Infant & Family Mental Health",
    "county": "County Family Services",
    "elsewhere": "Faraway Child Development Clinic",
}

# username -> (full name, discipline, organization key)
PROVIDER_LOGINS = {
    "pediatrician": ("Dr. Maya Chen", Discipline.PEDIATRICIAN, "clinic"),
    "educator": ("Jordan Ellis", Discipline.EARLY_CHILDHOOD_EDUCATOR, "center"),
    "social_worker": ("Priya Natarajan", Discipline.SOCIAL_WORKER, "county"),
    "slp": ("Samuel Okafor", Discipline.SPEECH_LANGUAGE_PATHOLOGIST, "clinic"),
    "imh_clinician": ("Dr. Lucia Romero", Discipline.MENTAL_HEALTH_CLINICIAN, "imh"),
    "outsider": ("Alex Outsider", Discipline.PSYCHOLOGIST, "elsewhere"),
}


def ensure_user(username: str, full_name: str, password: str, **extra: Any) -> User:
    first, _, last = full_name.replace("Dr. ", "").partition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.invalid", **extra},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def seed(world: dict[str, Any], stdout) -> None:  # type: ignore[no-untyped-def]
    password = world["password"]
    users = world.setdefault("users", {})
    orgs = world.setdefault("organizations", {})
    providers = world.setdefault("providers", {})
    for key, name in ORGANIZATIONS.items():
        orgs[key], _ = Organization.objects.get_or_create(name=name)
    for username, (full_name, discipline, org_key) in PROVIDER_LOGINS.items():
        user = ensure_user(username, full_name, password)
        users[username] = user
        provider, _ = Provider.objects.get_or_create(
            user=user,
            defaults={"name": full_name, "discipline": discipline, "organization": orgs[org_key]},
        )
        providers[username] = provider
    curator = ensure_user("curator", "Casey Curator", password, is_staff=True)
    group, _ = Group.objects.get_or_create(name="curator")
    curator.groups.add(group)
    users["curator"] = curator
    stdout.write(f"directory: {len(orgs)} organizations, {len(providers)} provider logins")
