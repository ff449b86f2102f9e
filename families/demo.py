"""Demo families: family 1 (guardian, two children) and family 2 (guardian2, one child);
then the households of issue 26 (``families.demo_households``: foster care, a teen parent,
a protective order)."""

from __future__ import annotations

from datetime import date
from typing import Any

from families.authority import parents_hold_authority
from families.demo_households import seed_households
from families.models import Child, Family, Guardian, Relationship
from people.demo import Writer, ensure_user


def seed(world: dict[str, Any], stdout: Writer) -> None:
    password = world["password"]
    users = world.setdefault("users", {})
    families = world.setdefault("families", {})
    guardians = world.setdefault("guardians", {})
    children = world.setdefault("children", {})

    specs = [
        (
            "guardian",
            "Rosa Rivera",
            "Rivera family",
            Relationship.MOTHER,
            [
                ("mateo", "Mateo", "Rivera", date(2025, 3, 14), "es"),
                ("lucia", "Lucía", "Rivera", date(2023, 8, 2), "es"),
            ],
        ),
        (
            "guardian2",
            "Ben Walker",
            "Walker family",
            Relationship.FATHER,
            [("ava", "Ava", "Walker", date(2024, 11, 30), "en")],
        ),
    ]
    for index, (username, full_name, family_name, relationship, kids) in enumerate(specs, start=1):
        user = ensure_user(username, full_name, password)
        users[username] = user
        guardian = Guardian.objects.filter(user=user).select_related("family").first()
        if guardian is None:
            family = Family.objects.create(name=family_name)
            guardian = Guardian.objects.create(user=user, family=family, relationship=relationship)
        families[index] = guardian.family
        guardians[username] = guardian
        for key, first, last, dob, lang in kids:
            children[key], _ = Child.objects.get_or_create(
                family=guardian.family,
                first_name=first,
                last_name=last,
                date_of_birth=dob,
                defaults={"preferred_language": lang},
            )
        parents_hold_authority(guardian.family_id)
    stdout.write(f"families: {len(families)} families, {len(children)} children")
    seed_households(world, stdout)
