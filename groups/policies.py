"""Who may act on a group: its host (the provider whose listing hosts it) or a curator.
Anyone else gets the same 404 as for a missing group, so an id says nothing about
another host's groups; anonymous callers are refused first (403 ``not_authenticated``)."""

from __future__ import annotations

from groups.models import Group
from people.roles import Actor, is_curator
from referral_hub.errors import ApplicationError, NotFound


def access_group_for_host(actor: Actor, group_id: int, *, for_update: bool = False) -> Group:
    """The group, for its host or a curator; the same 404 for missing and for someone
    else's. Anonymous callers are refused first (403 ``not_authenticated``)."""
    if not actor.is_authenticated:
        raise ApplicationError("not_authenticated", "Sign in to manage a group.", status=403)
    rows = Group.objects.select_related("host", "location")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    group = rows.filter(pk=group_id).first()
    if group is None or not (is_curator(actor) or group.host.user_id == actor.pk):
        raise NotFound("Group")
    return group
