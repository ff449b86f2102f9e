from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = "Network indicators"

    def ready(self) -> None:
        from referral_hub import extensions

        extensions.register_nav_item(
            "indicators",
            label=_("Indicators"),
            url_name="indicators-dashboard",
            roles=("network_lead",),
            order=120,
        )
        extensions.register_start_page("network_lead", url_name="indicators-dashboard", order=50)
        # Network indicators for the standard views, so the dashboard reads one row.
        extensions.register_beat_entry(
            "indicators-rollups",
            task="indicators.tasks.refresh_indicator_rollups",
            schedule=crontab(minute=7),
        )
