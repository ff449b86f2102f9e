"""Open Referral HSDS 3.0 mapping, both ways.

Export: an Organization is an HSDS ``organization``; each Provider listing is one HSDS
``service`` (id = ``Provider.hsds_id``) with its locations as ``service_at_locations``,
languages, ages (HSDS uses years: months / 12), ``assured_date``, and our codes
(discipline, verified endorsements, payment options, telehealth, accepting) as
``attributes`` whose taxonomy terms belong to the ``referral-hub:*`` taxonomies. Ids of
nested objects are UUIDv5 derived from their parent so an export is stable.

Import: accepts any of the shapes HSDS publishes (a service, an organization with nested
services, a service_at_location with its service, a list of them, or an API page with
``contents``). Imported endorsements are only claims: they arrive ``pending``.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from directory import geo, service_areas
from directory.disclosure import PublicLocation, public_locations
from directory.model_catalogue import model_name
from directory.models import (
    CAPACITY_UNKNOWN,
    LANGUAGE_NAMES,
    Capacity,
    Discipline,
    EndorsementCategory,
    Organization,
    PaymentOption,
    Provider,
    ServiceDelivery,
    join_codes,
)

NAMESPACE = uuid.UUID("6f1c1f0e-5c8e-4d4a-9a51-2f3c8b9d7e10")
TAXONOMIES = {
    "discipline": "referral-hub:discipline",
    "endorsement": "referral-hub:endorsement",
    "payment_option": "referral-hub:payment-option",
    "telehealth": "referral-hub:telehealth",
    "service_delivery": "referral-hub:service-delivery",
    "accepting_new_families": "referral-hub:accepting-new-families",
    "capacity": "referral-hub:capacity",
    "evidence_based_model": "referral-hub:evidence-based-model",
}
DEFAULT_IMPORT_DISCIPLINE = Discipline.MENTAL_HEALTH_CLINICIAN.value


def _uid(parent: Any, what: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{parent}:{what}"))


def _term(kind: str, code: str, name: str) -> dict[str, Any]:
    return {
        "id": _uid("term", f"{kind}:{code}"),
        "code": code,
        "name": name,
        "description": f"{name} ({TAXONOMIES[kind]})",
        "taxonomy": TAXONOMIES[kind],
    }


def _attribute(provider: Provider, kind: str, code: str, name: str, value: str) -> dict[str, Any]:
    term = _term(kind, code, name)
    return {
        "id": _uid(provider.hsds_id, f"attribute:{kind}:{code}"),
        "link_id": str(provider.hsds_id),
        "link_type": kind,
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
        "value": value,
    }


def organization_to_hsds(org: Organization) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(org.hsds_id), "name": org.name, "description": org.description or ""}
    if org.email:
        data["email"] = org.email
    if org.website:
        data["website"] = org.website
    return data


def hsds_location(loc: PublicLocation, *, owner_name: str) -> dict[str, Any]:
    """One public location as an HSDS ``location`` (with its address, coordinates and
    access notes as published): a listing's, or that of a group meeting there."""
    location: dict[str, Any] = {
        "id": str(loc.hsds_id),
        "location_type": "physical",
        "name": loc.name or f"{owner_name} — {loc.city}",
        "addresses": [
            {
                "id": _uid(loc.hsds_id, "address"),
                "location_id": str(loc.hsds_id),
                "address_1": loc.address_1 or "",
                "city": loc.city,
                "state_province": loc.state,
                "postal_code": loc.zip,
                "country": "US",
                "address_type": "physical",
            }
        ],
    }
    if loc.lat is not None and loc.lng is not None:
        location["latitude"] = loc.lat
        location["longitude"] = loc.lng
    if loc.accessibility:
        location["accessibility"] = [
            {
                "id": _uid(loc.hsds_id, "accessibility"),
                "location_id": str(loc.hsds_id),
                "description": loc.accessibility,
            }
        ]
    return location


def _location(provider: Provider, loc: PublicLocation) -> dict[str, Any]:
    location = hsds_location(loc, owner_name=provider.name)
    return {
        "id": _uid(loc.hsds_id, "service_at_location"),
        "service_id": str(provider.hsds_id),
        "location_id": str(loc.hsds_id),
        "location": location,
    }


def _model_attributes(provider: Provider) -> list[dict[str, Any]]:
    """Evidence-based models as the profile shows them: verified, not expired."""
    attributes = []
    for credential in getattr(provider, "public_models", []):
        value = json.dumps(
            {
                "status": credential.status,
                "issuer": credential.issuer,
                "expires_on": credential.expires_on.isoformat() if credential.expires_on else None,
            }
        )
        name = model_name(credential.code, "en")
        attributes.append(_attribute(provider, "evidence_based_model", credential.code, name, value))
    return attributes


