"""What of a listing's locations the public may see: the one decision every public
output reads (profile and search pages, the directory API, the HSDS export and API, and
the groups and events that meet at a listing's location).

A listing families visit at a site (``at_site``) publishes its locations whole. A
home-visiting-only listing publishes only the city, state and ZIP of its base: no street,
no building name, no coordinates (they would point at the street), no access notes, and
no distance to it. Its ``service_area`` says where it visits instead."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from directory.models import Location, Provider


@dataclass(frozen=True)
class PublicLocation:
    hsds_id: uuid.UUID
    name: str
    address_1: str | None  # None: not published (home-visiting-only listing)
    city: str
    state: str
    zip: str
    lat: float | None
    lng: float | None
    accessibility: str
    families_visit: bool  # families come here (directions, HSDS service_at_location)


def public_location(loc: Location, *, site: bool) -> PublicLocation:
    """One location as anyone may read it; ``site``: its listing's ``at_site`` (also for
    a group or event meeting there, which shows what the listing shows)."""
    return PublicLocation(
        hsds_id=loc.hsds_id,
        name=loc.name if site else "",
        address_1=loc.address_1 if site else None,
        city=loc.city,
        state=loc.state,
        zip=loc.zip,
        lat=loc.lat if site else None,
        lng=loc.lng if site else None,
        accessibility=loc.accessibility if site else "",
        families_visit=site,
    )


def public_locations(provider: Provider) -> list[PublicLocation]:
    """The listing's locations as anyone may read them (from the prefetched rows)."""
    return [public_location(loc, site=provider.at_site) for loc in provider.locations.all()]


def public_distance(provider: Provider) -> float | None:
    """Miles from the searched place to the nearest location families visit (None for a
    home-visiting-only listing: a distance to its base would point at the street)."""
    distance = getattr(provider, "distance_miles", None)
    return distance if provider.at_site and distance is not None else None
