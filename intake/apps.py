from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent.extensions import portal_panels
        from intake.views import portal_panel

        if portal_panel not in portal_panels:
            portal_panels.append(portal_panel)
