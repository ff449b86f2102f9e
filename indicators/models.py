"""Published periods: each closed period's indicators for one population, stored as
published (already suppressed) the first time they are computed and never recomputed
(``indicators.publication``). Aggregates only: a row holds exactly what the API
answers, never a child."""

from __future__ import annotations

from django.db import models


class IndicatorRollup(models.Model):
    # "<kind>:<start>:<population>", e.g. "quarter:2026-07-01:all",
    # "quarter:2026-07-01:discipline:pediatrician", "month:2026-11-01:all". ``report``
    # holds {"block": the published indicators, "cells": each count as published}.
    key = models.CharField(max_length=255, unique=True)
    period_from = models.DateField()
    period_to = models.DateField()
    report = models.JSONField()
    computed_at = models.DateTimeField(db_index=True)
    compute_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"indicators {self.key} at {self.computed_at:%Y-%m-%d %H:%M}"