def service_to_hsds(provider: Provider, *, full: bool = True) -> dict[str, Any]:
    """One listing as an HSDS service; ``full=False`` gives the one-to-one fields of
    ``service_list.json`` (the API list shape). Needs ``public_endorsements`` prefetched."""
    endorsements = list(getattr(provider, "public_endorsements", []))
    data: dict[str, Any] = {
        "id": str(provider.hsds_id),
        "name": provider.name,
        "alternate_name": provider.get_discipline_display(),
        "description": provider.bio or f"{provider.get_discipline_display()}.",
        "status": "active" if provider.accepting_new_families else "inactive",
        "minimum_age": round(provider.ages_min_months / 12, 2),
        "maximum_age": round(provider.ages_max_months / 12, 2),
        "eligibility_description": (
            f"Children from {provider.ages_min_months} to {provider.ages_max_months} months and their families."
        ),
        "fees_description": ", ".join(
            str(PaymentOption(c).label) for c in provider.payment_codes if c in PaymentOption.values
        ),
        "accreditations": "; ".join(
            f"{e.get_category_display()} (verified, expires {e.expires_on.isoformat()})" for e in endorsements
        ),
        "last_modified": provider.updated_at.isoformat() if provider.updated_at else None,
    }
    if provider.email:
        data["email"] = provider.email
    data.update(_reach_fields(provider))
    if provider.assured_date:
        data["assured_date"] = provider.assured_date.isoformat()
    if provider.organization is not None:
        data["organization_id"] = str(provider.organization.hsds_id)
        data["organization"] = organization_to_hsds(provider.organization)
    if data["last_modified"] is None:
        del data["last_modified"]
    if not full:
        return data
    data["languages"] = [
        {
            "id": _uid(provider.hsds_id, f"language:{code}"),
            "service_id": str(provider.hsds_id),
            "code": code,
            "name": str(LANGUAGE_NAMES.get(code, code)),
        }
        for code in provider.language_codes
    ]
    # Only places families visit: a home-visiting-only listing has no service_at_location
    # (no address objects at all) and says where it goes in ``service_areas``.
    data["service_at_locations"] = [
        _location(provider, loc) for loc in public_locations(provider) if loc.families_visit
    ]
    data["service_areas"] = _service_areas(provider)
    data["phones"] = (
        [
            {
                "id": _uid(provider.hsds_id, "phone"),
                "service_id": str(provider.hsds_id),
                "number": provider.phone,
            }
        ]
        if provider.phone
        else []
    )
    attributes = [
        _attribute(
            provider,
            "discipline",
            provider.discipline,
            provider.get_discipline_display(),
            provider.discipline,
        )
    ]
    for e in endorsements:
        value = json.dumps(
            {
                "category": e.category,
                "credential_number": e.credential_number,
                "issuing_association": e.issuing_association,
                "issued_on": e.issued_on.isoformat(),
                "expires_on": e.expires_on.isoformat(),
            }
        )
        attr = _attribute(provider, "endorsement", e.category, e.get_category_display(), value)
        attr["id"] = _uid(provider.hsds_id, f"attribute:endorsement:{e.pk}")
        attributes.append(attr)
    for code in provider.payment_codes:
        if code in PaymentOption.values:
            attributes.append(
                _attribute(provider, "payment_option", code, str(PaymentOption(code).label), code)
            )
    attributes.append(
        _attribute(provider, "telehealth", "telehealth", "Telehealth", str(provider.telehealth).lower())
    )
    for code in provider.service_delivery:
        attributes.append(
            _attribute(provider, "service_delivery", code, str(ServiceDelivery(code).label), code)
        )
    attributes.append(
        _attribute(
            provider,
            "accepting_new_families",
            "accepting_new_families",
            "Accepting new families",
            str(provider.accepting_new_families).lower(),
        )
    )
    attributes.append(
        _attribute(provider, "capacity", "capacity", "Capacity for new families", provider.capacity_shown)
    )
    attributes += _model_attributes(provider)
    data["attributes"] = attributes
    data.update(_schedule_and_capacity(provider))
    return data


def _service_areas(provider: Provider) -> list[dict[str, Any]]:
    """The home-visiting area as one HSDS ``service_area`` (text extent: ZIPs, counties,
    the radius and its centre's ZIP or city; never the centre's coordinates)."""
    with translation.override("en"):
        sentence = service_areas.area_sentence(provider)
    if not sentence:
        return []
    return [
        {
            "id": _uid(provider.hsds_id, "service_area:home_visiting"),
            "service_id": str(provider.hsds_id),
            "name": f"Home visits: {sentence}",
            "description": f"{provider.name} visits families at home in {sentence}.",
            "extent": sentence,
            "extent_type": "text",
        }
    ]


