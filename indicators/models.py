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


class MonthlyTally(models.Model):
    """The true counts of one calendar month's counted referrals (and consent events) for
    one recipient discipline and state (``indicators.tally.Tally`` as JSON): the
    pre-aggregated table every period and population is added up from
    (``indicators.monthly``). Never published as such: suppression runs on the figures
    added up from it, exactly as on figures computed from the rows. Holds up to 11 child
    ids per kind (for "at least 11 children"), no other child data."""

    month = models.DateField()  # the first day
    discipline = models.CharField(max_length=64, blank=True)  # "" : consents to an organization
    state = models.CharField(max_length=64, blank=True)  # the recipient's first location, "" none
    tally = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "discipline", "state"], name="monthly_tally_cell_unique")
        ]

    def __str__(self) -> str:
        return f"tally {self.month:%Y-%m} {self.discipline or '-'} {self.state or '-'}"


class TallyYear(models.Model):
    """When a calendar year's ``MonthlyTally`` rows were last computed (a year with no
    referral still has a row here)."""

    year = models.PositiveIntegerField(unique=True)
    computed_at = models.DateTimeField()
    compute_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"tallies {self.year} at {self.computed_at:%Y-%m-%d %H:%M}"
