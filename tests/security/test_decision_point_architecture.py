"""Issue 23, "one decision point": the rule is written in consent only. Outside the
consent app no module filters consent rows by state or scope, or asks django-guardian
about a child; apps above consent ask ``consent.decision`` (or the per-provider forms
in ``consent.policies`` built on the same ``consent.rule``). A new exit that filtered
consents itself would be a second decision point: this test names it."""

from __future__ import annotations

import pathlib
import re

from referral_hub.apps_list import PROJECT_APPS

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Every app of the one list but consent itself (the decision point), the base and the
# outbox (they hold no consent question), and indicators (it counts consents granted and
# revoked: aggregates, never a child's data). A new app is checked by default.
APPS = tuple(app for app in PROJECT_APPS if app not in {"consent", "referral_hub", "outbox", "indicators"})
SECOND_DECISION = {
    "consents filtered by state": re.compile(r"Consent\.objects\.active\("),
    "consents filtered by scope": re.compile(
        r"\b(?:\w+__)?(?:purpose|category)_(?:referral|care_coordination|messaging|demographics|"
        r"screening_results|developmental_history|family_history|case_notes|caregiver_screening)\s*="
    ),
    "object permissions on a child": re.compile(
        r"has_perm\(|guardian\.shortcuts|get_objects_for_user|view_child"
    ),
}


def test_no_app_above_consent_decides_for_itself():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            for what, pattern in SECOND_DECISION.items():
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "ask consent.decision instead:\n" + "\n".join(found)


def test_the_decision_point_knows_every_relation_an_app_registered():
    from consent.decision import registered_relations

    assert registered_relations() == ("guardian", "consent", "coordinator")
