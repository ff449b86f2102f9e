"""Ship the default rule set (endorsement/rules/default.json) so a fresh install can
take applications. Later changes go through ``load_endorsement_rules``."""

import hashlib
import json
from pathlib import Path

from django.db import migrations

DEFAULT = Path(__file__).resolve().parent.parent / "rules" / "default.json"


def load_default(apps, schema_editor):
    RuleSet = apps.get_model("endorsement", "RuleSet")
    data = json.loads(DEFAULT.read_text())
    shared = {
        "rsc_consultant_categories": data.get("rsc_consultant_categories", []),
        "credential_prefix": data.get("credential_prefix", "RH"),
    }
    for category, entry in data["categories"].items():
        stored = {**entry, **shared}
        fingerprint = hashlib.sha256(json.dumps(stored, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        if not RuleSet.objects.filter(association=data["association"], category=category).exists():
            RuleSet.objects.create(
                association=data["association"], category=category, version=1, rules=stored, fingerprint=fingerprint
            )


class Migration(migrations.Migration):
    dependencies = [("endorsement", "0001_initial")]

    operations = [migrations.RunPython(load_default, migrations.RunPython.noop)]
