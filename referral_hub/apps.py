from django.apps import AppConfig

from referral_hub.metrics import register_database_figures


class ReferralHubConfig(AppConfig):
    name = "referral_hub"

    def ready(self) -> None:
        register_database_figures()
