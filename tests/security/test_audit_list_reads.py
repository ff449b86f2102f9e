"""Finding 4 (issue 8): lists and replays of child data wrote no audit row.

A provider's referral list (outbox and ``?box=inbox``), case list, dashboard and child
picker, a guardian's referrals page, and an Idempotency-Key replay returning the full
referral each log one ``view`` row per child shown, written in one batch. (The route
walk in tests/test_route_inventory.py (tests/security/audit_walk.py) checks every route; these pin the rows' shape.)"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.factories.referrals import referral_world, send
from tests.referrals.conftest import advance
from tests.referrals.test_sending import body

pytestmark = pytest.mark.django_db


def _new_rows(before: int, user) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(pk__gt=before, actor=user, action="view").order_by("id"))


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("pk", flat=True).first() or 0


def test_each_list_logs_one_row_per_child_shown(client):
    world = referral_world()
    second_child_world = referral_world()
    referrals = [send(world), send(world)]
    advance(world, referrals[0], "accepted")  # opens the case with the recipient on its team
    api = APIClient()
    for user, path in [
        (world.referrer.user, "/api/v1/referrals/"),
        (world.recipient.user, "/api/v1/referrals/?box=inbox"),
        (world.recipient.user, "/api/v1/cases/"),
    ]:
        api.force_authenticate(user)
        before = _last_id()
        response = api.get(path)
        assert response.status_code == 200 and world.child.first_name in response.content.decode()
        rows = _new_rows(before, user)
        # Two referrals of one child: one row for the child, none for the other world's.
        assert [row.child_id for row in rows] == [world.child.pk], path
        assert second_child_world.child.pk not in {row.child_id for row in rows}
    client.force_login(world.referrer.user)
    for path in ["/dashboard/", "/referrals/new/"]:
        before = _last_id()
        page = client.get(path)
        assert page.status_code == 200 and world.child.first_name in page.content.decode()
        assert {row.child_id for row in _new_rows(before, world.referrer.user)} == {world.child.pk}, path
    assert referrals[0].child_id == world.child.pk


def test_a_guardians_referrals_page_is_logged(client):
    world = referral_world()
    send(world)
    guardian_user = world.guardian.user
    client.force_login(guardian_user)
    before = _last_id()
    page = client.get("/portal/referrals/")
    assert page.status_code == 200 and world.child.first_name in page.content.decode()
    assert {row.child_id for row in _new_rows(before, guardian_user)} == {world.child.pk}


def test_an_idempotent_replay_is_an_audited_read():
    world = referral_world()
    api = APIClient()
    api.force_authenticate(world.referrer.user)
    first = api.post("/api/v1/referrals/", body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-audit")
    assert first.status_code == 201
    before = _last_id()
    replay = api.post("/api/v1/referrals/", body(world), format="json", HTTP_IDEMPOTENCY_KEY="k-audit")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    rows = _new_rows(before, world.referrer.user)
    assert rows and {row.child_id for row in rows} == {world.child.pk}
    assert all(row.object_id == str(first.data["id"]) and row.detail == "idempotent replay" for row in rows)
