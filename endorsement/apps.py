from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndorsementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "endorsement"
    verbose_name = "Endorsement process"

    def ready(self) -> None:
        from endorsement.services import REFERENCE_LINK, reference_link
        from outbox.links import register_minter

        register_minter(REFERENCE_LINK, reference_link)

        from endorsement.notices import register_notice_kinds

        register_notice_kinds()

        from referral_hub import extensions

        nav = extensions.register_nav_item
        nav(
            "endorsement.portfolio",
            label=_("My endorsement"),
            url_name="endorsement-portfolio",
            roles=("provider",),
            order=70,
        )
        nav(
            "endorsement.reviews",
            label=_("My reviews"),
            url_name="endorsement-reviews",
            roles=("reviewer",),
            order=80,
        )
        nav(
            "endorsement.curate",
            label=_("Endorsement applications"),
            url_name="endorsement-curate",
            roles=("curator",),
            order=100,
        )
        nav("endorsement.verify", label=_("Verify a credential"), url_name="verify", order=150)
        # Past due date plus grace: the lapse is recorded (curators then see it to reinstate).
        extensions.register_beat_entry(
            "endorsement-lapse",
            task="endorsement.tasks.lapse_endorsements",
            schedule=crontab(hour=0, minute=15),
        )
        extensions.register_beat_entry(
            "endorsement-renewal-due",
            task="endorsement.tasks.tell_renewal_due",
            schedule=crontab(hour=0, minute=20),
        )
        for enum, choices in (
            ("ApplicationStatusEnum", "endorsement.models.ApplicationStatus"),
            ("ApplicationKindEnum", "endorsement.models.ApplicationKind"),
            ("DocumentKindEnum", "endorsement.models.DocumentKind"),
            ("EntrySourceEnum", "endorsement.models.EntrySource"),
        ):
            extensions.register_schema_enum_name(enum, choices)
