from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.extensions import register_verifier
        from consent.signals import consent_revoked
        from messaging.integrity import verify_messages
        from messaging.notices import register_notice_kinds
        from messaging.receivers import close_chats_on_consent_revoked
        from messaging.selectors import annotate_last_message, annotate_unread_count
        from referrals.extensions import case_annotators

        # The referrals case list applies these: `unread_count` per case for the viewer,
        # and `last_message_at`.
        for annotator in (annotate_unread_count, annotate_last_message):
            if annotator not in case_annotators:
                case_annotators.append(annotator)
        register_notice_kinds()
        # manage.py verify_audit also checks the chat history's MACs (messaging.integrity).
        register_verifier("chat history", verify_messages)
        consent_revoked.connect(close_chats_on_consent_revoked, dispatch_uid="messaging.close_chats")
