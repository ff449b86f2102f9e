"""Finding groups: what families (and providers) search by, and each group's coming
sessions. The list and the page use the same ``find_groups``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from directory import geo
from directory.disclosure import PublicLocation, public_location
from directory.selectors import model_name
from groups.models import Group, RegistrationStatus
from groups.schedule import occurrences

DEFAULT_RADIUS_MILES = 25.0


@dataclass(frozen=True)
class GroupSearch:
    """What to look for; every field optional. ``near`` is a (lat, lng); groups that
    meet by video match any place."""

    kind: str = ""
    audience: str = ""
    language: str = ""
    age_months: int | None = None
    model: str = ""
    near: tuple[float, float] | None = None
    radius_miles: float = DEFAULT_RADIUS_MILES


def listed() -> QuerySet[Group]:
    """Published, not cancelled groups, with their counts and place loaded."""
    return (
        Group.objects.filter(published=True, cancelled_at__isnull=True)
        .select_related("host", "location", "organization")
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
            waitlisted=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        )
    )


def model_choices() -> list[tuple[str, str]]:
    """The evidence-based models some listed group follows, as (code, name) in the
    reader's language, sorted by name: the Groups tab's model filter offers only these."""
    codes = (
        Group.objects.filter(published=True, cancelled_at__isnull=True)
        .exclude(model_code="")
        .values_list("model_code", flat=True)
        .distinct()
    )
    return sorted(((code, model_name(code)) for code in set(codes)), key=lambda pair: pair[1].casefold())


def _filters(search: GroupSearch) -> Q:
    q = Q()
    if search.kind:
        q &= Q(kind=search.kind)
    if search.audience:
        q &= Q(audience=search.audience)
    if search.language:
        q &= Q(language=search.language)
    if search.model:
        q &= Q(model_code=search.model)
    if search.age_months is not None:
        q &= Q(ages_min_months__isnull=True) | Q(ages_min_months__lte=search.age_months)
        q &= Q(ages_max_months__isnull=True) | Q(ages_max_months__gte=search.age_months)
    return q


@dataclass(frozen=True)
class FoundGroup:
    group: Group
    distance_miles: float | None  # None for video-only groups or a search without a place
    next_starts: list[dt.datetime]  # the next sessions' starts (aware)


def find_groups(search: GroupSearch, *, now: dt.datetime | None = None) -> list[FoundGroup]:
    """The groups matching ``search`` that still have a session to come, soonest first.
    Each ``group`` carries ``registered`` and ``waitlisted`` counts (see ``listed``)."""
    now = now or timezone.now()
    rows = listed().filter(_filters(search))
    if search.near is not None:
        lat, lng = search.near
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, search.radius_miles)
        in_box = Q(
            location__lat__gte=min_lat,
            location__lat__lte=max_lat,
            location__lng__gte=min_lng,
            location__lng__lte=max_lng,
        )
        rows = rows.filter(in_box | Q(online=True, location__isnull=True))
    found: list[FoundGroup] = []
    for group in rows:
        distance = _distance(group, search.near)
        if distance is not None and distance > search.radius_miles:
            continue
        starts = next_sessions(group, now=now)
        if starts:
            # A distance to a place its host does not publish would point at it.
            shown = distance if group.host.at_site else None
            found.append(FoundGroup(group=group, distance_miles=shown, next_starts=starts))
    found.sort(key=lambda item: (item.next_starts[0], item.group.name))
    return found


def public_place(group: Group) -> PublicLocation | None:
    """Where the group meets as anyone may read it: what its host's listing publishes of
    that location (``directory.disclosure``: no street, name or coordinates for a
    home-visiting-only host). Registrants read the whole address on their registration
    page and in their e-mails: they are coming."""
    if group.location is None:
        return None
    return public_location(group.location, site=group.host.at_site)


def _distance(group: Group, near: tuple[float, float] | None) -> float | None:
    location = group.location
    if near is None or location is None or location.lat is None or location.lng is None:
        return None
    return geo.haversine_miles(near[0], near[1], location.lat, location.lng)


def next_sessions(group: Group, *, now: dt.datetime | None = None, limit: int = 3) -> list[dt.datetime]:
    """The starts of the group's next ``limit`` sessions (a session under way counts
    until it ends)."""
    now = now or timezone.now()
    schedule = group.schedule
    return occurrences(schedule, after=now - schedule.duration, limit=limit)
