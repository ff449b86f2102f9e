from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent.decision import register_relation
        from consent.extensions import portal_panels
        from intake.selectors import coordinator_relation
        from intake.views import portal_panel

        # The decision point learns the coordinators' relation to a child from here.
        register_relation("coordinator", coordinator_relation)
        if portal_panel not in portal_panels:
            portal_panels.append(portal_panel)
