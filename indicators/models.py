"""Rollups: the published (already suppressed) report for the views network leads open
most, computed by a job so a read costs one query. Aggregates only: a rollup holds
exactly what the API would answer, never a child."""

from __future__ import annotations

from django.db import models


class IndicatorRollup(models.Model):
    # The filters as a canonical query string (from, to, area, discipline): the same
    # filters always find the same row.
    key = models.CharField(max_length=255, unique=True)
    period_from = models.DateField()
    period_to = models.DateField()
    report = models.JSONField()
    computed_at = models.DateTimeField(db_index=True)
    compute_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"indicators {self.key} at {self.computed_at:%Y-%m-%d %H:%M}"
