"""Home visiting: how a listing gives care (``service_delivery``) and where it visits
families at home (its service area: ZIP codes, counties, and/or a radius).

- ``check_delivery`` turns what a provider typed or sent into stored values, refusing
  bad input with a 400 whose ``code`` says what is wrong (``unknown_zip``,
  ``unknown_county``, ``radius_out_of_range``, ``service_area_required``, ...).
- ``family_place`` is where a searching family is, as ZIPs and counties (from the offline
  ZIP data); ``covering`` is the SQL condition "this listing visits families there".
- ``area_public`` / ``area_sentence`` are what the public may read of an area: ZIPs,
  counties, the radius and the centre's ZIP or city, never the centre's coordinates
  (the centre may be the base office, whose street is not published).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory import geo
from directory.models import Location, Provider, ServiceDelivery, join_codes, split_codes
from referral_hub.errors import ApplicationError

MAX_SERVICE_RADIUS_MILES = 100.0
MAX_ZIPS = 200
MAX_COUNTIES = 50
ZIP5 = re.compile(r"^\d{5}$")


def _refuse(code: str, field: str, message: str) -> ApplicationError:
    return ApplicationError(code, message, extra={"field": field})


@dataclass(frozen=True)
class DeliveryInput:
    """What ``listing_delivery_set`` stores: the three flags and the area's columns."""

    at_site: bool
    home_visiting: bool
    telehealth: bool
    zips: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()  # "MI:Washtenaw County"
    radius_miles: float | None = None
    center: tuple[float, float] | None = None
    center_label: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "at_site": self.at_site,
            "home_visiting": self.home_visiting,
            "telehealth": self.telehealth,
            "service_zips": join_codes(self.zips),
            # Not lower-cased like codes: the county keeps the ZIP data's spelling.
            "service_counties": f"|{'|'.join(sorted(set(self.counties)))}|" if self.counties else "",
            "service_radius_miles": self.radius_miles,
            "service_center_lat": self.center[0] if self.center else None,
            "service_center_lng": self.center[1] if self.center else None,
            "service_center_label": self.center_label,
        }


def _delivery_codes(raw: Any) -> set[str]:
    items = [p for p in re.split(r"[\s,]+", raw) if p] if isinstance(raw, str) else list(raw or [])
    codes = {str(item).strip() for item in items}
    unknown = sorted(codes - set(ServiceDelivery.values))
    if unknown:
        raise _refuse(
            "unknown_service_delivery",
            "service_delivery",
            _("%(codes)s: choose from %(choices)s.")
            % {"codes": ", ".join(unknown), "choices": ", ".join(ServiceDelivery.values)},
        )
    if not codes:
        raise _refuse(
            "service_delivery_required",
            "service_delivery",
            _("Say how you see families: at a site, at home, or by video."),
        )
    return codes


def _zips(raw: Any) -> tuple[str, ...]:
    items = re.split(r"[\s,;]+", raw) if isinstance(raw, str) else list(raw or [])
    zips = sorted({str(z).strip()[:5] for z in items if str(z).strip()})
    if len(zips) > MAX_ZIPS:
        raise _refuse("too_many_zips", "service_zips", _("At most 200 ZIP codes."))
    for code in zips:
        if not ZIP5.match(code) or geo.zip_centroid(code) is None:
            raise _refuse(
                "unknown_zip", "service_zips", _("%(zip)s is not a known US ZIP code.") % {"zip": code}
            )
    return tuple(zips)


def _county_pairs(raw: Any) -> list[tuple[str, str]]:
    """Counties as ``[{"name", "state"}]`` (the API) or lines "Washtenaw, MI" (the page)."""
    if isinstance(raw, str):
        pairs = []
        for line in raw.splitlines():
            name, _sep, state = line.strip().rpartition(",")
            if line.strip():
                pairs.append((name.strip() or state.strip(), state.strip() if name else ""))
        return pairs
    pairs = []
    for item in list(raw or []):
        if not isinstance(item, dict):
            raise _refuse(
                "invalid", "service_counties", _("Each county is an object with a name and a state.")
            )
        pairs.append((str(item.get("name") or "").strip(), str(item.get("state") or "").strip()))
    return pairs


