from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = "Network indicators"

    def ready(self) -> None:
        from indicators.rollups import HOURLY_MINUTE
        from referral_hub import extensions

        extensions.register_nav_item(
            "indicators",
            label=_("Indicators"),
            url_name="indicators-dashboard",
            roles=("network_lead",),
            order=120,
        )
        extensions.register_start_page("network_lead", url_name="indicators-dashboard", order=50)
        # Each period is published by the job, never by a read: as soon as a month (and
        # so maybe a quarter and a year) closes, and hourly as a backstop (a missed or
        # failed run, a state newly listed). Readers see "pending" until then.
        extensions.register_beat_entry(
            "indicators-publish-at-month-end",
            task="indicators.tasks.refresh_indicator_rollups",
            schedule=crontab(minute=0, hour=0, day_of_month=1),
        )
        extensions.register_beat_entry(
            "indicators-rollups",
            task="indicators.tasks.refresh_indicator_rollups",
            schedule=crontab(minute=HOURLY_MINUTE),
        )
