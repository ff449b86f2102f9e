"""Password reset for every account (Django's flow and token), with the mail going
through the outbox like every other e-mail: queued in the request's transaction,
retried until delivered, rendered in the account holder's language. It lives here,
next to family sign-up, because the people layer sits below the outbox."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from outbox.services import outbox_email
from people.preferences import language_of
from referral_hub.proxy import client_ip
from referral_hub.ratelimit import allow


class OutboxPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        language = language_of(user) or translation.get_language() or "en"
        with translation.override(language):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        outbox_email(
            # One row per reset link; the key names it by a digest, never the token.
            key=f"password-reset:{user.pk}:{hashlib.sha256(context['token'].encode()).hexdigest()[:32]}",
            to_address=to_email,
            subject=subject,
            body=body,
            kind="password_reset",
            recipient_id=user.pk,
            language=language,
            one_time_link=True,
        )


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. The answer is the same for known and unknown addresses;
    requests per client address share the sign-up rate (``REGISTRATION_RATE``)."""

    form_class = OutboxPasswordResetForm
    template_name = "registration/reset_request.html"
    email_template_name = "registration/reset_email.txt"
    subject_template_name = "registration/reset_subject.txt"

    def get_extra_email_context(self) -> dict[str, Any]:
        return {"site_url": settings.SITE_URL.rstrip("/")}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not allow("password-reset", client_ip(request), settings.REGISTRATION_RATE):
            return render(request, "registration/reset_request.html", {"throttled": True}, status=429)
        self.extra_email_context = self.get_extra_email_context()
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/reset_confirm.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/reset_complete.html"