def _reach_fields(provider: Provider) -> dict[str, Any]:
    """``url`` (the website) and, with a current waitlist, ``wait_time``."""
    out: dict[str, Any] = {}
    if provider.website:
        out["url"] = provider.website
    if provider.capacity_shown == Capacity.WAITLIST and provider.waitlist_weeks:
        out["wait_time"] = f"About {provider.waitlist_weeks} weeks"
    return out


def _schedule_and_capacity(provider: Provider) -> dict[str, Any]:
    """Hours as one HSDS ``schedule`` (its ``description``) and the current capacity
    under ``capacities`` (HSDS 3.1)."""
    out: dict[str, Any] = {}
    if provider.hours:
        out["schedules"] = [
            {
                "id": _uid(provider.hsds_id, "schedule"),
                "service_id": str(provider.hsds_id),
                "description": provider.hours,
            }
        ]
    capacity = service_capacity(provider)
    if capacity is not None:
        out["capacities"] = [capacity]
    return out


# HSDS 3.1 ``unit`` of our capacity: new families a provider can take on.
CAPACITY_UNIT = {
    "id": str(uuid.uuid5(NAMESPACE, "unit:new_families")),
    "name": "New families",
    "scheme": "referral-hub",
    "identifier": "new_families",
}


def service_capacity(provider: Provider) -> dict[str, Any] | None:
    """The current capacity as an HSDS 3.1 ``service_capacity`` (published under the
    service's ``capacities``, which the 3.0 schema leaves open). ``available`` is 1 when
    the provider is taking new families and 0 otherwise (we record an answer, not a
    count); ``description`` carries our code and words. Nothing when the answer reads
    ``unknown`` (older than 30 days or never given)."""
    code = provider.capacity_shown
    if code == CAPACITY_UNKNOWN or provider.capacity_as_of is None:
        return None
    words = str(Capacity(code).label)
    if code == Capacity.WAITLIST and provider.waitlist_weeks:
        words = f"{words}: about {provider.waitlist_weeks} weeks"
    description = f"{code}: {words}" + (f". {provider.capacity_note}" if provider.capacity_note else "")
    updated = datetime.datetime.combine(provider.capacity_as_of, datetime.time(), tzinfo=datetime.UTC)
    return {
        "id": _uid(provider.hsds_id, "service_capacity"),
        "service_id": str(provider.hsds_id),
        "unit_id": CAPACITY_UNIT["id"],
        "unit": CAPACITY_UNIT,
        "available": 1 if code == Capacity.ACCEPTING else 0,
        "description": str(description),
        "updated": updated.isoformat(),
    }


# --- Import -------------------------------------------------------------------------


class RowError(Exception):
    """A record that cannot be imported; the message says why."""


