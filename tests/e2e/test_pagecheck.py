"""The page checks used by every journey can fail: a page with known faults is caught."""

from __future__ import annotations

import pytest

from tests.e2e.pagecheck import PHONE, axe_violations, phone_problems

pytestmark = pytest.mark.e2e

FAULTY = """<!doctype html><html><head><title>t</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="unlabelled">
<div style="width:900px">wide</div>
<button style="height:12px;padding:0;font-size:8px">tiny</button>
</main></body></html>"""

CLEAN = """<!doctype html><html lang="en"><head><title>t</title></head><body><main>
<h1>Fine</h1><label for="q">Search</label><input id="q" type="text" style="min-height:24px"><button style="min-height:24px">Go</button>
</main></body></html>"""


def test_checks_catch_known_faults_and_pass_a_clean_page(new_page):
    page = new_page()
    page.set_viewport_size(PHONE)
    page.set_content(FAULTY)
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= ids
    problems = " ".join(phone_problems(page))
    assert "scrolls sideways" in problems and "tap target" in problems

    page.set_content(CLEAN)
    assert axe_violations(page) == []
    assert phone_problems(page) == []
