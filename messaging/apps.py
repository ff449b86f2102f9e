from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.extensions import register_verifier
        from cases.extensions import (
            case_annotators,
            register_case_list_column,
            register_case_page_section,
            register_team_change_listener,
        )
        from consent.hooks import register_access_end_hook
        from messaging.integrity import verify_messages
        from messaging.notices import register_notice_kinds
        from messaging.selectors import annotate_last_message, annotate_unread_count
        from messaging.services import chats_for_ended_consent, unread_after_team_change
        from messaging.views import case_rows

        # The case list (cases.selectors) applies these: `unread_count` per case for the viewer,
        # and `last_message_at`.
        for annotator in (annotate_unread_count, annotate_last_message):
            if annotator not in case_annotators:
                case_annotators.append(annotator)
        # The case page's chat section and the Cases page's chat column (cases shows them).
        register_case_page_section("messaging.chat", template="messaging/_case_chat.html", order=200)
        register_case_list_column(
            "messaging.chat",
            rows=case_rows,
            summary_template="messaging/_case_row_last.html",
            actions_template="messaging/_case_row_chat.html",
        )
        register_notice_kinds()
        # manage.py verify_audit also checks the chat history's MACs (messaging.integrity).
        register_verifier("chat history", verify_messages)
        # Revocation and recorded expiry: the users chatting under the consent (consent
        # tells each of them once; their sockets re-ask the policy).
        register_access_end_hook("messaging.chats", chats_for_ended_consent)
        # A case joining or leaving someone's list changes their unread total: they are told.
        register_team_change_listener("messaging.unread", unread_after_team_change)
