"""The demo network lead (``network_lead``): reads the indicators, nothing else; and the
closed periods of the demo data, published as the job publishes them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from indicators import rollups
from people.demo import Writer, ensure_user
from people.roles import NETWORK_LEAD_GROUP


def seed(world: dict[str, Any], stdout: Writer) -> None:
    user = ensure_user("network_lead", "Nia Network-Lead", world["password"])
    group, _ = Group.objects.get_or_create(name=NETWORK_LEAD_GROUP)
    user.groups.add(group)
    world.setdefault("users", {})["network_lead"] = user
    # The job publishes the demo's closed periods now (beat would only at its next run):
    # the dashboard reads them from the first page, as it would after any job run.
    published = rollups.refresh_rollups()["published"]
    stdout.write(f"indicators: network lead login network_lead; {published} closed periods published")
