from __future__ import annotations

import datetime
import random
import time
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from directory import synthetic
from directory.models import Discipline, Endorsement, Location, Organization, Provider

# One source for the index's SQL: the migration that creates it.
fts_migration = import_module("directory.migrations.0006_provider_search_vector")
knn_migration = import_module("directory.migrations.0009_location_earth_point")
trgm_migration = import_module("directory.migrations.0012_provider_name_trigram")
place_migration = import_module("directory.migrations.0017_place_discipline")
endorsed_migration = import_module("directory.migrations.0018_provider_endorsed_categories")


class Command(BaseCommand):
    help = (
        "Add N synthetic listings (realistic names, every discipline, endorsements that are "
        "verified, pending, expired or revoked, real US ZIP centroids). Bulk inserts in batches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--providers", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        total: int = options["providers"]
        if not 0 < total <= 5_000_000:
            raise CommandError("--providers must be between 1 and 5,000,000")
        rng = random.Random(options["seed"])
        batch_size: int = options["batch_size"]
        today = timezone.now().date()
        zips = synthetic.standard_zips()
        started = time.monotonic()

        # About 12 listings per organization, each organization in one ZIP.
        org_count = max(1, total // 12)
        org_zips = [rng.choice(zips) for _ in range(org_count)]
        orgs = [
            Organization(hsds_id=synthetic.rng_uuid(rng), name=synthetic.organization_name(rng, z[3]))
            for z in org_zips
        ]
        if Organization.objects.filter(hsds_id=orgs[0].hsds_id).exists():
            raise CommandError(
                f"Listings from --seed {options['seed']} are already here (ids are derived from the seed); "
                "use another seed to add more."
            )
        with transaction.atomic():
            for start in range(0, len(orgs), batch_size):
                Organization.objects.bulk_create(orgs[start : start + batch_size])

        deferred = self._drop_search_indexes()
        try:
            self._generate(rng, total, batch_size, today, zips, orgs, org_zips, options)
        finally:
            if deferred:
                self._restore_search_indexes()
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {total} providers in {org_count} organizations in {time.monotonic() - started:.1f}s"
            )
        )

    # Search indexes that a bulk load would otherwise maintain row by row (the GIN one
    # above all): building each once at the end is several times faster.
    DEFERRED_INDEXES = [(Provider, index) for index in Provider._meta.indexes] + [
        (Location, index) for index in Location._meta.indexes
    ]

    def _drop_search_indexes(self) -> bool:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            # Inside someone's transaction (a test) deferred FK checks forbid CREATE INDEX.
            return False
        with connection.cursor() as cursor:
            cursor.execute(fts_migration.DROP)
            cursor.execute(knn_migration.DROP)
            cursor.execute(trgm_migration.DROP)
            cursor.execute(place_migration.DROP)
            for category in endorsed_migration.CATEGORIES:
                cursor.execute(f"DROP INDEX IF EXISTS {endorsed_migration.index_name(category)}")
            for _model, index in self.DEFERRED_INDEXES:
                cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
        return True

    def _restore_search_indexes(self) -> None:
        self.stdout.write("Building the search indexes...")
        with connection.schema_editor(atomic=False) as editor:
            for model, index in self.DEFERRED_INDEXES:
                editor.add_index(model, index)
        with connection.cursor() as cursor:
            cursor.execute(fts_migration.CREATE)
            cursor.execute(knn_migration.CREATE)
            cursor.execute(trgm_migration.CREATE)
            cursor.execute(place_migration.CREATE)
            for category in endorsed_migration.CATEGORIES:
                cursor.execute(endorsed_migration.create_index(category), None)
            # Neighbours on neighbouring pages: a "near" search then reads a few hundred
            # pages of locations instead of one page per location (docs/operations.md).
            cursor.execute("CLUSTER directory_location USING location_lat_lng")
            # VACUUM sets the visibility map so counts can use index-only scans at once
            # instead of waiting for autovacuum; ANALYZE gives the planner real numbers.
            for table in ("directory_provider", "directory_location", "directory_endorsement"):
                cursor.execute(f"VACUUM ANALYZE {table}")

    def _generate(
        self,
        rng: random.Random,
        total: int,
        batch_size: int,
        today: datetime.date,
        zips: list[Any],
        orgs: list[Organization],
        org_zips: list[Any],
        options: dict[str, Any],
    ) -> None:
        disciplines = Discipline.values
        org_count = len(orgs)
        bar = tqdm(total=total, unit="providers", disable=options["no_progress"], desc="generate_directory")
        made = 0
        while made < total:
            n = min(batch_size, total - made)
            providers, homes, claims = [], [], []
            for _ in range(n):
                org_index = rng.randrange(org_count)
                discipline = disciplines[rng.randrange(len(disciplines))]
                fields = synthetic.provider_fields(rng, discipline, today)
                provider = Provider(
                    hsds_id=synthetic.rng_uuid(rng),
                    organization=orgs[org_index],
                    name=synthetic.person_name(rng, discipline),
                    **fields,
                )
                provider.search_text = provider.build_search_text(orgs[org_index].name)
                claim = synthetic.endorsement_fields(rng, discipline, today)
                if claim and claim["status"] == "verified":
                    # bulk_create skips Endorsement.save(): set the summary it would keep.
                    provider.verified_since, provider.verified_until = claim["issued_on"], claim["expires_on"]
                providers.append(provider)
                homes.append(org_zips[org_index])
                claims.append(claim)
            with transaction.atomic():
                Provider.objects.bulk_create(providers)
                locations, endorsements = [], []
                for provider, home, claim in zip(providers, homes, claims, strict=True):
                    locations.append(
                        Location(
                            hsds_id=synthetic.rng_uuid(rng),
                            provider=provider,
                            **synthetic.zip_location(home, rng),
                        )
                    )
                    if rng.random() < 0.1:  # a second office elsewhere
                        locations.append(
                            Location(
                                hsds_id=synthetic.rng_uuid(rng),
                                provider=provider,
                                **synthetic.zip_location(rng.choice(zips), rng),
                            )
                        )
                    if claim:
                        endorsements.append(Endorsement(provider=provider, **claim))
                Location.objects.bulk_create(locations)
                Endorsement.objects.bulk_create(endorsements)
            made += n
            bar.update(n)
        bar.close()
