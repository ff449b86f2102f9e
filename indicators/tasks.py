"""Jobs of the indicators app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from indicators import rollups


@shared_task(name="indicators.tasks.refresh_indicator_rollups")
def refresh_indicator_rollups() -> dict[str, int]:
    return rollups.refresh_rollups()
