"""A renewal left undone lapses: the clock moves past the due date plus the grace
period (the term's dates are moved back 60 days, as if 60 days had passed), the lapse is
recorded, the directory and the verify page stop showing the provider as endorsed, and
a curator's recorded reinstatement brings it back."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

MOVE_CLOCK = """
import datetime
from directory.models import Endorsement
from endorsement.models import EndorsementTerm
e = Endorsement.objects.get(credential_number="MI-IFS-E000900")
t = EndorsementTerm.objects.get(endorsement=e)
shift = datetime.timedelta(days=60)
t.due_on -= shift; t.first_issued_on -= shift; t.save()
e.expires_on -= shift; e.issued_on -= shift; e.save()
"""


def test_an_unrenewed_endorsement_lapses_and_a_curator_reinstates_it(live_server_factory, new_page):
    group = live_server_factory(processes=1)
    base = group.url
    family = new_page()
    family.goto(base + "/?q=Taylor+Brooks")
    family.get_by_role("link", name="Taylor Brooks").click()
    profile = family.url
    expect(family.get_by_text("Infant Family Specialist (IMH-E®)")).to_be_visible()

    group.manage("shell", "-c", MOVE_CLOCK)
    assert "1 endorsement(s) lapsed." in group.manage("lapse_endorsements")

    family.goto(profile)
    expect(family.get_by_role("heading", level=1)).to_have_text("Taylor Brooks")
    expect(family.get_by_text("Infant Family Specialist (IMH-E®)")).to_have_count(0)
    family.goto(base + "/verify/?credential=MI-IFS-E000900")
    expect(family.locator("[data-status]")).to_have_text("expired")

    taylor = new_page()
    login(taylor, base, "renewing")
    taylor.goto(base + "/endorsement/")
    expect(taylor.locator("[data-renewal-status]")).to_have_text("lapsed")

    curator = new_page()
    login(curator, base, "curator")
    curator.goto(base + "/endorsement/curate/")
    lapsed = curator.locator("form[id^=lapsed-]")
    expect(lapsed).to_contain_text("Taylor Brooks")
    lapsed.get_by_label("New due date").fill(
        (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    )
    lapsed.get_by_label("Reason (recorded)").fill("Renewal hours verified late by the board.")
    lapsed.get_by_role("button", name="Reinstate").click()
    expect(curator.get_by_text("Endorsement reinstated.")).to_be_visible()

    family.goto(profile)
    expect(family.get_by_text("Infant Family Specialist (IMH-E®)")).to_be_visible()
