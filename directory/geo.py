"""Distances for the directory: US ZIP centroids and city names (offline, from the
``zipcodes`` package), a bounding box for the indexed prefilter, and great-circle distance both in
Python and as a SQL expression (Django registers the trigonometric functions on SQLite
too, so one expression serves both databases)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import BooleanField, F, Field, FloatField, Func, Q, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LAT = 69.05
ZIP_RE = re.compile(r"^\d{5}$")

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A city found by name: the mean of its ZIP centroids."""

    lat: float
    lng: float
    city: str
    state: str

    @property
    def label(self) -> str:
        return f"{self.city}, {self.state}"


@dataclass(frozen=True)
class PlaceLookup:
    """The answer to a place name: one ``place``, or the ``states`` that share the name
    (ambiguous), or neither (unknown)."""

    place: Place | None
    city: str = ""
    states: tuple[str, ...] = ()  # the biggest (most ZIP codes) first
    city_as_spelled: str = ""


@cache
def _zip_rows() -> list[dict[str, str]]:
    """The package's table, read once per process (it decompresses a few MB)."""
    import zipcodes

    rows: list[dict[str, str]] = zipcodes.list_all()  # type: ignore[no-untyped-call]  # zipcodes ships no type hints
    return rows


@cache
def _zip_table() -> dict[str, tuple[float, float, str, str]]:
    table = {}
    for row in _zip_rows():
        if row.get("lat") and row.get("long"):
            table[row["zip_code"]] = (float(row["lat"]), float(row["long"]), row["city"], row["state"])
    return table


def zip_centroid(code: str) -> tuple[float, float] | None:
    """The centroid of a 5-digit US ZIP (a ZIP+4 uses its first five digits), or None."""
    row = _zip_table().get(code[:5]) if code else None
    return (row[0], row[1]) if row else None


def zip_place(code: str) -> tuple[float, float, str, str] | None:
    """(lat, lng, city, state) for a ZIP, or None."""
    return _zip_table().get(code[:5]) if code else None


def haversine_miles(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlng = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) containing every point within the radius.
    Padded by 1% so rounding never drops a point the exact distance would keep."""
    dlat = radius_miles / MILES_PER_DEGREE_LAT * 1.01
    cos_lat = max(math.cos(math.radians(min(89.0, abs(lat) + dlat))), 0.01)
    dlng = min(180.0, radius_miles / (MILES_PER_DEGREE_LAT * cos_lat) * 1.01)
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def distance_expression(
    lat: float, lng: float, lat_field: str = "lat", lng_field: str = "lng"
) -> CombinedExpression:
    """Haversine distance in miles from (lat, lng) to the row's coordinates, in SQL."""
    flt = FloatField()
    lat0 = Value(math.radians(lat), output_field=flt)
    lng0 = Value(math.radians(lng), output_field=flt)
    row_lat = Radians(F(lat_field))
    row_lng = Radians(F(lng_field))
    half = Value(0.5, output_field=flt)
    a = Power(Sin((row_lat - lat0) * half), 2) + Cos(lat0) * Cos(row_lat) * Power(
        Sin((row_lng - lng0) * half), 2
    )
    # Least(..., 1) guards asin against a rounding error just above 1.
    return Value(2 * EARTH_RADIUS_MILES, output_field=flt) * ASin(
        Sqrt(Least(a, Value(1.0, output_field=flt)))
    )


# --- PostgreSQL: nearest-first from a GiST index (the ``cube`` extension) --------------
# Every location is also a point on the unit sphere in 3-D (an expression index, migration
# 0009). The straight-line (chord) distance between two such points grows with the
# great-circle distance, so ordering by the cube ``<->`` operator is ordering by distance,
# and a cube around the searched point holds every location within a radius. Only
# PostgreSQL's own ``cube`` functions are used (no ``earthdistance``: its ``ll_to_earth``
# calls ``earth()`` unqualified, which breaks a pg_dump restore of an index built on it).
# The distances shown and filtered on are always the exact haversine miles above.
EARTH_POINT_SQL = (
    "cube(array[cos(radians({lat})) * cos(radians({lng})), "
    "cos(radians({lat})) * sin(radians({lng})), sin(radians({lat}))])"
)


