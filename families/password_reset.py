"""Password reset for every account (Django's flow and token), with the mail going
through the outbox like every other e-mail: queued in the request's transaction,
retried until delivered, rendered in the account holder's language. It lives here,
next to family sign-up, because the people layer sits below the outbox."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from outbox.links import LINK_MARK, LinkUnavailable
from outbox.services import outbox_email
from people.preferences import language_of
from referral_hub.proxy import client_ip
from referral_hub.ratelimit import allow
from referral_hub.sitelinks import absolute_url, site_url


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
        language = language_of(user, translation.get_language())
        # The link is made when the mail is sent (reset_link); Django's token in
        # ``context`` is never stored.
        context = {**context, "reset_link": LINK_MARK, "token": "", "uid": ""}
        with translation.override(language):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        outbox_email(
            key=f"password-reset:{user.pk}:{uuid.uuid4().hex}",
            to_address=to_email,
            subject=subject,
            body=body,
            kind="password_reset",
            recipient_id=user.pk,
            language=language,
            link=(RESET_LINK, user.pk),
        )


RESET_LINK = "password_reset"


def reset_link(user_id: int) -> str:
    """A fresh password-reset link for the account (Django's token: it stops working
    once the password changes or the account signs in)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        raise LinkUnavailable("the account can no longer reset its password")
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute_url(path)


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. The answer is the same for known and unknown addresses;
    requests per client address share the sign-up rate (``REGISTRATION_RATE``)."""

    form_class = OutboxPasswordResetForm
    template_name = "registration/reset_request.html"
    email_template_name = "registration/reset_email.txt"
    subject_template_name = "registration/reset_subject.txt"

    def get_extra_email_context(self) -> dict[str, Any]:
        return {"site_url": site_url()}

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
