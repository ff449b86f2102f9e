"""What a family hears about its own request for help (a referral with ``source =
family``): every status change, in the app and by e-mail, in each guardian's language.
Like every referral e-mail: a link only, nothing about the child."""

from __future__ import annotations

from django.conf import settings

from families.models import Guardian
from outbox.services import outbox_email, outbox_notify
from people.preferences import language_of
from referrals.models import Referral, ReferralStatus

S = ReferralStatus

# The family portal's words for each status (kept with the e-mail so both agree).
STATUS_WORDS: dict[str, dict[str, str]] = {
    "en": {
        S.SENT: "Sent",
        S.RECEIVED: "Received",
        S.ACCEPTED: "Accepted",
        S.DECLINED: "Declined",
        S.SCHEDULED: "Appointment scheduled",
        S.COMPLETED: "Completed",
        S.CANCELLED: "Cancelled",
    },
    "es": {
        S.SENT: "Enviada",
        S.RECEIVED: "Recibida",
        S.ACCEPTED: "Aceptada",
        S.DECLINED: "Rechazada",
        S.SCHEDULED: "Cita programada",
        S.COMPLETED: "Completada",
        S.CANCELLED: "Cancelada",
    },
}
SUBJECT = {
    "en": "Update on your referral: {status}",
    "es": "Novedades de su remisión: {status}",
}
BODY = {
    "en": (
        "Your request for help has a new status: {status}.\n\n"
        "Sign in to see it: {link}\n\n"
        "For privacy, details are only shown after you sign in."
    ),
    "es": (
        "Su solicitud de ayuda tiene un nuevo estado: {status}.\n\n"
        "Inicie sesión para verlo: {link}\n\n"
        "Por su privacidad, los detalles solo se muestran después de iniciar sesión."
    ),
}
PORTAL_PATH = "/portal/referrals/"


def status_word(status: str, language: str) -> str:
    return STATUS_WORDS.get(language, STATUS_WORDS["en"]).get(status, status)


def notify_family(referral: Referral, *, suppress_email: bool = False) -> None:
    """Each guardian of the child: an in-app notice and an e-mail in their language,
    once per referral, status and guardian (the outbox key), after commit."""
    guardians = Guardian.objects.filter(family__children=referral.child_id).select_related("user")
    link = settings.SITE_URL.rstrip("/") + PORTAL_PATH
    for guardian in guardians:
        user = guardian.user
        language = language_of(user) or "en"
        language = language if language in SUBJECT else "en"
        word = status_word(referral.status, language)
        key = f"referral:{referral.pk}:{referral.status}:family:{user.pk}"
        outbox_notify(
            user.pk,
            "referral.status_changed",
            {"referral_id": referral.pk, "status": referral.status, "label": word},
            key=key + ":in_app",
            language=language,
        )
        if user.email and not suppress_email:
            outbox_email(
                key=key + ":email",
                to_address=user.email,
                subject=SUBJECT[language].format(status=word),
                body=BODY[language].format(status=word, link=link),
                kind="referral",
                recipient_id=user.pk,
                language=language,
            )
