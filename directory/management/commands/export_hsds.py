from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from directory import extensions, hsds, selectors


class Command(BaseCommand):
    help = (
        "Write the directory as HSDS 3.0 JSON: DIR/organizations.json and DIR/services.json "
        "(arrays of organization and fully nested service objects). Only verified, unexpired "
        "endorsements are exported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["directory"]
        out.mkdir(parents=True, exist_ok=True)
        orgs = [hsds.organization_to_hsds(o) for o in selectors.organizations_list()]
        (out / "organizations.json").write_text(json.dumps(orgs, indent=1), encoding="utf-8")
        count = 0
        # Streamed so a million listings do not have to fit in memory at once.
        with (out / "services.json").open("w", encoding="utf-8") as handle:
            handle.write("[\n")
            for provider in selectors.providers_for_export().iterator(chunk_size=2000):
                if count:
                    handle.write(",\n")
                handle.write(json.dumps(hsds.service_to_hsds(provider)))
                count += 1
            # Services other apps contribute (groups and events, with their schedules).
            for service in extensions.more_hsds_services():
                if count:
                    handle.write(",\n")
                handle.write(json.dumps(service))
                count += 1
            handle.write("\n]\n")
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(orgs)} organizations and {count} services to {out}")
        )
