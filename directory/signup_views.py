"""Provider sign-up pages: the form, "check your e-mail", and the confirmation link
(then: sign in, find the listing, "This is my listing: claim it")."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from directory import signup
from referral_hub.errors import ApplicationError
from referral_hub.inputs import show_refusal
from referral_hub.proxy import client_ip
from referral_hub.ratelimit import allow


class ProviderSignupForm(forms.Form):
    first_name = forms.CharField(max_length=150, label=gettext_lazy("First name"))
    last_name = forms.CharField(max_length=150, label=gettext_lazy("Last name"))
    email = forms.EmailField(
        label=gettext_lazy("Work e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


@require_http_methods(["GET", "POST"])
def provider_signup(request: HttpRequest) -> HttpResponse:
    """Throttled per client address like the family sign-up (``REGISTRATION_RATE``); the
    same "check your e-mail" answer for new and already registered addresses."""
    if request.method == "POST" and not allow("register", client_ip(request), settings.REGISTRATION_RATE):
        form = ProviderSignupForm(request.POST)
        form.add_error(None, _("Too many sign-ups from your address. Try again later."))
        return render(request, "directory/signup.html", {"form": form}, status=429)
    form = ProviderSignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            signup.provider_signup(**form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            return render(request, "directory/signup_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "directory/signup.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def provider_signup_confirm(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    try:
        signup.provider_signup_confirm(uid=uid, token=token)
    except ApplicationError as exc:
        return render(request, "directory/signup_invalid.html", {"error": exc}, status=400)
    messages.success(
        request,
        _(
            "Your e-mail address is confirmed. Sign in, find your listing, open it and choose "
            "“This is my listing: claim it”. A curator checks each claim."
        ),
    )
    return redirect(reverse("login") + "?" + urlencode({"next": reverse("home")}))
