"""Reading and changing an account's time zone and preferred language.

Pages, e-mails, texts and notices ask ``time_zone_of`` / ``language_of`` (the one answer to
"which language does this person read?", with one fallback order); the API and the pages write
through ``update_preferences``. A zone must be an IANA name this machine's tz database
knows; a language one of ``settings.LANGUAGES``."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from people.models import AccountSettings
from people.roles import Actor
from referral_hub.errors import ApplicationError

DEFAULT_TIME_ZONE = "America/New_York"


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def language_codes() -> tuple[str, ...]:
    return tuple(code for code, _ in settings.LANGUAGES)


def settings_of(user: Actor) -> AccountSettings | None:
    """The account's settings row (cached on the user object for the request)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if hasattr(user, "_account_settings_cache"):
        cached: AccountSettings | None = user._account_settings_cache
        return cached
    row = AccountSettings.objects.filter(user=user).first()
    user._account_settings_cache = row  # type: ignore[attr-defined]  # per-request memo
    return row


def time_zone_of(user: Actor) -> str:
    """The account's zone, or empty when none was ever set."""
    row = settings_of(user)
    return row.time_zone if row is not None else ""


def language_of(user: Actor | None, fallback: str | None = None) -> str:
    """The language to address ``user`` in, on a page, in an e-mail, a text or a notice.
    The first of these that the site serves (``settings.LANGUAGES``) wins:

    1. the account's preferred language (chosen on the account page, through
       ``PATCH /api/v1/me/`` or with the language switcher while signed in);
    2. ``fallback``: what the caller knows of this reader without an account choice (the
       request's language for a page, the page's language at sign-up, the language a
       child or a family's request was recorded in); regional forms count as their
       language (``es-MX`` is ``es``);
    3. the site's default, ``settings.LANGUAGE_CODE``.

    ``user`` may be anonymous or ``None`` (someone without an account yet)."""
    row = settings_of(user) if user is not None else None
    served = language_codes()
    for candidate in (row.preferred_language if row is not None else "", (fallback or "")[:2]):
        if candidate in served:
            return candidate
    return str(settings.LANGUAGE_CODE)[:2]


def referral_emails_wanted(user: Actor) -> bool:
    """Does this person want an e-mail when there is news about a referral for their
    child? Yes unless they turned it off on the settings page (the notice centre tells
    them either way)."""
    row = settings_of(user)
    return row.referral_emails if row is not None else True


def text_number_for(user: Actor) -> str:
    """The number to text this person news at (E.164), or "" unless they chose texts.
    Whether the number replied STOP is the outbox's to check when a text is due."""
    row = settings_of(user)
    return row.text_number if row is not None and row.text_updates and row.text_number else ""


def text_choice(user: Actor) -> tuple[str, bool]:
    """What the account holds: the number given for texts and whether texts are on."""
    row = settings_of(user)
    return (row.text_number, row.text_updates) if row is not None else ("", False)


@transaction.atomic
def update_text_updates(user: User, *, number: str, wanted: bool) -> AccountSettings:
    """Turn texts on (to ``number``, E.164) or off. On needs a number; turning them on
    again records when the person agreed."""
    if wanted and not number:
        raise ApplicationError("phone_required", "Enter the number to text.", status=400)
    row, _ = AccountSettings.objects.select_for_update().get_or_create(user=user)
    if wanted and not (row.text_updates and row.text_number == number):
        row.text_updates_since = timezone.now()
    row.text_number = number
    row.text_updates = wanted
    row.save()
    user._account_settings_cache = row  # type: ignore[attr-defined]  # per-request memo
    return row


def chosen_language(user: Actor) -> str:
    """What the account itself holds (``/api/v1/me/``): a language, or empty when the
    person never chose one. To address someone, ask ``language_of``."""
    row = settings_of(user)
    return row.preferred_language if row is not None else ""


def validate_time_zone(value: str) -> str:
    if value not in known_time_zones():
        raise ApplicationError(
            "invalid_time_zone",
            f"{value!r} is not an IANA time zone name (for example America/Chicago).",
            status=400,
        )
    return value


def validate_language(value: str) -> str:
    if value not in language_codes():
        raise ApplicationError(
            "invalid_language",
            f"preferred_language must be one of: {', '.join(language_codes())}.",
            status=400,
        )
    return value


@transaction.atomic
def update_preferences(
    user: User,
    *,
    time_zone: str | None = None,
    preferred_language: str | None = None,
    referral_emails: bool | None = None,
) -> AccountSettings:
    """Set any of them; values are validated before anything is written."""
    if time_zone is not None:
        validate_time_zone(time_zone)
    if preferred_language is not None:
        validate_language(preferred_language)
    row, _ = AccountSettings.objects.select_for_update().get_or_create(user=user)
    if time_zone is not None:
        row.time_zone = time_zone
    if preferred_language is not None:
        row.preferred_language = preferred_language
    if referral_emails is not None:
        row.referral_emails = referral_emails
    row.save()
    user._account_settings_cache = row  # type: ignore[attr-defined]  # per-request memo
    return row
