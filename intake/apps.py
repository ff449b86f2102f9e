from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent.decision import register_relation
        from consent.extensions import portal_panels
        from intake.selectors import contact_for_recipient, coordinator_relation
        from intake.views import portal_panel
        from referrals.contact import register_family_contact

        # The decision point learns the coordinators' relation to a child from here.
        register_relation("coordinator", coordinator_relation)
        # The recipient of a family's referral reads how to reach it (under its consent).
        register_family_contact(contact_for_recipient)
        if portal_panel not in portal_panels:
            portal_panels.append(portal_panel)

        from referral_hub import extensions

        extensions.register_nav_item(
            "intake.queue",
            label=_("Coordination queue"),
            url_name="intake-queue",
            roles=("coordinator",),
            order=130,
        )
        extensions.register_start_page("coordinator", url_name="intake-queue", order=40)
        # The directory's provider page and search offer "ask for help".
        extensions.register_slot_template("provider-actions", "intake", template="intake/_ask_button.html")
        extensions.register_slot_template("search-extras", "intake", template="intake/_dont_know_link.html")
        extensions.register_schema_enum_name("FamilyRequestStatusEnum", "intake.apis.STATUS_CHOICES")
        extensions.register_schema_enum_name("ContactMethodEnum", "intake.models.ContactMethod")
