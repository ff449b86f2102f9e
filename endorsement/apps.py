from django.apps import AppConfig


class EndorsementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "endorsement"
    verbose_name = "Endorsement process"
