"""Jobs of the indicators app (scheduled from the app's ready(): referral_hub.extensions.register_beat_entry)."""

from __future__ import annotations

from celery import shared_task

from indicators import rollups


@shared_task(name="indicators.tasks.refresh_indicator_rollups")
def refresh_indicator_rollups() -> dict[str, int]:
    return rollups.refresh_rollups()
