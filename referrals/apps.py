from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        # A recipient without an account: its one-time links are made when mailed.
        from outbox.links import register_minter
        from referrals.partners import LINK_MINTER, link_text_dropped, mint_link

        register_minter(LINK_MINTER, mint_link, on_dropped=link_text_dropped)
        # The case page (cases) lists the case's referrals the viewer may see.
        register_case_page_section(
            "referrals", template="referrals/_case_referrals.html", context=case_page_referrals, order=100
        )
        # Revocation and recorded expiry: referral permissions end inside consent's
        # transaction (care-team memberships are cases' hook); consent tells each
        # affected user once.
        register_access_end_hook("referrals.permissions", access_end_for_consent)
        # A partner without an account signs up and claims its listing: it sees the
        # referrals sent to the listing (directory announces the claim).
        from directory.extensions import register_claim_listener
        from referrals.services import referrals_for_claimed_listing

        register_claim_listener("referrals.recipient", referrals_for_claimed_listing)

        from consent.extensions import register_request_asked, register_request_return
        from referrals.drafts import referral_draft_keep

        register_request_asked(referral_draft_keep)
        from referral_hub import extensions
        from referrals import metrics
        from referrals.context_processors import nav_counts
        from referrals.links import referral_form_url

        # The navigation's counts (referrals waiting; unread case-chat messages).
        extensions.register_context_processor("referrals.nav_counts", nav_counts)
        nav = extensions.register_nav_item
        nav(
            "referrals.portal",
            label=_("Referrals"),
            url_name="portal-referrals",
            roles=("guardian",),
            order=30,
        )
        nav(
            "referrals.dashboard",
            label=_("Dashboard"),
            url_name="referrals-dashboard",
            roles=("provider",),
            order=40,
            badge_template="referrals/_nav_badge_waiting.html",
        )
        # The Cases page (cases) with its unread-messages badge, counted here.
        nav(
            "cases",
            label=_("Cases"),
            url_name="cases",
            roles=("provider",),
            order=50,
            badge_template="referrals/_nav_badge_unread.html",
        )
        # A provider asks a family to share from the referral form, and returns to it.
        register_request_return(referral_form_url)
        extensions.register_start_page("provider", url_name="referrals-dashboard", order=20)
        # Coordinators land on the dashboard unless an app above gives them their own page.
        extensions.register_start_page("coordinator", url_name="referrals-dashboard", order=40)
        extensions.register_beat_entry(
            "referral-clock-reminders", task="referrals.tasks.remind_part_c_clocks", schedule=900.0
        )
        extensions.register_metric_collector("referrals", metrics.collect)
        for enum, choices in (
            ("ReferralStatusEnum", "referrals.models.ReferralStatus"),
            ("AttachableDataCategoryEnum", "referrals.services.ATTACHABLE_CATEGORIES"),
            ("ReferralSourceEnum", "referrals.models.ReferralSource"),
            ("NextStepKindEnum", "referrals.models.StepKind"),
            ("NeedsMetEnum", "referrals.models.NeedsMet"),
            ("BarrierEnum", "referrals.models.Barrier"),
        ):
            extensions.register_schema_enum_name(enum, choices)
