"""Sign-in for people (session) and programs (token), who-am-I, the account settings
page (time zone, language; for a family, referral e-mails and texts) and password change."""

from __future__ import annotations

from typing import Any, cast

from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_lockout_message
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outbox.services import text_number_stopped
from people.landing import home_url_for
from people.middleware import ONE_YEAR_S, request_time_zone
from people.preferences import (
    chosen_language,
    language_codes,
    language_of,
    referral_emails_wanted,
    text_choice,
    time_zone_of,
    update_preferences,
    update_text_updates,
)
from people.roles import Actor, has_role, role_object, signed_in, user_roles
from people.zones import time_zone_choices
from referral_hub import events, phones
from referral_hub.auth_backends import issue_token, revoke_tokens, token_expires_at
from referral_hub.errors import ApplicationError
from referral_hub.language import LanguageSelect, endonyms
from referral_hub.realtime import send_event_now, user_group


class LoginView(auth_views.LoginView):
    """Sign-in. Each role lands on its own start page (``people.landing``) unless a safe
    ``next`` says otherwise."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_url_for(self.request.user)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_changed.html"


class AccountSettingsForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"), help_text=_("Every time on the pages is shown in this zone.")
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        help_text=_("The language of the pages and of the e-mails we send you."),
        widget=LanguageSelect,
    )

    def __init__(self, *args: Any, family: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if family:
            self.fields["referral_emails"] = forms.BooleanField(
                required=False,
                label=_("E-mail me when there is news about a referral for my child"),
                help_text=_(
                    "The e-mail only says there is news and links here: never your child's details. "
                    "Without it, you still find every update under Notices."
                ),
            )
            self.fields["text_updates"] = forms.BooleanField(
                required=False,
                label=_("Text me updates"),
                help_text=_(
                    "A short text when there is news, with a link to sign in: never your child's details. "
                    "Message and data rates may apply. Reply STOP to end them at any time."
                ),
            )
            self.fields["text_number"] = TextNumberField(
                required=False,
                max_length=40,
                label=_("Mobile number for texts"),
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            )
        zones = cast(forms.ChoiceField, self.fields["time_zone"])
        zones.choices = time_zone_choices()
        languages = cast(forms.ChoiceField, self.fields["preferred_language"])
        languages.choices = endonyms()


class TextNumberField(phones.PhoneFormField):
    """A mobile number to text (``referral_hub.phones``)."""

    default_error_messages = {"invalid_phone": _("This is not a number we can text. Check the digits.")}


def _clean_texts(form: AccountSettingsForm) -> None:
    if form.cleaned_data.get("text_updates") and not form.cleaned_data.get("text_number"):
        form.add_error("text_number", _("Enter the number to text, or leave texts off."))


def save_chosen_language(request: HttpRequest, code: str) -> None:
    """The language switcher's choice (``referral_hub.language``) becomes a signed-in
    person's account language, so e-mails and notices follow it."""
    user = request.user
    if code in language_codes() and isinstance(user, User) and user.is_authenticated:
        update_preferences(user, preferred_language=code)


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    """Time zone and language (the same service as ``PATCH /api/v1/me/``), for a family
    referral e-mails and texts (off until ticked, with the number to text), and the way
    to a new password."""
    user = signed_in(request.user)
    initial = {
        "time_zone": time_zone_of(user) or request_time_zone(request),
        "preferred_language": language_of(user, translation.get_language()),
        "referral_emails": referral_emails_wanted(user),
    }
    number, initial["text_updates"] = text_choice(user)
    initial["text_number"] = phones.display(number)  # as a person reads it; saved as E.164
    family = has_role(user, "guardian")
    form = AccountSettingsForm(request.POST or None, initial=initial, family=family)
    if request.method == "POST" and form.is_valid() and family:
        _clean_texts(form)
    if request.method == "POST" and form.is_valid():
        update_preferences(
            user,
            time_zone=form.cleaned_data["time_zone"],
            preferred_language=form.cleaned_data["preferred_language"],
            referral_emails=form.cleaned_data["referral_emails"] if family else None,
        )
        if family:
            update_text_updates(
                user, number=form.cleaned_data["text_number"], wanted=form.cleaned_data["text_updates"]
            )
        translation.activate(form.cleaned_data["preferred_language"])
        messages.success(request, _("Your settings are saved."))
        response = redirect("account-settings")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.cleaned_data["preferred_language"],
            max_age=ONE_YEAR_S,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response
    context = {"form": form, "texts_stopped": bool(number) and text_number_stopped(number)}
    return render(request, "registration/account_settings.html", context, status=400 if form.errors else 200)


