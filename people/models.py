"""Per-account preferences: the time zone pages show times in and the language pages
and e-mails are written in. One row per user, created on first write."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class AccountSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings"
    )
    # IANA name such as "America/Chicago"; empty until the browser or the person sets it.
    time_zone = models.CharField(max_length=64, blank=True, default="")
    # Empty: follow the browser (Accept-Language) or the language switcher.
    preferred_language = models.CharField(max_length=2, choices=Language.choices, blank=True, default="")
    # A guardian's choice: an e-mail (a link only) when there is news about a referral for
    # their child. Off: the notice centre still says it (docs/notices.md, "Families").
    referral_emails = models.BooleanField(default=True)
    # A guardian's choice, off until they tick it: a text (a status line and a link, never
    # the child's details) to ``text_number`` (E.164) when there is such news. A STOP
    # reply ends texts to the number for everyone (``outbox.models.TextOptOut``) without
    # touching this choice, so START resumes them.
    text_number = models.CharField(max_length=20, blank=True, default="")
    text_updates = models.BooleanField(default=False)
    # When the person last said yes to texts (what they agreed to, and when).
    text_updates_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"settings of user {self.user_id}"
