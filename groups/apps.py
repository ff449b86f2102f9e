from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.schedules import crontab

        from consent.extensions import portal_panels
        from directory.extensions import register_hsds_services
        from groups import hsds
        from groups.links import MINTER, registration_link
        from groups.views import portal_panel
        from outbox.links import register_minter
        from referral_hub import extensions

        extensions.register_schema_enum_name("GroupKindEnum", "groups.models.Kind")
        extensions.register_schema_enum_name(
            "GroupRegistrationStatusEnum", "groups.models.RegistrationStatus"
        )
        # The host's side (groups.host_views): the groups a provider runs.
        extensions.register_nav_item(
            "groups.host", label=_("My groups"), url_name="group-host-list", roles=("provider",), order=75
        )

        # A family without an account gets back to its registration from its e-mails.
        register_minter(MINTER, registration_link)
        # The family portal lists the family's groups (with cancel).
        if portal_panel not in portal_panels:
            portal_panels.append(portal_panel)
        # The directory's search shows a "Groups" tab beside providers.
        extensions.register_slot_template("search-tabs", "groups", template="groups/_search_tab.html")
        # The day-before reminders: hourly, each session within the next 24 hours.
        extensions.register_beat_entry(
            "group-session-reminders", task="groups.tasks.remind_group_sessions", schedule=crontab(minute=5)
        )
        # The HSDS export carries groups as services with schedules (directory cannot
        # import groups).
        register_hsds_services(
            "groups", export=hsds.services, lookup=hsds.lookup, count=hsds.count, page=hsds.page
        )
