from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from referral_hub import extensions

        extensions.register_schema_enum_name("GroupKindEnum", "groups.models.Kind")