def _counties(raw: Any) -> tuple[str, ...]:
    pairs = _county_pairs(raw)
    if len(pairs) > MAX_COUNTIES:
        raise _refuse("too_many_counties", "service_counties", _("At most 50 counties."))
    found = []
    for name, state in pairs:
        county = geo.find_county(name, state) if name and state else None
        if county is None:
            raise _refuse(
                "unknown_county",
                "service_counties",
                _("We do not know the county “%(county)s” in “%(state)s”. Write it as: Washtenaw, MI.")
                % {"county": name, "state": state},
            )
        found.append(f"{state.upper()}:{county}")
    return tuple(found)


def _miles(raw: Any) -> float | None:
    if raw in (None, ""):
        return None
    try:
        miles = float(raw)
    except (TypeError, ValueError):
        miles = math.nan
    if not (0 < miles <= MAX_SERVICE_RADIUS_MILES):  # NaN fails too
        raise _refuse(
            "radius_out_of_range",
            "service_radius_miles",
            _("The distance you travel must be more than 0 and at most 100 miles."),
        )
    return miles


def _base(locations: Iterable[Location]) -> Location | None:
    return next((loc for loc in locations if loc.lat is not None and loc.lng is not None), None)


def _center(miles: float, center_zip: Any, locations: Iterable[Location]) -> tuple[tuple[float, float], str]:
    """The radius's centre: a given ZIP's centroid, else the base office (its city shows)."""
    code = str(center_zip or "").strip()
    if code:
        point = geo.zip_centroid(code) if ZIP5.match(code) else None
        if point is None:
            raise _refuse(
                "unknown_zip", "service_center_zip", _("%(zip)s is not a known US ZIP code.") % {"zip": code}
            )
        return point, code
    base = _base(locations)
    if base is None or base.lat is None or base.lng is None:
        raise _refuse(
            "service_center_required",
            "service_center_zip",
            _("Give the ZIP code your %(miles)s miles start from.") % {"miles": f"{miles:g}"},
        )
    return (base.lat, base.lng), f"{base.city}, {base.state}"


def check_delivery(
    *, service_delivery: Any, service_area: Any, locations: Iterable[Location] = ()
) -> DeliveryInput:
    """``service_area`` holds ``zips``, ``counties``, ``radius_miles`` and
    ``center_zip`` (empty: the listing's base office). Home visiting needs at least one
    of ZIPs, counties or a radius; without home visiting the area is cleared."""
    codes = _delivery_codes(service_delivery)
    at_site, telehealth = ServiceDelivery.SITE in codes, ServiceDelivery.TELEHEALTH in codes
    if ServiceDelivery.HOME_VISITING not in codes:
        return DeliveryInput(at_site=at_site, home_visiting=False, telehealth=telehealth)
    area = service_area or {}
    if not isinstance(area, dict):
        raise _refuse("invalid", "service_area", _("The service area is an object."))
    zips = _zips(area.get("zips"))
    counties = _counties(area.get("counties"))
    miles = _miles(area.get("radius_miles"))
    center, label = _center(miles, area.get("center_zip"), locations) if miles else (None, "")
    if not (zips or counties or miles):
        raise _refuse(
            "service_area_required",
            "service_area",
            _("Say where you visit families: ZIP codes, counties, or how far you travel."),
        )
    return DeliveryInput(
        at_site=at_site,
        home_visiting=True,
        telehealth=telehealth,
        zips=zips,
        counties=counties,
        radius_miles=miles,
        center=center,
        center_label=label,
    )


# --- search: does a listing visit families where this family is? --------------------


@dataclass(frozen=True)
class FamilyPlace:
    lat: float
    lng: float
    zips: tuple[str, ...]
    counties: tuple[str, ...]  # "MI:Washtenaw County"


