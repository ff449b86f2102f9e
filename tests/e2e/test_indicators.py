"""The network lead reads the network's indicators in a real browser: opens the
dashboard, picks another quarter, sees the charts change, exports the CSV; and, on a
phone, a period the job has not published yet (issue 29): it is pending and says when it
will be ready, without figures, and links to the previous period, which is published.
One demo server for the module; the pending test runs last (it removes a period)."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from indicators.models import IndicatorRollup
from indicators.params import last_closed
from tests.e2e.conftest import login
from tests.e2e.pagecheck import PHONE, check_page

pytestmark = pytest.mark.e2e


def test_network_lead_changes_the_period_and_exports_the_csv(live_server_module, new_page):
    page = new_page()
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login(page, live_server_module.url, "network_lead")
    page.get_by_role("link", name="Indicators").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", level=1).inner_text() == "Network indicators"
    for title in (
        "Median days to first contact by month, against the 7-day target",
        "Referrals connected to services (%) by month sent",
        "Declined referrals by reason",
        "Declined referrals by discipline",
        "Screenings by instrument and result band",
    ):
        assert page.get_by_role("img", name=title).is_visible(), title
        assert page.get_by_role("table", name=f"{title} (data)").count() == 1
    connected = page.locator("#chart-connected svg")
    before = connected.inner_html()
    assert "7 d target" in page.locator("#chart-first-contact svg").inner_html()

    page.get_by_label("Period", exact=True).select_option("quarter")
    page.get_by_label("Starting", exact=True).fill("2025-01-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")

    assert "period=quarter" in page.url and "start=2025-01-01" in page.url
    summary = page.locator("#period-summary").inner_text()
    assert "Quarter 1 Jan 2025 to 31 Mar 2025 (90 days)" in summary
    assert "the quarter 1 Oct 2024 to 31 Dec 2024" in summary
    after = connected.inner_html()
    assert after != before
    months = page.get_by_role("table", name="Referrals connected to services (%) by month sent (data)")
    assert months.locator("tbody th").all_inner_texts() == ["2025-01", "2025-02", "2025-03"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename == "indicators-2025-01-01-2025-03-31.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
    assert {row["indicator"] for row in rows} >= {
        "children_referred",
        "connected",
        "first_contact",
        "declines",
    }
    for row in rows:
        if row["measure"] == "count" or row["measure"].endswith("_count"):
            assert row["value"] in ("0", "<11") or int(row["value"]) >= 11, row
    assert not [e for e in errors if not e.endswith("/favicon.ico")], errors  # the app has no icon


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
