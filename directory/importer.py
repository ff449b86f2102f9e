"""``import_directory``: HSDS 3.0 JSON or the CSV layout in docs/directory.md.

Each record is imported in its own savepoint: a bad one is reported by row number and
reason and the good ones are kept. Records carry ids (HSDS ``id``, or the CSV ``id``
column, or an id derived from name+discipline+organization+zip), so importing the same
file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from directory import geo, hsds, services
from directory.models import Discipline, EndorsementCategory, Organization, PaymentOption, join_codes

CSV_COLUMNS = [
    "id",
    "name",
    "discipline",
    "organization",
    "organization_id",
    "email",
    "phone",
    "bio",
    "services",
    "specialties",
    "languages",
    "ages_min_months",
    "ages_max_months",
    "accepting_new_families",
    "telehealth",
    "payment_options",
    "assured_date",
    "address_1",
    "city",
    "state",
    "zip",
    "lat",
    "lng",
    "endorsement_category",
    "credential_number",
    "issuing_association",
    "issued_on",
    "expires_on",
]
CSV_REQUIRED = ["name", "discipline"]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    organizations: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def error(self, row: int, reason: str) -> None:
        self.errors.append((row, reason))


def import_path(path: Path) -> ImportReport:
    path = Path(path)
    report = ImportReport()
    if path.is_dir():
        # Organizations first so services can point at them by organization_id.
        files = sorted(path.glob("*.json"), key=lambda p: (p.name != "organizations.json", p.name))
        for file in files:
            _import_json(file, report)
        for file in sorted(path.glob("*.csv")):
            _import_csv(file, report)
    elif path.suffix.lower() == ".csv":
        _import_csv(path, report)
    else:
        _import_json(path, report)
    return report


# --- HSDS JSON ----------------------------------------------------------------------


def _save_organization(parsed: dict[str, Any], report: ImportReport) -> Organization:
    existed = Organization.objects.filter(hsds_id=parsed["hsds_id"]).exists()
    org = services.organization_upsert(**parsed)
    if not existed:
        report.organizations += 1
    return org


def _save_service(parsed: hsds.ParsedService, org: Organization | None, report: ImportReport) -> None:
    fields = dict(parsed.fields, organization=org)
    provider, created = services.provider_upsert(
        hsds_id=parsed.hsds_id, fields=fields, locations=parsed.locations
    )
    for endorsement in parsed.endorsements:
        services.endorsement_import(provider=provider, **endorsement)
    if created:
        report.created += 1
    else:
        report.updated += 1


def _import_json_service(
    number: int, record: dict[str, Any], parent: dict[str, Any] | None, report: ImportReport
) -> None:
    parent_org = hsds.parse_organization(parent) if parent else None
    parsed = hsds.parse_service(record, organization=parent_org)
    org = None
    if parsed.organization:
        org = _save_organization(parsed.organization, report)
    elif record.get("organization_id"):
        org_id = hsds.as_uuid(record["organization_id"], "organization_id")
        org = Organization.objects.filter(hsds_id=org_id).first()
        if org is None:
            parsed.warnings.append(f"organization {org_id} not found; listed without one")
    _save_service(parsed, org, report)
    report.warnings += [(number, w) for w in parsed.warnings]


def _import_json(path: Path, report: ImportReport) -> None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.error(0, f"{path.name}: not readable JSON ({exc})")
        return
    for number, (kind, record, parent) in enumerate(hsds.records_from_document(doc), start=1):
        try:
            with transaction.atomic():
                if kind == "organization":
                    _save_organization(hsds.parse_organization(record), report)
                elif kind == "service":
                    _import_json_service(number, record, parent, report)
                elif kind == "taxonomy":
                    report.skipped.append((number, "taxonomy records describe codes, not listings"))
                else:
                    raise hsds.RowError("not an HSDS service, organization or service_at_location")
        except hsds.RowError as exc:
            report.error(number, str(exc))
        except ValidationError as exc:
            report.error(number, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))


# --- CSV ------------------------------------------------------------------------------


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _bool(cell: str, column: str, default: bool) -> bool:
    value = (cell or "").strip().lower()
    if not value:
        return default
    if value in {"true", "yes", "1", "y"}:
        return True
    if value in {"false", "no", "0", "n"}:
        return False
    raise hsds.RowError(f"{column} must be true or false, not {cell!r}")


def _int(cell: str, column: str, default: int) -> int:
    value = (cell or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise hsds.RowError(f"{column} must be a whole number, not {cell!r}") from None
    if number < 0:
        raise hsds.RowError(f"{column} cannot be negative")
    return number


def _float(cell: str, column: str) -> float | None:
    value = (cell or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise hsds.RowError(f"{column} must be a number, not {cell!r}") from None


def _csv_codes(row: dict[str, str]) -> tuple[list[str], list[str]]:
    """The row's language and payment-option codes, each one checked."""
    if row["discipline"] not in Discipline.values:
        raise hsds.RowError(f"unknown discipline {row['discipline']!r}")
    languages = [code.lower() for code in _split(row.get("languages", ""))]
    for code in languages:
        if len(code) != 2 or not code.isalpha():
            raise hsds.RowError(f"language {code!r} is not an ISO 639-1 code")
    payments = _split(row.get("payment_options", ""))
    for code in payments:
        if code not in PaymentOption.values:
            raise hsds.RowError(f"unknown payment option {code!r}")
    return languages, payments


