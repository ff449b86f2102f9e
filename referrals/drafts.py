"""The referral form's draft (``ReferralDraft``): what the sender typed before asking the
family to share with the chosen recipient, kept so that once the family has signed the
sender finds it again instead of typing it anew (issue 25). Written when the ask is made
(``consent.extensions.register_request_asked``), read by the form for the same child
and recipient while the sender may still see the child, removed by sending."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from audit.models import Action
from audit.services import audit_record
from consent.policies import consent_for
from directory.models import Provider
from directory.roles import provider_of
from people.roles import Actor
from referrals.models import ConcernType, ReferralDraft, Urgency

MAX_REASON = 5000


def _covered(provider: Provider, child_id: int) -> bool:
    return consent_for(provider=provider, child_id=child_id, purpose="referral") is not None


@transaction.atomic
def referral_draft_keep(actor: Actor, child_id: int, provider_id: int, posted: Mapping[str, str]) -> None:
    """Keep (or drop, when empty) the sender's draft for this child and recipient, from
    the ``draft_*`` fields the referral form sent along with the ask. Only a provider
    who may see the child; audited as a write of the child's data."""
    sender = provider_of(actor)
    if sender is None or not _covered(sender, child_id):
        return
    reason = str(posted.get("draft_reason", "")).strip()[:MAX_REASON]
    concern = str(posted.get("draft_concern_type", ""))
    urgency = str(posted.get("draft_urgency", ""))
    key = {"from_provider": sender, "child_id": child_id, "to_provider_id": provider_id}
    if not reason:
        ReferralDraft.objects.filter(**key).delete()
        return
    ReferralDraft.objects.update_or_create(
        from_provider=sender,
        child_id=child_id,
        to_provider_id=provider_id,
        defaults={
            "reason": reason,
            "concern_type": concern if concern in ConcernType.values else "",
            "urgency": urgency if urgency in Urgency.values else "",
        },
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        child_id=child_id,
        data_category="demographics",
        purpose="referral",
        object_type="referral_draft",
        detail=f"referral draft kept while asking the family to share with provider {provider_id}",
    )


def referral_draft_for(*, sender: Provider, child_id: object, to_provider_id: object) -> ReferralDraft | None:
    """The sender's draft for this child and recipient, while the sender may see the child."""
    try:
        child_pk, to_pk = int(str(child_id)), int(str(to_provider_id))
    except ValueError:
        return None
    if not _covered(sender, child_pk):
        return None
    return ReferralDraft.objects.filter(from_provider=sender, child_id=child_pk, to_provider_id=to_pk).first()


def referral_draft_drop(*, sender: Provider, child_id: int, to_provider_id: int) -> None:
    """The referral went: its draft has done its work."""
    ReferralDraft.objects.filter(
        from_provider=sender, child_id=child_id, to_provider_id=to_provider_id
    ).delete()