@dataclass
class ParsedService:
    hsds_id: uuid.UUID
    fields: dict[str, Any]
    organization: dict[str, Any] | None
    locations: list[dict[str, Any]]
    endorsements: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def as_uuid(value: Any, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise RowError(f"{what} {value!r} is not a UUID") from None


def _date(value: Any, what: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RowError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def _months(years: Any, what: str) -> int | None:
    if years in (None, ""):
        return None
    try:
        value = float(years)
    except (TypeError, ValueError):
        raise RowError(f"{what} {years!r} is not a number") from None
    if value < 0:
        raise RowError(f"{what} cannot be negative")
    return min(int(round(value * 12)), 32767)


def parse_organization(data: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RowError("organization is not an object")
    if not data.get("name"):
        raise RowError("organization has no name")
    return {
        "hsds_id": as_uuid(data.get("id"), "organization id"),
        "name": str(data["name"])[:255],
        "description": str(data.get("description") or ""),
        "email": str(data.get("email") or "")[:254],
        "website": str(data.get("website") or "")[:200],
    }


def _pick_address(loc: dict[str, Any]) -> dict[str, Any]:
    """The physical address if there is one, else the first, else none."""
    addresses = loc.get("addresses") or []
    physical = next((a for a in addresses if a.get("address_type") == "physical"), None)
    return physical or (addresses[0] if addresses else {})


def _coordinate(value: Any) -> float | None:
    return float(value) if value not in (None, "") else None


def _coordinates(loc: dict[str, Any], warnings: list[str]) -> tuple[float | None, float | None]:
    """Latitude and longitude when both parse and lie on Earth; else (None, None)."""
    try:
        lat, lng = _coordinate(loc.get("latitude")), _coordinate(loc.get("longitude"))
    except (TypeError, ValueError):
        return None, None
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        warnings.append(f"location {loc.get('id')}: coordinates ({lat}, {lng}) out of range, ignored")
        return None, None
    return lat, lng


def _parse_location(raw: dict[str, Any], warnings: list[str]) -> dict[str, Any] | None:
    loc = raw.get("location") if "location" in raw else raw
    if not isinstance(loc, dict):
        return None
    address = _pick_address(loc)
    if loc.get("location_type") == "virtual" and not address:
        return None
    lat, lng = _coordinates(loc, warnings)
    postal = str(address.get("postal_code") or "").strip()
    city = str(address.get("city") or "")[:100]
    state = str(address.get("state_province") or "")[:64]
    if (lat is None or lng is None) and geo.ZIP_RE.match(postal[:5]):
        place = geo.zip_place(postal[:5])
        if place:
            lat, lng = place[0], place[1]
            city, state = city or place[2], state or place[3]
    return {
        "hsds_id": as_uuid(loc.get("id") or uuid.uuid4(), "location id"),
        "name": str(loc.get("name") or "")[:255],
        "address_1": str(address.get("address_1") or "")[:255],
        "city": city,
        "state": state,
        "zip": postal[:20],
        "lat": lat,
        "lng": lng,
        "accessibility": _accessibility(loc),
    }


def _accessibility(loc: dict[str, Any]) -> str:
    entries = loc.get("accessibility") or []
    parts = [str(e.get("description") or e.get("details") or "") for e in entries if isinstance(e, dict)]
    return "; ".join(p for p in parts if p)[:2000]


def _hours(data: dict[str, Any]) -> str:
    entries = data.get("schedules") or []
    parts = [str(e.get("description") or "") for e in entries if isinstance(e, dict)]
    return "; ".join(p for p in parts if p)[:1000]


@dataclass
class _Attributes:
    """What a service's taxonomy-linked attributes say about the listing."""

    discipline: str = DEFAULT_IMPORT_DISCIPLINE
    payments: list[str] = field(default_factory=list)
    endorsements: list[dict[str, Any]] = field(default_factory=list)
    flags: dict[str, bool] = field(default_factory=dict)


def _parse_endorsement(value: str) -> dict[str, Any]:
    try:
        detail = json.loads(value)
    except ValueError:
        detail = {"category": value}
    if detail.get("category") not in EndorsementCategory.values:
        raise RowError(f"unknown endorsement category {detail.get('category')!r}")
    issued = _date(detail.get("issued_on"), "endorsement issued_on")
    expires = _date(detail.get("expires_on"), "endorsement expires_on")
    if issued is None or expires is None:
        raise RowError("an endorsement needs issued_on and expires_on")
    return {
        "category": detail["category"],
        "credential_number": str(detail.get("credential_number") or "")[:64],
        "issuing_association": str(detail.get("issuing_association") or "")[:255],
        "issued_on": issued,
        "expires_on": expires,
    }


def _apply_attribute(found: _Attributes, kind: str, value: str) -> None:
    if kind == "discipline":
        if value not in Discipline.values:
            raise RowError(f"unknown discipline {value!r}")
        found.discipline = value
    elif kind == "payment_option":
        if value not in PaymentOption.values:
            raise RowError(f"unknown payment option {value!r}")
        found.payments.append(value)
    elif kind in ("telehealth", "accepting_new_families"):
        found.flags[kind] = value.lower() == "true"
    elif kind == "endorsement":
        found.endorsements.append(_parse_endorsement(value))


def _parse_attributes(data: dict[str, Any]) -> _Attributes:
    found = _Attributes()
    for attr in data.get("attributes") or []:
        term = attr.get("taxonomy_term") or {}
        kind = attr.get("link_type")
        if term.get("taxonomy") not in TAXONOMIES.values() or kind not in TAXONOMIES:
            continue
        _apply_attribute(found, kind, str(attr.get("value") or term.get("code") or ""))
    return found


def _parse_languages(data: dict[str, Any], warnings: list[str]) -> list[str]:
    languages = []
    for lang in data.get("languages") or []:
        code = str(lang.get("code") or "").lower()
        if len(code) == 2 and code.isalpha():
            languages.append(code)
        elif code:
            warnings.append(f"language code {code!r} is not ISO 639-1, skipped")
    return languages


def _parse_age_range(data: dict[str, Any]) -> tuple[int, int]:
    """Ages served in months; from birth and up to 72 months (or the minimum) when unsaid."""
    min_months = _months(data.get("minimum_age"), "minimum_age")
    max_months = _months(data.get("maximum_age"), "maximum_age")
    min_months = 0 if min_months is None else min_months
    max_months = max(72, min_months) if max_months is None else max_months
    if min_months > max_months:
        raise RowError("minimum_age is greater than maximum_age")
    return min_months, max_months


def _parse_locations(data: dict[str, Any], warnings: list[str]) -> list[dict[str, Any]]:
    locations = []
    for raw in data.get("service_at_locations") or []:
        loc = _parse_location(raw, warnings)
        if loc is not None:
            locations.append(loc)
    return locations


def _website(data: dict[str, Any], warnings: list[str]) -> str:
    url = str(data.get("url") or "").strip()[:200]
    if url and not url.lower().startswith(("http://", "https://")):
        warnings.append(f"url {url!r} ignored")
        return ""
    return url


def _contact_fields(data: dict[str, Any], warnings: list[str]) -> dict[str, str]:
    phones = data.get("phones") or []
    email = str(data.get("email") or "")[:254]
    if email and "@" not in email:
        warnings.append(f"email {email!r} ignored")
        email = ""
    return {"email": email, "phone": str(phones[0].get("number") or "")[:40] if phones else ""}


def parse_service(data: dict[str, Any], *, organization: dict[str, Any] | None = None) -> ParsedService:
    """Map one HSDS service to our fields. Raises ``RowError`` with the reason when the
    record cannot become a listing; anything merely unusable becomes a warning."""
    if not isinstance(data, dict):
        raise RowError("service is not an object")
    warnings: list[str] = []
    hsds_id = as_uuid(data.get("id"), "service id")
    name = str(data.get("name") or "").strip()
    if not name:
        raise RowError("service has no name")
    if data.get("organization"):
        organization = parse_organization(data["organization"])
    found = _parse_attributes(data)
    languages = _parse_languages(data, warnings)
    min_months, max_months = _parse_age_range(data)
    locations = _parse_locations(data, warnings)
    contact = _contact_fields(data, warnings)
    fields = {
        "name": name[:255],
        "discipline": found.discipline,
        "bio": str(data.get("description") or ""),
        "email": contact["email"],
        "phone": contact["phone"],
        "languages": join_codes(languages),
        "payment_options": join_codes(found.payments),
        "ages_min_months": min_months,
        "ages_max_months": max_months,
        "accepting_new_families": found.flags.get(
            "accepting_new_families", data.get("status", "active") == "active"
        ),
        "telehealth": found.flags.get("telehealth", False),
        "assured_date": _date(data.get("assured_date"), "assured_date"),
        "website": _website(data, warnings),
        "hours": _hours(data),
    }
    return ParsedService(
        hsds_id=hsds_id,
        fields=fields,
        organization=organization,
        locations=locations,
        endorsements=found.endorsements,
        warnings=warnings,
    )


def _is_organization(item: dict[str, Any]) -> bool:
    return "services" in item or ("description" in item and "status" not in item and "legal_status" in item)


def _is_service(item: dict[str, Any]) -> bool:
    return "status" in item or "service_at_locations" in item or "organization_id" in item


def _is_taxonomy(item: dict[str, Any]) -> bool:
    return "taxonomy" in item or "code" in item or "uri" in item and "name" in item and "version" in item


def _rows_of(item: Any) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """One document item as rows: a service_at_location, an organization with its
    services, a bare service, a taxonomy term, or an invalid item."""
    if not isinstance(item, dict):
        return [("invalid", {"value": item}, None)]
    if isinstance(item.get("service"), dict):  # a service_at_location
        service = dict(item["service"])
        service.setdefault("service_at_locations", [{"location": item.get("location")}])
        return [("service", service, None)]
    if _is_organization(item):
        return [("organization", item, None)] + [("service", s, item) for s in item.get("services") or []]
    if _is_service(item):
        return [("service", item, None)]
    if _is_taxonomy(item):
        return [("taxonomy", item, None)]
    if "name" in item and "description" in item:
        return [("organization", item, None)]
    return [("invalid", item, None)]


def records_from_document(doc: Any) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """Flatten any published HSDS shape into ``(kind, record, parent_org)`` rows, where
    kind is "service" or "organization". Rows are numbered in this order for reports."""
    if isinstance(doc, dict) and isinstance(doc.get("contents"), list):
        doc = doc["contents"]
    items = doc if isinstance(doc, list) else [doc]
    rows: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    for item in items:
        rows += _rows_of(item)
    return rows
