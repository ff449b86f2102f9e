"""The gate: no access without consent; access ends at the instant of revocation or
expiry; an organization consent follows current membership."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from consent import decision, policies
from consent.hooks import register_access_end_hook, registered_hooks
from consent.models import Consent, ConsentEvent
from consent.services import consent_revoke, consents_record_expiry
from referral_hub.errors import ApplicationError, NotFound
from tests.factories.directory import OrganizationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def test_a_provider_sees_nothing_without_a_consent(family, provider):
    guardian, child = family
    assert policies.consent_for(provider=provider, child_id=child.pk, purpose="referral") is None
    with pytest.raises(NotFound):
        policies.access_child(provider.user, child.pk, "referral", "demographics")
    assert not decision.may_see(provider.user, child_id=child.pk, categories="demographics")


def test_a_granted_consent_opens_exactly_its_scope(family, provider, grant):
    guardian, child = family
    consent = grant(
        guardian, child, provider=provider, purposes=["referral"], data_categories=["demographics"]
    )
    assert policies.access_child(provider.user, child.pk, "referral", "demographics").pk == child.pk
    assert policies.consent_for(provider=provider, child_id=child.pk, purpose="referral") == consent
    assert decision.decide(
        provider.user, child_id=child.pk, purpose="referral", categories="demographics"
    ) == decision.Decision(allowed=True, relation="consent", consent_id=consent.pk)
    assert not decision.may_see(provider.user, child_id=child.pk, purpose="messaging")
    with pytest.raises(NotFound):
        policies.access_child(provider.user, child.pk, "messaging", "demographics")
    with pytest.raises(NotFound):
        policies.access_child(provider.user, child.pk, "referral", "case_notes")


def test_revocation_ends_access_at_once_and_tells_everyone(
    family, provider, grant, django_capture_on_commit_callbacks
):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    heard = []

    def hook(end):
        # Called inside the transaction: the row already says revoked.
        heard.append(Consent.objects.get(pk=end.consent.pk).revoked_at is not None)
        return set()

    before = registered_hooks()
    register_access_end_hook("tests.heard", hook)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="changed my mind")
    finally:
        from consent import hooks

        hooks._hooks.clear()
        hooks._hooks.update(before)
    assert heard == [True]
    assert callbacks, "access.changed is queued for after commit"
    with pytest.raises(NotFound):
        policies.access_child(provider.user, child.pk, "referral", "demographics")
    assert not decision.may_see(provider.user, child_id=child.pk, purpose="referral")
    assert decision.may_see(guardian.user, child_id=child.pk, purpose="referral")
    assert list(consent.events.values_list("kind", flat=True)) == ["granted", "revoked"]


def test_revoking_twice_is_refused_and_logged(family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider)
    consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="")
    with pytest.raises(ApplicationError) as exc:
        consent_revoke(actor=guardian.user, consent_id=consent.pk, reason="")
    assert exc.value.code == "already_revoked"
    assert ConsentEvent.objects.filter(consent=consent).count() == 2
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED).get()
    assert denied.child_id == child.pk and "already_revoked" in denied.detail


def test_access_ends_when_the_expiry_day_is_over(family, provider, grant):
    guardian, child = family
    consent = grant(guardian, child, provider=provider, expires_on=timezone.now().date())
    last_moment = timezone.now().replace(hour=23, minute=59, second=59)
    next_morning = last_moment + datetime.timedelta(seconds=1)
    assert policies.consent_for(provider=provider, child_id=child.pk, purpose="referral", at=last_moment)
    assert (
        policies.consent_for(provider=provider, child_id=child.pk, purpose="referral", at=next_morning)
        is None
    )
    recorded = consents_record_expiry(now=next_morning)
    assert recorded == [consent]
    assert consents_record_expiry(now=next_morning) == [], "recording expiry is idempotent"
    assert list(consent.events.values_list("kind", flat=True)) == ["granted", "expired"]


def test_an_organization_consent_follows_current_membership(family, grant):
    guardian, child = family
    org, elsewhere = OrganizationFactory(), OrganizationFactory()
    member = ProviderFactory(organization=org)
    grant(guardian, child, organization=org)
    assert policies.may_access(provider=member, child_id=child.pk, purpose="care_coordination")
    joiner = ProviderFactory(organization=org)
    assert policies.access_child(joiner.user, child.pk, "care_coordination", "demographics")
    member.organization = elsewhere
    member.save()
    with pytest.raises(NotFound):
        policies.access_child(member.user, child.pk, "care_coordination", "demographics")


def test_guardians_see_their_own_children_only(family):
    guardian, child = family
    from tests.factories.families import GuardianFactory

    stranger = GuardianFactory()
    assert policies.access_child(guardian.user, child.pk).pk == child.pk
    with pytest.raises(NotFound):
        policies.access_child(stranger.user, child.pk)
    with pytest.raises(NotFound):
        policies.access_child(guardian.user, "not-a-number")


def test_the_gate_is_one_query(family, provider, grant, django_assert_num_queries):
    guardian, child = family
    grant(guardian, child, provider=provider)
    with django_assert_num_queries(1):
        policies.access_child(provider.user, child.pk, "referral", "demographics")
    with django_assert_num_queries(1):
        policies.consent_for(
            provider=provider, child_id=child.pk, purpose="referral", categories=["demographics"]
        )


def test_the_expire_consents_command_records_expiry_once(family, provider):
    from django.core.management import call_command

    from tests.factories.consent import ConsentFactory

    guardian, child = family
    # Signed long ago (the service refuses a past expiry, so the row is made directly).
    consent = ConsentFactory(
        child=child,
        granted_by=guardian,
        recipient_provider=provider,
        valid_from=timezone.now() - datetime.timedelta(days=100),
        expires_on=timezone.now().date() - datetime.timedelta(days=1),
    )
    out = io.StringIO()
    call_command("expire_consents", stdout=out)
    call_command("expire_consents", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 consent(s) recorded as expired",
        "0 consent(s) recorded as expired",
    ]
    assert consent.events.filter(kind="expired").count() == 1
    assert AuditEvent.objects.filter(consent=consent, detail="expired").exists()
