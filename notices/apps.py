from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notices.context_processors import notice_counts
        from referral_hub.extensions import register_context_processor, register_nav_item

        register_context_processor("notices.counts", notice_counts)
        register_nav_item(
            "notices",
            label=_("Notices"),
            url_name="notices",
            signed_in=True,
            order=140,
            badge_template="notices/_nav_badge_notices.html",
        )
