"""Distances for the directory: US ZIP centroids (offline, from the ``zipcodes``
package), a bounding box for the indexed prefilter, and great-circle distance both in
Python and as a SQL expression (Django registers the trigonometric functions on SQLite
too, so one expression serves both databases)."""

from __future__ import annotations

import math
import re
from functools import cache

from django.db.models import F, FloatField, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LAT = 69.05
ZIP_RE = re.compile(r"^\d{5}$")


@cache
def _zip_table() -> dict[str, tuple[float, float, str, str]]:
    import zipcodes

    table = {}
    for row in zipcodes.list_all():  # type: ignore[no-untyped-call]  # zipcodes ships no type hints
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
