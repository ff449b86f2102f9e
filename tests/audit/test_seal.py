"""Seals: the chain heads signed under AUDIT_SEAL_KEY. (On PostgreSQL the database
refuses the tampering itself; tests/security/test_audit_tamper.py bypasses the guards
there.)"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent, AuditSeal
from audit.services import audit_record, audit_seal, compute_hash, verify_log
from tests.factories.base import UserFactory
from tests.factories.families import ChildFactory

pytestmark = pytest.mark.django_db


def test_each_child_has_its_own_chain_and_a_seal_signs_only_moved_heads(capsys):
    reader = UserFactory()
    first, second = ChildFactory(), ChildFactory()
    for child in (first, second, first):
        audit_record(actor=reader, action="view", child=child)
    audit_record(actor=reader, action="export", object_type="audit_log")
    chains = dict(AuditEvent.objects.values_list("pk", "chain"))
    assert sorted(set(chains.values())) == sorted(
        {f"child:{first.pk}", f"child:{second.pk}", f"actor:{reader.pk}"}
    )
    one = audit_seal()
    assert one.heads[f"child:{first.pk}"][0] == 2
    audit_record(actor=reader, action="view", child=second)
    call_command("seal_audit")
    two = AuditSeal.objects.order_by("-id").first()
    assert set(two.heads) == {f"child:{second.pk}"} and two.prev_mac == one.mac
    call_command("verify_audit")
    assert "5 rows verified" in capsys.readouterr().out


def test_a_forged_seal_is_reported(settings):
    audit_record(actor=UserFactory(), action="view", child=ChildFactory())
    audit_seal()
    settings.AUDIT_SEAL_KEY = "someone-elses-key"
    result = verify_log()
    assert not result.intact and "not signed by AUDIT_SEAL_KEY" in result.reason


def test_unsealed_old_rows_are_reported():
    audit_record(actor=UserFactory(), action="view", child=ChildFactory())
    later = timezone.now() + datetime.timedelta(days=2)
    assert "not sealed" in verify_log(now=later).reason
    audit_seal()
    assert verify_log(now=later).intact


def test_rechaining_and_tail_deletion_are_reported_on_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the tampering itself (tests/security/test_audit_tamper.py)")
    reader, child = UserFactory(), ChildFactory()
    rows = [audit_record(actor=reader, action="view", child=child, detail=f"read {n}") for n in range(3)]
    audit_seal()
    prev = rows[0].prev_hash
    for row in rows:
        row.detail = "nothing happened" if row is rows[0] else row.detail
        row.prev_hash, row.hash = prev, compute_hash(prev, row)
        prev = row.hash
        AuditEvent.objects.filter(pk=row.pk).update(detail=row.detail, prev_hash=row.prev_hash, hash=row.hash)
    # Every hash and link is consistent again; the rewritten row's MAC (under a key the
    # database does not hold) is not.
    assert "MAC does not verify" in verify_log().reason
    AuditEvent.objects.filter(pk__in=[row.pk for row in rows]).delete()
    assert "rows were removed" in verify_log().reason


def test_a_chain_cut_back_and_regrown_by_the_app_is_reported_by_its_seal():
    """Rows removed from a chain's end and new, properly signed rows written after what
    is left: every row and MAC verifies, only the seal can tell."""
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the deletion itself (tests/security/test_audit_tamper.py)")
    reader, child = UserFactory(), ChildFactory()
    rows = [audit_record(actor=reader, action="view", child=child, detail=f"read {n}") for n in range(3)]
    audit_seal()
    AuditEvent.objects.filter(pk__in=[rows[1].pk, rows[2].pk]).delete()
    for n in range(2):
        audit_record(actor=reader, action="view", child=child, detail=f"another read {n}")
    assert "sealed head differs" in verify_log().reason
