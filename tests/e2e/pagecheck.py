"""What every browser test checks on every page it opens.

``assert_accessible(page)`` runs axe-core (vendored, see ``vendor/axe-core``) in the page
and fails on any serious or critical violation, naming the rule and the elements.
``assert_fits_phone(page)`` fails when the page scrolls sideways or a control sits
off-screen or is smaller than 24 px (WCAG 2.2 target size, minimum) at the current
viewport width. ``PHONE`` and ``DESKTOP`` are the two viewports the journeys use.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@lru_cache(maxsize=1)
def _axe_source() -> str:
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == AXE_SHA256, f"vendored axe.min.js changed: {digest}"
    return data.decode()


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of the given impacts on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's CSP does not block it.
        page.evaluate(_axe_source() + "\n;true")
    result = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def assert_accessible(page: Any, where: str = "") -> None:
    violations = axe_violations(page)
    label = where or page.url
    assert not violations, f"axe: serious/critical violations on {label}: " + "; ".join(
        f"{v['id']} ({v['impact']}: {v['help']}) at {v['nodes']}" for v in violations
    )


def phone_problems(page: Any) -> list[str]:
    """Sideways scroll, controls off-screen, tap targets under 24 px (inline text links
    are exempt, as WCAG's target-size rule exempts them)."""
    return list(
        page.evaluate(
            """() => {
            const problems = [];
            const vw = document.documentElement.clientWidth;
            const sw = document.scrollingElement.scrollWidth;
            if (sw > vw + 1) problems.push(`page scrolls sideways: ${sw}px content in a ${vw}px viewport`);
            const controls = document.querySelectorAll(
                'button, input:not([type=hidden]), select, textarea, a.button, [role=button], nav a');
            for (const el of controls) {
                const r = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                if (r.width === 0 && r.height === 0) continue;
                if (style.visibility === 'hidden' || el.closest('[hidden], .visually-hidden, .skip-link')) continue;
                const name = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || el.tagName).trim().slice(0, 40);
                if (r.right > vw + 1 || r.left < -1) problems.push(`off-screen control: ${name} (${Math.round(r.left)}..${Math.round(r.right)} of ${vw})`);
                const small = el.type === 'checkbox' || el.type === 'radio' ? 13 : 24;
                if (r.height < small - 0.5 && el.tagName !== 'A') problems.push(`tap target ${Math.round(r.height)}px high: ${name}`);
            }
            return problems;
        }"""
        )
    )


def assert_fits_phone(page: Any, where: str = "") -> None:
    problems = phone_problems(page)
    assert not problems, f"phone layout on {where or page.url}: " + "; ".join(problems)


def check_page(page: Any, where: str = "") -> None:
    """axe at the current viewport, and the phone checks when the viewport is narrow."""
    assert_accessible(page, where)
    if page.viewport_size and page.viewport_size["width"] <= PHONE["width"]:
        assert_fits_phone(page, where)
