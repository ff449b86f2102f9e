from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent.notices import register_notice_kinds

        register_notice_kinds()

        from referral_hub import extensions

        nav = extensions.register_nav_item
        nav("consent.portal", label=_("My family"), url_name="portal", roles=("guardian",), order=20)
        nav(
            "consent.household",
            label=_("Who may consent"),
            url_name="portal-household",
            roles=("guardian",),
            order=25,
        )
        nav(
            "consent.provider",
            label=_("My children"),
            url_name="portal-provider",
            roles=("provider",),
            order=60,
        )
        # Network staff and care coordinators record court orders (issue 26).
        nav(
            "consent.authority",
            label=_("Court orders"),
            url_name="authority-find",
            roles=("curator", "coordinator"),
            order=135,
        )
        extensions.register_start_page("guardian", url_name="portal", order=10)
        # After inviting a family, the provider goes back to their children.
        extensions.register_slot_template(
            "invite-done-links", "consent", template="consent/_invite_done_links.html"
        )
        # Daily jobs at fixed UTC times; idempotent, so a second beat or a manual run sends
        # nothing twice.
        extensions.register_beat_entry(
            "consent-expire", task="consent.tasks.expire_consents", schedule=crontab(hour=0, minute=5)
        )
        extensions.register_beat_entry(
            "consent-expiry-notices",
            task="consent.tasks.notify_expiring_consents",
            schedule=crontab(hour=14, minute=0),
        )
        # Hourly: the family hears of refused attempts on a child's record within the
        # hour, at most once per child and day (the notice's count follows while unread).
        extensions.register_beat_entry(
            "consent-refusal-notices",
            task="consent.tasks.notify_refused_attempts",
            schedule=crontab(minute=15),
        )
        extensions.register_schema_enum_name("ConsentStatusEnum", "consent.models.ConsentStatus")
        extensions.register_schema_enum_name("DataCategoryEnum", "consent.models.DataCategory")
        extensions.register_schema_enum_name("RestrictionKindEnum", "families.models.RestrictionKind")
        extensions.register_schema_enum_name("AuthorityBasisEnum", "families.models.AuthorityBasis")
