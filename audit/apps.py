from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit import metrics
        from referral_hub.extensions import register_beat_entry, register_metric_collector, register_nav_item

        register_nav_item(
            "audit.export",
            label=_("Access log export"),
            url_name="audit-export",
            roles=("curator",),
            order=110,
        )
        # HMAC seal of the audit chains' heads: bounds how many newest rows could vanish
        # unnoticed; a run with nothing new writes nothing.
        register_beat_entry("audit-seal", task="audit.tasks.seal_audit", schedule=300.0)
        register_metric_collector("audit", metrics.collect)
