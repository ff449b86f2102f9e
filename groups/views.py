"""Family pages of groups and events: the directory's Groups tab (search), a group's
page, registering (one click signed in, a short form without an account), the result
("You have a place" / "You are number N on the waitlist"), the family's registrations
and cancelling. Thin: ``groups.services`` writes, ``groups.selectors`` reads.

Who sees a registration: the account that made it, or the browser session that made it
without an account; anyone else gets the same 404 as for a registration that does not
exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory.roles import provider_of
from directory.selectors import model_name
from groups import selectors, services
from groups.forms import GroupSearchForm, RegisterForm
from groups.links import registration_of
from groups.models import Audience, Group, Registration, RegistrationStatus
from groups.words import schedule_words
from people.preferences import language_of, text_number_for
from people.roles import Actor, signed_in
from referral_hub.proxy import client_ip
from referral_hub.ratelimit import allow

SESSION_KEY = "groups_registrations"
MAX_RESULTS = 50
# Counted as "on" in the folded filter panel's summary (so a family sees why few match).
FILTER_KEYS = ("kind", "language", "age_months", "model", "radius_miles", "audience")


def _reverse_or_empty(name: str, **kwargs: Any) -> str:
    """A URL of a route another part of the app serves (the API's .ics files); "" while
    it is not mounted."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _language() -> str:
    return (translation.get_language() or "en")[:2]


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The Groups tab: filters, then the groups with a session to come, soonest first."""
    form = GroupSearchForm(request.GET or None, models=selectors.model_choices())
    found: list[selectors.FoundGroup] = []
    if not request.GET or form.is_valid():
        search = form.search() if request.GET else selectors.GroupSearch(audience=Audience.FAMILIES)
        found = selectors.find_groups(search)[:MAX_RESULTS]
    context = {
        "form": form,
        "found": found,
        "searched": any(request.GET.get(key) for key in (*FILTER_KEYS, "near")),
        "place": form.place_label,
        "filters_on": sum(1 for key in FILTER_KEYS if request.GET.get(key)),
    }
    return render(request, "groups/search.html", context)


def _group_or_404(group_id: int) -> Group:
    group = selectors.listed().filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group")
    return group


def _own(request: HttpRequest, group: Group) -> Registration | None:
    """The viewer's active registration in ``group``, if any."""
    active = group.registrations.filter(
        status__in=(RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)
    )
    if request.user.is_authenticated:
        return active.filter(user=request.user).first()
    ids = request.session.get(SESSION_KEY, [])
    return active.filter(pk__in=ids).order_by("-pk").first()


def _may_register(user: Actor, group: Group) -> bool:
    """Provider groups take providers (with a listing); family groups take anyone."""
    return group.audience != Audience.PROVIDERS or provider_of(user) is not None


def _page(
    request: HttpRequest, group: Group, form: RegisterForm | None, status: int = 200, error: str = ""
) -> HttpResponse:
    user = request.user
    if form is None and not user.is_authenticated:
        form = RegisterForm(initial={"language": _language()})
    context = {
        "group": group,
        "schedule": schedule_words(group.schedule),
        "place": selectors.public_place(group),
        "model": model_name(group.model_code) if group.model_code else "",
        "sessions": selectors.next_sessions(group, limit=5),
        "places_left": max(group.capacity - group.registered, 0),  # type: ignore[attr-defined]  # annotated
        "own": _own(request, group),
        "may_register": _may_register(user, group),
        "form": form,
        "non_field_error": error,
        "ics_url": _reverse_or_empty("api-group-calendar", group_id=group.pk),
    }
    return render(request, "groups/group.html", context, status=status)


@require_GET
def group_page(request: HttpRequest, group_id: int) -> HttpResponse:
    return _page(request, _group_or_404(group_id), None)


def _remember(request: HttpRequest, registration: Registration) -> None:
    ids = [i for i in request.session.get(SESSION_KEY, []) if i != registration.pk][-19:]
    request.session[SESSION_KEY] = [*ids, registration.pk]


def _registrant(request: HttpRequest, group: Group) -> services.Registrant:
    user = request.user
    assert user.is_authenticated
    number = text_number_for(user)
    return services.Registrant(
        name=user.get_full_name() or user.get_username(),
        email=user.email,
        phone=number,
        language=language_of(user, _language()),
        texts_ok=bool(number),
        user=user,
        provider=provider_of(user) if group.audience == Audience.PROVIDERS else None,
    )


REFUSALS = {
    "group_full": gettext_lazy("This group is full and has no waitlist."),
    "group_cancelled": gettext_lazy("This group has been cancelled."),
    "contact_required": gettext_lazy(
        "Give an e-mail address or a mobile phone number, so we can confirm your place."
    ),
}


def _refused(
    request: HttpRequest, group: Group, form: RegisterForm | None, error: services.RegistrationRefused
) -> HttpResponse:
    if error.code == "group_not_found":
        raise Http404("No such group")
    text = str(REFUSALS.get(error.code, str(error)))
    if form is not None:
        form.add_error(None, text)
        return _page(request, group, form, status=409)
    return _page(request, group, None, status=409, error=text)


@require_POST
def register_page(request: HttpRequest, group_id: int) -> HttpResponse:
    """Take a place (or a place in line). Signed in: one click, as the account (and, for
    provider groups, as the account's listing). Without an account: the short form; its
    errors show beside the fields, with what was typed kept."""
    group = _group_or_404(group_id)
    if not _may_register(request.user, group):
        return _page(request, group, None, status=403)
    form: RegisterForm | None = None
    if request.user.is_authenticated:
        registrant = _registrant(request, group)
    else:
        form = RegisterForm(request.POST)
        if not allow("group-register", client_ip(request), settings.REGISTRATION_RATE):
            form.is_valid()
            form.add_error(
                None, _("Too many registrations from this connection. Please try again in an hour.")
            )
            return _page(request, group, form, status=429)
        if not form.is_valid():
            return _page(request, group, form, status=400)
        data = form.cleaned_data
        registrant = services.Registrant(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            language=data["language"],
            texts_ok=bool(data["texts_ok"] and data["phone"]),
        )
    try:
        registration = services.register(group_id=group.pk, registrant=registrant)
    except services.RegistrationRefused as error:
        return _refused(request, group, form, error)
    _remember(request, registration)
    return redirect("group-registration", registration_id=registration.pk)


def _registration_or_404(request: HttpRequest, registration_id: int) -> Registration:
    registration = (
        Registration.objects.select_related("group", "group__location", "group__host")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise Http404("No such registration")
    if request.user.is_authenticated and registration.user_id == request.user.pk:
        return registration
    if registration.user_id is None and registration_id in request.session.get(SESSION_KEY, []):
        return registration
    raise Http404("No such registration")


def _waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = registration.group.registrations.filter(
        status=RegistrationStatus.WAITLISTED, created_at__lte=registration.created_at, pk__lt=registration.pk
    ).count()
    return ahead + 1


@require_GET
def registration_page(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The result: a place, or the place in line; the calendar file; the video link to
    registered people only."""
    registration = _registration_or_404(request, registration_id)
    group = registration.group
    registered = registration.status == RegistrationStatus.REGISTERED
    context = {
        "registration": registration,
        "group": group,
        "position": _waitlist_position(registration),
        "sessions": selectors.next_sessions(group, limit=3),
        "schedule": schedule_words(group.schedule),
        "video_url": group.video_url if registered and group.online else "",
        "ics_url": _reverse_or_empty("api-group-registration-calendar", registration_id=registration.pk)
        or _reverse_or_empty("api-group-calendar", group_id=group.pk),
    }
    return render(request, "groups/registration.html", context)


@require_GET
def registration_link_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a registration's e-mails (a family without an account): this browser
    may see and cancel that registration from now on."""
    registration_id = registration_of(token)
    registration = (
        Registration.objects.filter(pk=registration_id, user__isnull=True).first()
        if registration_id
        else None
    )
    if registration is None:
        raise Http404("No such registration")
    _remember(request, registration)
    # In the language of the e-mail it came from (a new browser has no choice yet).
    language = registration.language if registration.language in {"en", "es"} else "en"
    return redirect(reverse("group-registration", args=[registration.pk]) + f"?lang={language}")


@require_POST
def cancel_page(request: HttpRequest, registration_id: int) -> HttpResponse:
    """Give the place up (the head of the waitlist takes it and is told)."""
    registration = _registration_or_404(request, registration_id)
    services.cancel(registration_id=registration.pk)
    if request.user.is_authenticated:
        return redirect("group-my-registrations")
    return redirect("group-registration", registration_id=registration.pk)


def own_registrations(user: Actor) -> list[Registration]:
    return list(
        Registration.objects.filter(user=signed_in(user))
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("group", "group__location")
        .order_by("-created_at")[:20]
    )


@login_required
@require_http_methods(["GET"])
def my_registrations(request: HttpRequest) -> HttpResponse:
    rows = [(r, selectors.next_sessions(r.group, limit=1)) for r in own_registrations(request.user)]
    return render(request, "groups/mine.html", {"rows": rows})


def portal_panel(user: Actor) -> tuple[str, dict[str, Any]] | None:
    """The family portal's "My groups" section (registered in ``apps.py``)."""
    rows = [(r, selectors.next_sessions(r.group, limit=1)) for r in own_registrations(user)[:5]]
    return "groups/_portal_panel.html", {"rows": rows}
