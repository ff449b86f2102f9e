from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent.hooks import register_access_end_hook
        from referrals.notices import register_notice_kinds
        from referrals.services import access_end_for_consent

        register_notice_kinds()
        # Revocation and recorded expiry: memberships and referral permissions end
        # inside consent's transaction; consent tells each affected user once.
        register_access_end_hook("referrals.care_team_and_permissions", access_end_for_consent)
