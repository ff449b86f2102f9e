"""List pages cost the same number of queries with 3 rows or 30. (Each list also logs
one audit row per child shown: a fixed few queries — the chain locks, the chain heads,
one INSERT — whatever the number of rows.)"""

from __future__ import annotations

import pytest

from tests.factories.directory import ProviderFactory
from tests.factories.referrals import grant, send
from tests.referrals.conftest import advance

pytestmark = pytest.mark.django_db


def _fill(world, n):
    for i in range(n):
        recipient = ProviderFactory()
        grant(world, recipient)
        referral = send(world, to_provider_id=recipient.pk, screenings=[])
        if i % 3 == 0:
            world.recipient, saved = recipient, world.recipient
            advance(world, referral, "accepted")
            world.recipient = saved


@pytest.mark.parametrize(
    "path",
    ["/api/v1/referrals/?box=outbox", "/api/v1/referrals/", "/api/v1/cases/", "/api/v1/referrals/counts/"],
)
def test_lists_cost_a_constant_number_of_queries(world, as_user, django_assert_max_num_queries, path):
    client = as_user(world.referrer.user)
    _fill(world, 3)
    with django_assert_max_num_queries(12) as small:
        assert client.get(path).status_code == 200
    _fill(world, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


def test_the_guardian_list_and_dashboard_page_are_constant_too(
    world, as_user, client, django_assert_max_num_queries
):
    _fill(world, 3)
    guardian = as_user(world.guardian.user)
    # 13: on PostgreSQL the audit chains' advisory lock, and (issue 23) the log row
    # stores "own visit" when it is written: the family's child ids, read once per request.
    with django_assert_max_num_queries(13) as small:
        guardian.get("/api/v1/referrals/")
    client.force_login(world.referrer.user)
    # The dashboard's sections (outcomes back and recently received included) and the nav
    # badges (waiting, unread messages, unread notices): a constant set of queries (one
    # more on PostgreSQL: the audit chains' advisory lock).
    with django_assert_max_num_queries(35) as page:
        assert client.get("/dashboard/").status_code == 200
    _fill(world, 27)
    with django_assert_max_num_queries(len(small.captured_queries)):
        guardian.get("/api/v1/referrals/")
    with django_assert_max_num_queries(len(page.captured_queries)):
        assert client.get("/dashboard/").status_code == 200
