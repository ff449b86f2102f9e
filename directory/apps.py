from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from directory.roles import provider_of  # app registry must be ready before models load
        from people.roles import register_role

        register_role("provider", provider_of)

        from notices.kinds import NoticeKind, register

        # Endorsement expiry reminders carry their label (dates, category): shown as given.
        register("endorsement.expiring", NoticeKind(category="reminder"))

        from directory.signup import SIGNUP_LINK, signup_link
        from outbox.links import register_minter
        from referral_hub import extensions

        register_minter(SIGNUP_LINK, signup_link)
        # The sign-in page offers providers the way in: sign up, then claim a listing.
        extensions.register_slot_template(
            "login-links", "directory", template="directory/_login_links.html", order=120
        )

        # The public search is the site's front page.
        extensions.register_home_page("home")
        extensions.register_nav_item("directory.search", label=_("Find help"), url_name="home", order=10)
        # Each curator queue is one nav item (issue 25, item 9: the listings queue was
        # linked from nowhere); endorsement adds "Endorsement applications".
        extensions.register_nav_item(
            "directory.curate",
            label=_("Verify endorsements"),
            url_name="curate",
            roles=("curator",),
            order=90,
        )
        extensions.register_nav_item(
            "directory.listings",
            label=_("Listings queue"),
            url_name="listing-queue",
            roles=("curator",),
            order=95,
        )
        extensions.register_nav_item(
            "directory.models",
            label=_("Model credentials"),
            url_name="curate-models",
            roles=("curator",),
            order=96,
        )
        extensions.register_start_page("curator", url_name="curate", order=30)
        extensions.register_beat_entry(
            "endorsement-expiry-reminders",
            task="directory.tasks.remind_endorsement_expiry",
            schedule=crontab(hour=13, minute=0),
        )
        extensions.register_beat_entry(
            "listing-confirmation-requests",
            task="directory.tasks.request_listing_confirmation",
            schedule=crontab(hour=13, minute=30),
        )
        extensions.register_schema_enum_name("CapacityEnum", "directory.models.Capacity")
        extensions.register_schema_enum_name("CapacityShownEnum", "directory.models.CAPACITY_CODES")
        extensions.register_schema_enum_name("ModelStatusEnum", "directory.models.ModelStatus")
        extensions.register_schema_enum_name(
            "CredentialVerificationEnum", "directory.models.CredentialVerification"
        )
