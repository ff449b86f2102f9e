"""Who may do what in the directory. Reading is public; curation is for curators;
an unclaimed listing may be claimed by a signed-in account that is neither a provider
already nor a family's."""

from __future__ import annotations

from django.contrib.auth.models import User

from directory.models import Endorsement, ModelCredential, Provider
from directory.roles import provider_of
from people.roles import Actor, has_role, is_coordinator, is_curator, signed_in
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


def require_claimant(actor: Actor) -> User:
    """The account, if it may claim a listing at all: signed in, without a listing of
    its own, and neither a family's account nor a care coordinator's (who routes
    families to providers and must not become one of them)."""
    if not actor.is_authenticated:
        raise ApplicationError("not_authenticated", "Sign in to claim a listing.", status=403)
    user = signed_in(actor)
    if provider_of(user) is not None:
        raise ApplicationError(
            "already_has_listing", "Your account already has a directory listing.", status=409
        )
    if has_role(user, "guardian"):
        raise ApplicationError(
            "not_a_provider_account", "A family account cannot claim a provider's listing.", status=403
        )
    if is_coordinator(user):
        raise ApplicationError(
            "not_a_provider_account",
            "A care coordinator's account cannot claim a provider's listing.",
            status=403,
        )
    return user


def require_unclaimed(provider: Provider) -> None:
    if provider.user_id is not None:
        raise ApplicationError("listing_claimed", "This listing already belongs to an account.", status=409)


def can_claim(actor: Actor, provider: Provider) -> bool:
    """Whether to offer "claim it": the same rule ``listings.listing_claim`` enforces."""
    try:
        require_claimant(actor)
        require_unclaimed(provider)
    except ApplicationError:
        return False
    return True


def access_model_credential_for_curation(actor: Actor, credential_id: int) -> ModelCredential:
    """A model credential, for a curator (the endorsement verifiers' role). Non-curators
    are refused before the id is looked up."""
    require_curator(actor)
    credential = ModelCredential.objects.select_related("provider").filter(pk=credential_id).first()
    if credential is None:
        raise NotFound("Model credential")
    return credential
