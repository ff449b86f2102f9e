"""What a family hears about its own request for help (a referral with ``source =
family``): every status change, in the app and by e-mail, in each guardian's language.
Like every referral e-mail: a link only, nothing about the child."""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from families.models import Guardian
from outbox.services import outbox_notice_and_email
from people.preferences import language_of
from referral_hub.sitelinks import absolute_url
from referrals.models import Referral, ReferralStatus

S = ReferralStatus

# The family portal's words for each status (kept with the e-mail so both agree).
STATUS_WORDS: dict[str, Promise] = {
    S.SENT: pgettext_lazy("referral status for a family", "Sent"),
    S.RECEIVED: pgettext_lazy("referral status for a family", "Received"),
    S.ACCEPTED: pgettext_lazy("referral status for a family", "Accepted"),
    S.DECLINED: pgettext_lazy("referral status for a family", "Declined"),
    S.SCHEDULED: pgettext_lazy("referral status for a family", "Appointment scheduled"),
    S.COMPLETED: pgettext_lazy("referral status for a family", "Completed"),
    S.CANCELLED: pgettext_lazy("referral status for a family", "Cancelled"),
}
PORTAL_PATH = "/portal/referrals/"


def status_word(status: str) -> str:
    """The status in the active language."""
    word = STATUS_WORDS.get(status)
    return str(word) if word is not None else status


def notify_family(referral: Referral, *, suppress_email: bool = False) -> None:
    """Each guardian of the child: an in-app notice and an e-mail in their language,
    once per referral, status and guardian (the outbox key), after commit."""
    guardians = Guardian.objects.filter(family__children=referral.child_id).select_related("user")
    link = absolute_url(PORTAL_PATH)
    for guardian in guardians:
        user = guardian.user
        language = language_of(user)
        with translation.override(language):
            word = status_word(referral.status)
            outbox_notice_and_email(
                user=user,
                key=f"referral:{referral.pk}:{referral.status}:family:{user.pk}",
                kind="referral.status_changed",
                email_kind="referral",
                language=language,
                payload={"referral_id": referral.pk, "status": referral.status, "label": word},
                subject=_("Update on your referral: %(status)s") % {"status": word},
                body=_(
                    "Your request for help has a new status: %(status)s.\n\n"
                    "Sign in to see it: %(link)s\n\n"
                    "For privacy, details are only shown after you sign in."
                )
                % {"status": word, "link": link},
                email=not suppress_email,
            )
