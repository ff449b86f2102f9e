from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.services import care_team_end_for_consent
        from consent.hooks import register_access_end_hook

        # Revocation and recorded expiry: care-team memberships end inside consent's
        # transaction; the hook returns the users it touched and consent tells each once.
        register_access_end_hook("cases.care_team", care_team_end_for_consent)
