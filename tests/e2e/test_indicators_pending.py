"""A period the job has not published yet, on a phone (issue 29): the network lead reads
that it is pending and when it will be ready, without figures, and goes to the previous
period, which is published."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from indicators.models import IndicatorRollup
from indicators.params import last_closed
from tests.e2e.conftest import login
from tests.e2e.pagecheck import PHONE, check_page

pytestmark = pytest.mark.e2e


def test_the_lead_sees_a_pending_month_on_a_phone_and_goes_to_the_one_before(live_server_module, new_page):
    base = live_server_module.url
    month = last_closed("month", datetime.datetime.now(datetime.UTC).date())
    key = f"month:{month.start.isoformat()}:all"
    # As in the minutes after the month closed, before the job's boundary run ended: the
    # demo's periods are published (seed_demo runs the job), all but this month.
    assert (
        live_server_module.read(lambda db: IndicatorRollup.objects.using(db).filter(key=key).delete()[0]) == 1
    )

    page = new_page()
    page.set_viewport_size(PHONE)
    login(page, base, "network_lead")
    page.goto(f"{base}/indicators/?period=month&start={month.start.isoformat()}")
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("Not published yet.")
    expect(notice).to_contain_text("after the next publication run, at")
    expect(page.locator("#chart-connected")).to_have_count(0)
    expect(page.get_by_role("table", name="Capacity by discipline", exact=False)).to_be_visible()
    check_page(page, "indicators, a pending month (phone)")

    notice.get_by_role("link", name="See the previous period, which is published").click()
    expect(page.locator("#figures-age")).to_contain_text("Figures as of")
    expect(page.get_by_role("img", name="Referrals connected to services (%) by month sent")).to_be_visible()
    assert f"start={month.previous().start.isoformat()}" in page.url
    check_page(page, "indicators, the month before (phone)")
