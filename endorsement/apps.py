from django.apps import AppConfig


class EndorsementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "endorsement"
    verbose_name = "Endorsement process"

    def ready(self) -> None:
        from endorsement.services import REFERENCE_LINK, reference_link
        from outbox.links import register_minter

        register_minter(REFERENCE_LINK, reference_link)
