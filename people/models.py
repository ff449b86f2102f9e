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
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"settings of user {self.user_id}"