def _csv_organization(row: dict[str, str]) -> dict[str, Any] | None:
    if not row.get("organization"):
        return None
    org_id = (
        hsds.as_uuid(row["organization_id"], "organization_id")
        if row.get("organization_id")
        else uuid.uuid5(hsds.NAMESPACE, f"org:{row['organization'].lower()}")
    )
    return {"hsds_id": org_id, "name": row["organization"][:255]}


def _csv_coordinates(row: dict[str, str]) -> tuple[float | None, float | None]:
    lat, lng = _float(row.get("lat", ""), "lat"), _float(row.get("lng", ""), "lng")
    if lat is None or lng is None:
        if (lat is None) != (lng is None):
            raise hsds.RowError("give both lat and lng, or neither")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise hsds.RowError("lat/lng out of range")
    return lat, lng


def _csv_place(row: dict[str, str]) -> dict[str, Any]:
    """Where the listing is: ZIP, city, state and coordinates (from the ZIP when the
    row gives none)."""
    zip_code = row.get("zip", "")
    if zip_code and not geo.ZIP_RE.match(zip_code[:5]):
        raise hsds.RowError(f"zip {zip_code!r} is not a US ZIP code")
    lat, lng = _csv_coordinates(row)
    city, state = row.get("city", ""), row.get("state", "")
    if zip_code:
        place = geo.zip_place(zip_code[:5])
        if place is None:
            raise hsds.RowError(f"zip {zip_code!r} is not a known US ZIP code")
        if lat is None:
            lat, lng = place[0], place[1]
        city, state = city or place[2], state or place[3]
    return {"zip": zip_code, "city": city, "state": state, "lat": lat, "lng": lng}


def _csv_hsds_id(row: dict[str, str]) -> uuid.UUID:
    """The row's own id, else a stable one from name, discipline, organization and ZIP
    (so re-importing the same sheet updates instead of duplicating)."""
    if row.get("id"):
        return hsds.as_uuid(row["id"], "id")
    key = "|".join(
        [row["name"].lower(), row["discipline"], row.get("organization", "").lower(), row.get("zip", "")]
    )
    return uuid.uuid5(hsds.NAMESPACE, f"csv:{key}")