@lru_cache(maxsize=256)
def family_place(point: tuple[float, float], label: str) -> FamilyPlace:
    """Where a searching family is: its ZIP (typed, or the nearest to a typed point), or
    every ZIP of its city; and the counties of those ZIPs."""
    lat, lng = point
    code = label.strip()[:5]
    if ZIP5.match(code) and geo.zip_centroid(code) is not None:
        zips = [code]
    else:
        city, _sep, state = label.rpartition(", ")
        zips = geo.city_zips(city, state)[:MAX_ZIPS] if city and len(state) == 2 else []
        if not zips:
            nearest = geo.nearest_zip(lat, lng)
            zips = [nearest] if nearest else []
    counties = sorted({f"{s}:{c}" for c, s in filter(None, (geo.zip_county(z) for z in zips))})
    return FamilyPlace(lat, lng, tuple(zips), tuple(counties))


def covering(place: FamilyPlace) -> Q:
    """Home-visiting listings whose area holds the family's place: one of its ZIPs or
    counties, or its point within the radius (an indexed box of the largest radius
    around the point first, then the exact miles)."""
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(place.lat, place.lng, MAX_SERVICE_RADIUS_MILES)
    within = geo.distance_expression(place.lat, place.lng, "service_center_lat", "service_center_lng")
    area = Q(
        LessThanOrEqual(within, F("service_radius_miles")),
        service_center_lat__range=(min_lat, max_lat),
        service_center_lng__range=(min_lng, max_lng),
    )
    for code in place.zips:
        area |= Q(service_zips__contains=f"|{code}|")
    for county in place.counties:
        area |= Q(service_counties__contains=f"|{county}|")
    return Q(home_visiting=True) & area


def covers(provider: Provider, place: FamilyPlace) -> bool:
    """``covering`` for one listing already loaded (a result on the page)."""
    if not provider.home_visiting:
        return False
    if any(f"|{code}|" in provider.service_zips for code in place.zips):
        return True
    if any(f"|{county}|" in provider.service_counties for county in place.counties):
        return True
    lat, lng, miles = provider.service_center_lat, provider.service_center_lng, provider.service_radius_miles
    if lat is None or lng is None or miles is None:
        return False
    return geo.haversine_miles(place.lat, place.lng, lat, lng) <= miles + 1e-9


# --- what the public reads ------------------------------------------------------------


def _counties_of(provider: Provider) -> list[tuple[str, str]]:
    """[(county, state)] from the stored "|MI:Washtenaw County|"."""
    out = []
    for key in [c for c in provider.service_counties.split("|") if c]:
        state, _sep, county = key.partition(":")
        out.append((county, state))
    return out


def area_public(provider: Provider) -> dict[str, Any] | None:
    """The service area as the API publishes it (null without home visiting)."""
    if not provider.home_visiting:
        return None
    radius = None
    if provider.service_radius_miles is not None:
        radius = {"miles": provider.service_radius_miles, "center": provider.service_center_label}
    return {
        "zips": split_codes(provider.service_zips),
        "counties": [{"name": county, "state": state} for county, state in _counties_of(provider)],
        "radius": radius,
        "description": area_sentence(provider),
    }


def area_sentence(provider: Provider) -> str:
    """ "Washtenaw County, MI; ZIP codes 48197, 48198; within 15 miles of Ypsilanti, MI"."""
    if not provider.home_visiting:
        return ""
    parts = [f"{county}, {state}" for county, state in _counties_of(provider)]
    zips = split_codes(provider.service_zips)
    if zips:
        parts.append(
            ngettext("ZIP code %(zips)s", "ZIP codes %(zips)s", len(zips)) % {"zips": ", ".join(zips)}
        )
    if provider.service_radius_miles is not None:
        parts.append(
            _("within %(miles)s miles of %(place)s")
            % {"miles": f"{provider.service_radius_miles:g}", "place": provider.service_center_label}
        )
    return "; ".join(parts)
