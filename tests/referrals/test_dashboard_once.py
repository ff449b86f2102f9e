"""The provider dashboard lists each referral once (issue 25: on a phone it was about
5,300 px with each referral listed twice, in "Inbox" and again in "Recently received"):
the most pressing list holds it, and the others say how many of theirs are elsewhere."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["pediatrician", "slp", "imh_clinician"])
def test_each_referral_is_listed_once(client, demo, username):
    client.force_login(User.objects.get(username=username))
    html = client.get("/dashboard/").content.decode()
    ids = re.findall(r'data-referral-id="(\d+)"', html)
    assert ids and len(ids) == len(set(ids)), ids


def test_a_list_says_how_many_of_its_referrals_are_in_another(client, demo):
    client.force_login(User.objects.get(username="slp"))
    html = client.get("/dashboard/").content.decode()
    assert re.search(r"(One more is|\d+ more are) in (another list|other lists) on this page", html)
