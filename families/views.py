"""Family pages: registration and its confirmation, accepting a provider's invitation,
adding a child, and a provider recording a first contact."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from families import services
from families.forms import AcceptInvitationForm, ChildForm, InviteForm, RegisterForm
from families.roles import guardian_of
from people.landing import home_url_for
from people.roles import has_role
from referral_hub.errors import ApplicationError
from referral_hub.inputs import show_refusal
from referral_hub.proxy import client_ip
from referral_hub.ratelimit import allow
from referral_hub.sitelinks import absolute_url

BACKEND = "referral_hub.auth_backends.AccountBackend"
DEAD_INVITATION = gettext_lazy("This invitation link is invalid, used or expired.")


def _dead_invitation(request: HttpRequest, text: str) -> HttpResponse:
    return render(
        request, "families/message.html", {"title": _("Invitation not valid"), "text": text}, status=404
    )


AFTER_CONFIRM = "families_after_confirm"


def _remember_next(request: HttpRequest) -> None:
    """A family that registered in the middle of something (e.g. asking a provider for
    help) returns there after confirming its address and signing in, in this browser."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[AFTER_CONFIRM] = target


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Sign-up. Throttled per client address (``REGISTRATION_RATE``); the answer is the
    same "check your e-mail" page for new and already registered addresses."""
    if request.method == "POST" and not allow("register", client_ip(request), settings.REGISTRATION_RATE):
        return render(
            request,
            "families/message.html",
            {
                "title": _("Too many sign-ups"),
                "text": _("Too many sign-ups from your address. Try again later."),
            },
            status=429,
        )
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_register(**form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            _remember_next(request)
            return render(request, "families/register_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "families/register.html", {"form": form}, status=400 if form.errors else 200)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.guardian_confirm(token=token)
    except ApplicationError as exc:
        return render(
            request, "families/message.html", {"title": _("Link not valid"), "text": exc.message}, status=400
        )
    messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
    after = request.session.pop(AFTER_CONFIRM, None)
    if after:
        return redirect(reverse("login") + "?" + urlencode({"next": after}))
    return redirect("login")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_lookup(token)
    except ApplicationError as exc:
        return _dead_invitation(request, exc.message)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, **form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            if user is None:  # the address has an account: told by e-mail, not here
                return _dead_invitation(request, str(DEAD_INVITATION))
            login(request, user, backend=BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(home_url_for(request.user))
    return render(
        request,
        "families/accept_invitation.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_child(request: HttpRequest) -> HttpResponse:
    if guardian_of(request.user) is None:
        return render(
            request,
            "families/message.html",
            {"title": _("Not available"), "text": _("For guardians only.")},
            status=403,
        )
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("%(name)s was added to your family.") % {"name": child.name})
            return redirect(home_url_for(request.user))
    return render(
        request,
        "families/add_child.html",
        {"form": form, "start_page": home_url_for(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, "provider"):
        return render(
            request,
            "families/message.html",
            {"title": _("Not available"), "text": _("For providers only.")},
            status=403,
        )
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = services.invitation_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            link = absolute_url(reverse("families-invitation", kwargs={"token": token}))
            return render(request, "families/invite_done.html", {"invitation": invitation, "link": link})
    return render(request, "families/invite.html", {"form": form}, status=400 if form.errors else 200)
