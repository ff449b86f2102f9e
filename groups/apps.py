from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from referral_hub import extensions

        extensions.register_schema_enum_name("GroupKindEnum", "groups.models.Kind")

        from directory.extensions import register_hsds_services
        from groups import hsds

        # The HSDS export carries groups as services with schedules (directory cannot
        # import groups).
        register_hsds_services(
            "groups", export=hsds.services, lookup=hsds.lookup, count=hsds.count, page=hsds.page
        )