def _csv_locations(row: dict[str, str], hsds_id: uuid.UUID, place: dict[str, Any]) -> list[dict[str, Any]]:
    if not (place["zip"] or place["city"]):
        return []
    return [
        {
            "hsds_id": uuid.uuid5(hsds.NAMESPACE, f"{hsds_id}:csv-location"),
            "name": "",
            "address_1": row.get("address_1", "")[:255],
            "city": place["city"][:100],
            "state": place["state"][:64],
            "zip": place["zip"][:20],
            "lat": place["lat"],
            "lng": place["lng"],
        }
    ]


def _csv_endorsements(row: dict[str, str]) -> list[dict[str, Any]]:
    if not row.get("endorsement_category"):
        return []
    if row["endorsement_category"] not in EndorsementCategory.values:
        raise hsds.RowError(f"unknown endorsement category {row['endorsement_category']!r}")
    issued = hsds._date(row.get("issued_on"), "issued_on")
    expires = hsds._date(row.get("expires_on"), "expires_on")
    if issued is None or expires is None:
        raise hsds.RowError("an endorsement needs issued_on and expires_on")
    if expires < issued:
        raise hsds.RowError("expires_on is before issued_on")
    return [
        {
            "category": row["endorsement_category"],
            "credential_number": row.get("credential_number", "")[:64],
            "issuing_association": row.get("issuing_association", "")[:255],
            "issued_on": issued,
            "expires_on": expires,
        }
    ]


def _csv_fields(row: dict[str, str], languages: list[str], payments: list[str]) -> dict[str, Any]:
    min_months = _int(row.get("ages_min_months", ""), "ages_min_months", 0)
    max_months = _int(row.get("ages_max_months", ""), "ages_max_months", 72)
    if min_months > max_months:
        raise hsds.RowError("ages_min_months is greater than ages_max_months")
    return {
        "name": row["name"][:255],
        "discipline": row["discipline"],
        "email": row.get("email", "")[:254],
        "phone": row.get("phone", "")[:40],
        "bio": row.get("bio", ""),
        "services": _split(row.get("services", "")),
        "specialties": _split(row.get("specialties", "")),
        "languages": join_codes(languages),
        "payment_options": join_codes(payments),
        "ages_min_months": min_months,
        "ages_max_months": max_months,
        "accepting_new_families": _bool(
            row.get("accepting_new_families", ""), "accepting_new_families", True
        ),
        "telehealth": _bool(row.get("telehealth", ""), "telehealth", False),
        "assured_date": hsds._date(row.get("assured_date"), "assured_date"),
    }


def _csv_row(row: dict[str, str]) -> tuple[hsds.ParsedService, dict[str, Any] | None]:
    """One spreadsheet row as a listing, checked section by section in column order;
    the first problem found is the row's error."""
    row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
    for column in CSV_REQUIRED:
        if not row.get(column):
            raise hsds.RowError(f"{column} is required")
    languages, payments = _csv_codes(row)
    org = _csv_organization(row)
    place = _csv_place(row)
    hsds_id = _csv_hsds_id(row)
    locations = _csv_locations(row, hsds_id, place)
    endorsements = _csv_endorsements(row)
    fields = _csv_fields(row, languages, payments)
    return hsds.ParsedService(hsds_id, fields, org, locations, endorsements), org


def _import_csv(path: Path, report: ImportReport) -> None:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        report.error(0, f"{path.name}: not readable ({exc})")
        return
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CSV_REQUIRED if c not in [h.strip().lower() for h in reader.fieldnames or []]]
        if missing:
            report.error(1, f"header lacks required columns: {', '.join(missing)}")
            return
        # Row numbers are spreadsheet rows: the header is row 1.
        for number, row in enumerate(reader, start=2):
            try:
                with transaction.atomic():
                    parsed, org_data = _csv_row(row)
                    org = _save_organization(org_data, report) if org_data else None
                    _save_service(parsed, org, report)
            except hsds.RowError as exc:
                report.error(number, str(exc))
            except ValidationError as exc:
                report.error(number, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