def unit_vector(lat: float, lng: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lng)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def chord_for_miles(miles: float) -> float:
    """The unit-sphere chord for a great-circle distance, padded so rounding never
    leaves out a point the exact distance keeps."""
    angle = min(math.pi, miles / EARTH_RADIUS_MILES)
    return 2 * math.sin(angle / 2) * (1 + 1e-9) + 1e-12


class _EarthPoint(Func):
    """The row's location as a unit-sphere cube point: the expression of the GiST index
    ``directory_location_earth_point`` (migration 0009), column references compiled by
    Django so the alias is right inside subqueries too."""

    output_field = Field()

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        lat_sql, lat_params = compiler.compile(self.source_expressions[0])
        lng_sql, lng_params = compiler.compile(self.source_expressions[1])
        assert not lat_params and not lng_params  # plain columns
        return EARTH_POINT_SQL.format(lat=lat_sql, lng=lng_sql), []


class _CubeOperator(Func):
    """``<row point> <op> cube(array[x, y, z])`` (optionally enlarged by a chord)."""

    def __init__(self, template: str, params: list[float], output_field: Field[Any, Any]) -> None:
        super().__init__(_EarthPoint(F("lat"), F("lng")), output_field=output_field)
        self.op_params = params
        self.op_template = template

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        point_sql, params = compiler.compile(self.source_expressions[0])
        return self.op_template.format(point=point_sql), [*params, *self.op_params]


def nearest_first(lat: float, lng: float) -> Func:
    """Order by this, ascending: nearest location first, served by the GiST index (KNN)."""
    return _CubeOperator("{point} <-> cube(array[%s, %s, %s])", [*unit_vector(lat, lng)], FloatField())


def within_cube(lat: float, lng: float, radius_miles: float) -> Q:
    """Locations inside the cube around the point holding every location within
    ``radius_miles`` (a superset: pair it with the exact distance)."""
    condition = _CubeOperator(
        "{point} <@ cube_enlarge(cube(array[%s, %s, %s]), %s, 3)",
        [*unit_vector(lat, lng), chord_for_miles(radius_miles)],
        BooleanField(),
    )
    return Q(condition)


def _place_key(text: str) -> str:
    """ "St. Paul" / "saint paul" / "Sáint  Paul" -> "saint paul"."""
    plain = text.lower().replace(".", " ")
    if not plain.isascii():
        decomposed = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = plain.split()
    if words and words[0] == "st":
        words[0] = "saint"
    return " ".join(words)


@cache
def _city_table() -> dict[str, dict[str, list[tuple[float, float, str, bool]]]]:
    """folded city name -> state -> [(lat, lng, city as spelled, is a delivery ZIP)]."""
    table: dict[str, dict[str, list[tuple[float, float, str, bool]]]] = {}
    for row in _zip_rows():
        if not (row.get("lat") and row.get("long") and row.get("city")):
            continue
        by_state = table.setdefault(_place_key(row["city"]), {})
        by_state.setdefault(row["state"], []).append(
            (float(row["lat"]), float(row["long"]), row["city"], row.get("zip_code_type") == "STANDARD")
        )
    return table


def _state_code(text: str) -> str | None:
    key = _place_key(text)
    if key.upper() in US_STATES:
        return key.upper()
    return next((code for code, name in US_STATES.items() if _place_key(name) == key), None)


