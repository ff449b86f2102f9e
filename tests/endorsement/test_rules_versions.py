"""Rules are data: ``load_endorsement_rules`` adds a version when a category's rules
change, loads the same file twice without effect, and never re-judges a decision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from endorsement.models import Application, RuleSet
from endorsement.selectors import application_requirements
from endorsement.services import rules_load

pytestmark = pytest.mark.django_db
DEFAULT = Path(__file__).resolve().parents[2] / "endorsement" / "rules" / "default.json"


def test_the_default_rules_ship_with_the_public_figures():
    rules = RuleSet.objects.get(category="infant_mental_health_specialist", version=1).rules
    application = {r["name"]: r["required"] for r in rules["application"]}
    renewal = {r["name"]: r["required"] for r in rules["renewal"]}
    assert application["rsc_hours"] == 50 and application["references"] == 3
    assert renewal == {
        "training_hours": 15,
        "dei_training_hours": 1,
        "rsc_provider_training_hours": 3,
        "rsc_hours": 12,
        "ethics_attestation": 1,
    }
    family = RuleSet.objects.get(category="infant_family_specialist", version=1).rules
    assert {r["name"]: r["required"] for r in family["application"]}["rsc_hours"] == 24


def test_a_change_makes_a_new_version_and_the_same_file_changes_nothing(tmp_path, capsys):
    data = json.loads(DEFAULT.read_text())
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data))
    call_command("load_endorsement_rules", str(path))
    assert RuleSet.objects.filter(version=2).count() == 0
    data["categories"]["infant_family_specialist"]["application"][1]["required"] = 30
    path.write_text(json.dumps(data))
    call_command("load_endorsement_rules", str(path))
    assert list(RuleSet.objects.filter(version=2).values_list("category", flat=True)) == [
        "infant_family_specialist"
    ]
    assert "1 rule set(s) changed" in capsys.readouterr().out


def test_an_approved_application_keeps_the_requirements_it_was_judged_by(demo):
    application = demo["endorsement"]["application"]
    application.status = "approved"
    application.decision_snapshot = {
        "requirements": [{"rule": "rsc_hours", "required": 24.0, "have": 26.0, "met": True}]
    }
    application.save()
    data = json.loads(DEFAULT.read_text())
    data["categories"]["infant_family_specialist"]["application"][1]["required"] = 100
    rules_load(data=data)
    judged = application_requirements(Application.objects.get(pk=application.pk))
    assert judged == [{"rule": "rsc_hours", "required": 24.0, "have": 26.0, "met": True}]


def test_a_bad_rules_file_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": 1, "association": "X", "categories": {"wizard": {}}}))
    with pytest.raises(CommandError, match="Unknown categories: wizard"):
        call_command("load_endorsement_rules", str(path))
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "association": "X",
                "categories": {
                    "infant_family_associate": {"application": [{"kind": "vibes", "required": 1}]}
                },
            }
        )
    )
    with pytest.raises(CommandError, match="unknown rule kind"):
        call_command("load_endorsement_rules", str(path))
