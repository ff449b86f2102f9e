"""Issue 26: a curator records a court order from their navigation, on a phone and on a
desktop: finds the child, reads who may consent, uploads the order. A refusal is said
beside its field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.pagecheck import DESKTOP, PHONE, check_page

pytestmark = pytest.mark.e2e


def test_a_curator_records_a_court_order_by_clicking(live_server_factory, new_page, monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    base = live_server_factory().url
    page = new_page()
    login(page, base, "curator")
    home = page.url
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.goto(home)
        page.get_by_role("navigation").get_by_role("link", name="Court orders", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Court orders: find the child")
        check_page(page, f"find at {size['width']} px")
        page.get_by_label("Child's name or number").fill("Mateo")
        page.get_by_role("button", name="Find").click()
        page.get_by_role("link", name="Mateo", exact=False).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Court orders for Mateo")
        check_page(page, f"child at {size['width']} px")

    form = page.locator("form:has(input[name=action][value=restriction])")
    form.get_by_label("Household member").select_option(index=1)
    form.get_by_label("What the order says").select_option("no_contact")
    form.get_by_label("Order number").fill("24-PO-900")
    form.get_by_role("button", name="Record the restriction").click()
    expect(page.locator("#id_restriction-document-error")).to_contain_text("Upload the order")
    check_page(page, "refused restriction")

    form = page.locator("form:has(input[name=action][value=restriction])")
    form.get_by_label("The order (PDF, PNG or JPEG, at most 10 MB)").set_input_files(
        {"name": "order.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
    )
    form.get_by_role("button", name="Record the restriction").click()
    expect(page.get_by_text("Recorded. The order is on file and in the access log.")).to_be_visible()
    expect(page.get_by_role("cell", name="24-PO-900")).to_be_visible()
