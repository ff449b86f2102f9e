from django.apps import AppConfig


class ReferralHubConfig(AppConfig):
    name = "referral_hub"