def _split_state(text: str) -> tuple[str, str | None]:
    """ "Ann Arbor, MI" / "Ann Arbor MI" / "Ann Arbor, Michigan" -> ("Ann Arbor", "MI")."""
    if "," in text:
        city, _, state = text.rpartition(",")
        return city.strip(), _state_code(state) or "?"
    words = text.split()
    for size in (3, 2, 1):  # "New Hampshire", "District of Columbia"
        if len(words) > size:
            code = _state_code(" ".join(words[-size:]))
            if code and _place_key(" ".join(words[:-size])) in _city_table():
                return " ".join(words[:-size]), code
    return text.strip(), None


def find_place(text: str) -> PlaceLookup:
    """A US city by name, with or without its state ("Ann Arbor", "Ann Arbor, MI")."""
    city, state = _split_state(text)
    by_state = _city_table().get(_place_key(city), {})
    if state is not None:
        by_state = {state: by_state[state]} if state in by_state else {}
    if len(by_state) != 1:
        states = sorted(by_state, key=lambda code: (-len(by_state[code]), code))
        spelled = by_state[states[0]][0][2].title() if states else ""
        return PlaceLookup(None, city=city, states=tuple(states), city_as_spelled=spelled)
    ((code, points),) = by_state.items()
    # The city's delivery ZIPs; its PO-box or single-building ZIPs only when it has no other.
    standard = [p for p in points if p[3]] or points
    lat = sum(p[0] for p in standard) / len(standard)
    lng = sum(p[1] for p in standard) / len(standard)
    return PlaceLookup(Place(lat, lng, standard[0][2], code))


# --- ZIPs, cities and counties: what a home-visiting service area is made of ----------


@cache
def _zip_counties() -> dict[str, tuple[str, str]]:
    """ZIP -> (county as the ZIP data spells it, e.g. "Washtenaw County", state)."""
    return {row["zip_code"]: (row["county"], row["state"]) for row in _zip_rows() if row.get("county")}


def zip_county(code: str) -> tuple[str, str] | None:
    """(county, state) of a 5-digit ZIP, or None."""
    return _zip_counties().get(code[:5]) if code else None


def _county_key(name: str) -> str:
    return " ".join(_place_key(name).replace("county", " ").split())


@cache
def _county_table() -> dict[str, dict[str, str]]:
    """state -> folded county name (without the word "county") -> county as spelled."""
    table: dict[str, dict[str, str]] = {}
    for county, state in _zip_counties().values():
        table.setdefault(state, {})[_county_key(county)] = county
    return table


def find_county(name: str, state: str) -> str | None:
    """A county of ``state`` as the ZIP data spells it ("washtenaw", "Washtenaw County"
    -> "Washtenaw County"), or None."""
    return _county_table().get(state.strip().upper(), {}).get(_county_key(name))


@cache
def _city_zip_table() -> dict[tuple[str, str], list[str]]:
    """(folded city, state) -> its ZIP codes, delivery ZIPs first."""
    table: dict[tuple[str, str], list[tuple[bool, str]]] = {}
    for row in _zip_rows():
        if row.get("city") and row.get("state"):
            key = (_place_key(row["city"]), row["state"])
            table.setdefault(key, []).append((row.get("zip_code_type") != "STANDARD", row["zip_code"]))
    return {key: [code for _other, code in sorted(rows)] for key, rows in table.items()}


def city_zips(city: str, state: str) -> list[str]:
    """The ZIP codes of a city (its delivery ZIPs first), as spelled by ``find_place``."""
    return list(_city_zip_table().get((_place_key(city), state), []))


def nearest_zip(lat: float, lng: float, within_miles: float = 30.0) -> str | None:
    """The ZIP whose centroid is nearest the point (within ``within_miles``), or None."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, within_miles)
    best: tuple[float, str] | None = None
    for code, (zlat, zlng, _city, _state) in _zip_table().items():
        if min_lat <= zlat <= max_lat and min_lng <= zlng <= max_lng:
            miles = haversine_miles(lat, lng, zlat, zlng)
            if miles <= within_miles and (best is None or miles < best[0]):
                best = (miles, code)
    return best[1] if best else None
