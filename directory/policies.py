"""Who may do what in the directory. Reading is public; curation is for curators."""

from __future__ import annotations

from directory.models import Endorsement
from people.roles import Actor, is_curator
from referral_hub.errors import ApplicationError, NotFound


def can_curate(actor: Actor) -> bool:
    return is_curator(actor)


def require_curator(actor: Actor) -> None:
    if not is_curator(actor):
        raise ApplicationError("forbidden", "Only curators may verify or revoke endorsements.", status=403)


def access_endorsement_for_curation(actor: Actor, endorsement_id: int) -> Endorsement:
    """The endorsement, for a curator. Non-curators are refused before the id is looked up."""
    require_curator(actor)
    endorsement = Endorsement.objects.select_related("provider").filter(pk=endorsement_id).first()
    if endorsement is None:
        raise NotFound("Endorsement")
    return endorsement
