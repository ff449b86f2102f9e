from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from referral_hub import extensions

        # The host's side (groups.host_views): the groups a provider runs.
        extensions.register_nav_item(
            "groups.host", label=_("My groups"), url_name="group-host-list", roles=("provider",), order=75
        )
        extensions.register_schema_enum_name("GroupKindEnum", "groups.models.Kind")
