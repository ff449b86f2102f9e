"""Who may do what in the directory. Reading is public; curation is for curators."""

from __future__ import annotations

from directory.models import Endorsement, Provider
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


def can_edit_listing(actor: Actor, provider: Provider) -> bool:
    """The provider behind the listing, or a curator."""
    if not actor.is_authenticated:
        return False
    return provider.user_id == actor.pk or is_curator(actor)


def access_listing_for_edit(actor: Actor, provider_id: int) -> Provider:
    """The listing, for its provider or a curator. Listings are public, so a missing id
    is 404 and someone else's listing is 403 (nothing secret is revealed either way)."""
    if not actor.is_authenticated:
        raise ApplicationError("not_authenticated", "Sign in to edit a listing.", status=403)
    provider = Provider.objects.select_related("organization").filter(pk=provider_id).first()
    if provider is None:
        raise NotFound("Provider")
    if not can_edit_listing(actor, provider):
        raise ApplicationError(
            "forbidden", "Only this listing's provider or a curator may change it.", status=403
        )
    return provider
