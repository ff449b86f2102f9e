from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.extensions import register_case_page_section
        from consent.hooks import register_access_end_hook
        from referrals.notices import register_notice_kinds
        from referrals.selectors import case_page_referrals
        from referrals.services import access_end_for_consent

        register_notice_kinds()
        # The case page (cases) lists the case's referrals the viewer may see.
        register_case_page_section(
            "referrals", template="referrals/_case_referrals.html", context=case_page_referrals, order=100
        )
        # Revocation and recorded expiry: referral permissions end inside consent's
        # transaction (care-team memberships are cases' hook); consent tells each
        # affected user once.
        register_access_end_hook("referrals.permissions", access_end_for_consent)
