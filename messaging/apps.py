from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from consent.signals import consent_revoked
        from messaging.receivers import close_chats_on_consent_revoked
        from messaging.selectors import annotate_unread_count
        from referrals.extensions import case_annotators

        # The referrals case list applies this: `unread_count` per case for the viewer.
        if annotate_unread_count not in case_annotators:
            case_annotators.append(annotate_unread_count)
        consent_revoked.connect(close_chats_on_consent_revoked, dispatch_uid="messaging.close_chats")
