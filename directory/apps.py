from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from directory.roles import provider_of  # app registry must be ready before models load
        from people.roles import register_role

        register_role("provider", provider_of)

        from notices.kinds import NoticeKind, register

        # Endorsement expiry reminders carry their label (dates, category): shown as given.
        register("endorsement.expiring", NoticeKind(category="reminder"))