class LogoutView(auth_views.LogoutView):
    """Logging out force-closes the user's open sockets (they authenticated with the
    session that ends here) and revokes the user's API token (one per user: signing out
    ends every credential the person holds; programs ask for a new token)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        user_id = user.pk if user is not None else None
        response = super().post(request, *args, **kwargs)
        if user is not None:
            revoke_tokens(user)
        if user_id is not None:
            send_event_now(user_group(user_id), events.force_close(reason="logout"))
        return response


class TokenInput(serializers.Serializer[Any]):
    # Usernames are at most 150 characters (Django's User); longer input is refused before
    # it reaches authentication and the lockout records.
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"}, trim_whitespace=False)


class ObtainTokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        request=TokenInput,
        responses={
            200: inline_serializer(
                "TokenOutput",
                {
                    "token": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(
                        help_text="API_TOKEN_TTL_DAYS after issue; signing out of the web app revokes it."
                    ),
                },
            )
        },
        summary="Exchange a username and password for an API token",
    )
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = authenticate(
                request._request,
                username=data.validated_data["username"],
                password=data.validated_data["password"],
            )
        except AxesBackendPermissionDenied:
            raise ApplicationError("locked_out", str(get_lockout_message()), status=403) from None
        if getattr(request._request, "axes_locked_out", False):
            raise ApplicationError("locked_out", str(get_lockout_message()), status=403)
        if user is None or not user.is_active:
            raise ApplicationError(
                "invalid_credentials", "Unable to sign in with those credentials.", status=400
            )
        token = issue_token(user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})


ROLE_NAMES = ["provider", "guardian", "curator", "reviewer", "network_lead", "coordinator"]


class MeOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(ROLE_NAMES))
    provider = serializers.IntegerField(allow_null=True, help_text="The caller's directory listing id.")
    time_zone = serializers.CharField(
        allow_blank=True,
        help_text="IANA time zone name pages show times in; empty until the browser or the person sets it.",
    )
    preferred_language = serializers.ChoiceField(
        ["en", "es", ""], help_text="Language of pages and e-mails; empty follows the browser."
    )
    referral_emails = serializers.BooleanField(
        help_text="A guardian's choice: an e-mail (news and a link, never the child) when there is "
        "news about a referral for their child. The notice centre tells them either way."
    )


class MeInput(serializers.Serializer[Any]):
    time_zone = serializers.CharField(
        required=False, max_length=64, help_text="IANA name, e.g. America/Chicago."
    )
    preferred_language = serializers.CharField(required=False, max_length=2, help_text="`en` or `es`.")
    referral_emails = serializers.BooleanField(required=False)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutput, summary="The signed-in user and their roles")
    def get(self, request: Request) -> Response:
        return Response(_me(request.user))

    @extend_schema(
        request=MeInput,
        responses=MeOutput,
        summary="Change the caller's time zone, preferred language or referral e-mails",
        description="400 `invalid_time_zone` for a name that is not an IANA zone, "
        "400 `invalid_language` for a language other than `en` or `es`.",
    )
    def patch(self, request: Request) -> Response:
        data = MeInput(data=request.data)
        data.is_valid(raise_exception=True)
        update_preferences(
            signed_in(request.user),
            time_zone=data.validated_data.get("time_zone"),
            preferred_language=data.validated_data.get("preferred_language"),
            referral_emails=data.validated_data.get("referral_emails"),
        )
        return Response(_me(request.user))


def _me(user: Actor) -> dict[str, Any]:
    provider = role_object(user, "provider")
    return dict(
        MeOutput(
            {
                "id": user.pk,
                "username": user.get_username(),
                "name": (user.get_full_name() if isinstance(user, User) else "") or user.get_username(),
                "roles": user_roles(user),
                "provider": provider.pk if provider else None,
                "time_zone": time_zone_of(user),
                "preferred_language": chosen_language(user),
                "referral_emails": referral_emails_wanted(user),
            }
        ).data
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes lockout: JSON ``{"detail", "code": "locked_out"}`` (403) for the API,
    the friendly page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(get_lockout_message()), "code": "locked_out"}, status=403)
    return render(request, "registration/locked_out.html", status=403)
