from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "families"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.extensions import register_own_visit, register_verifier
        from families.integrity import verify_guardians
        from families.password_reset import RESET_LINK, reset_link
        from families.roles import guardian_of, is_family_of  # app registry must be ready before models load
        from families.services import CONFIRM_LINK, INVITATION_LINK, confirm_link, invitation_mail_link
        from outbox.links import register_minter
        from people.roles import register_role

        register_role("guardian", guardian_of)
        register_minter(CONFIRM_LINK, confirm_link)
        register_minter(INVITATION_LINK, invitation_mail_link)
        register_minter(RESET_LINK, reset_link)
        # The access log asks, when it writes a row, whether the actor is the child's own
        # family, and stores the answer in the row (never recomputed when it is read).
        register_own_visit(is_family_of)
        # ... and verify_audit reports a guardian row the app did not write.
        register_verifier("guardians", verify_guardians)

        from referral_hub.extensions import register_schema_enum_name, register_slot_template

        # Who a household member is to the child: every relationship (the authority lists),
        # and the ones a family or a provider may give (registration, invitation).
        register_schema_enum_name("RelationshipEnum", "families.models.Relationship")
        register_schema_enum_name("HouseholdRelationshipEnum", "families.models.HOUSEHOLD_RELATIONSHIPS")

        # The sign-in page and the account settings link to the family's password reset
        # (and the sign-in page to the family sign-up).
        register_slot_template("login-links", "families", template="families/_login_links.html")
        register_slot_template(
            "account-password-links", "families", template="families/_account_password_links.html"
        )
