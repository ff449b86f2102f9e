"""A renewal left undone lapses: the scheduled lapse job runs under a frozen clock set to
the day after the due date plus grace, against the live server's database; the lapse is
recorded in the directory, so the profile and the verify page stop showing the provider
as endorsed (the server itself runs on the real clock), and a curator's recorded
reinstatement brings it back."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

# Run in a manage.py process with the live server's settings and database: the beat
# task itself (endorsement.tasks.lapse_endorsements), under time-machine.
LAPSE_JOB_FROZEN = """
import datetime, time_machine
from endorsement.models import EndorsementTerm
from endorsement.tasks import lapse_endorsements
term = EndorsementTerm.objects.select_related("rule_set").get(endorsement__credential_number="MI-IFS-E000900")
day_after = datetime.datetime.combine(term.lapses_on + datetime.timedelta(days=1), datetime.time(12), datetime.UTC)
with time_machine.travel(day_after, tick=False):
    print(lapse_endorsements.apply().get(), lapse_endorsements.apply().get())
"""


def test_an_unrenewed_endorsement_lapses_and_a_curator_reinstates_it(live_server_factory, new_page):
    group = live_server_factory(processes=1)
    base = group.url
    family = new_page()
    family.goto(base + "/?q=Taylor+Brooks")
    family.get_by_role("link", name="Taylor Brooks").click()
    profile = family.url
    expect(family.get_by_text("Infant Family Specialist (IMH-E®)")).to_be_visible()

    ran = group.manage("shell", "-c", LAPSE_JOB_FROZEN).strip().splitlines()[-1]
    assert ran == "{'lapsed': 1} {'lapsed': 0}", "lapsed once; a second run changes nothing"

    family.goto(profile)
    expect(family.get_by_role("heading", level=1)).to_have_text("Taylor Brooks")
    expect(family.get_by_text("Infant Family Specialist (IMH-E®)")).to_have_count(0)
    family.goto(base + "/verify/?credential=MI-IFS-E000900")
    expect(family.locator("[data-status]")).to_have_text("Expired")

    taylor = new_page()
    login(taylor, base, "renewing")
    taylor.goto(base + "/endorsement/")
    expect(taylor.locator("[data-renewal-status]")).to_have_text("Lapsed")

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
