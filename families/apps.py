from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from families.roles import guardian_of  # app registry must be ready before models load
        from people.roles import register_role

        register_role("guardian", guardian_of)
