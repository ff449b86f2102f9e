"""The demo network lead (``network_lead``): reads the indicators, nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from people.demo import Writer, ensure_user
from people.roles import NETWORK_LEAD_GROUP


def seed(world: dict[str, Any], stdout: Writer) -> None:
    user = ensure_user("network_lead", "Nia Network-Lead", world["password"])
    group, _ = Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)
    user.groups.add(group)
    world.setdefault("users", {})["network_lead"] = user
    stdout.write("indicators: network lead login network_lead")
