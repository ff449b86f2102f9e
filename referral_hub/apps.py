from django.apps import AppConfig

from referral_hub.metrics import register_database_figures


class ReferralHubConfig(AppConfig):
    name = "referral_hub"

    def ready(self) -> None:
        from referral_hub.extensions import register_nav_item

        register_database_figures()
        # The API documentation (served by the base itself); the label is a name, not
        # translated.
        register_nav_item("referral_hub.api", label="API", url_name="swagger-ui", order=160)
