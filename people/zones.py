"""The time-zone choice on the account page: the zones the network's families and
providers live in first, by their everyday names ("Eastern (New York, Detroit)"), then
every other zone of the tz database grouped by region. The stored value is always the
IANA name; ``people.preferences.validate_time_zone`` still decides what is valid."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from people.preferences import known_time_zones

# The network is in the United States: its zones, east to west.
COMMON_ZONES: list[tuple[str, str | Promise]] = [
    ("America/New_York", _("Eastern time (New York, Detroit, Miami)")),
    ("America/Chicago", _("Central time (Chicago, Houston, Minneapolis)")),
    ("America/Denver", _("Mountain time (Denver, Salt Lake City)")),
    ("America/Phoenix", _("Arizona (Phoenix, no daylight saving)")),
    ("America/Los_Angeles", _("Pacific time (Los Angeles, Seattle)")),
    ("America/Anchorage", _("Alaska (Anchorage)")),
    ("Pacific/Honolulu", _("Hawaii (Honolulu)")),
    ("America/Puerto_Rico", _("Atlantic time (Puerto Rico)")),
]
REGIONS = {
    "Africa": _("Africa"),
    "America": _("The Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


def _readable(name: str) -> str:
    """ "America/Argentina/Buenos_Aires" -> "Argentina / Buenos Aires"."""
    return " / ".join(name.split("/")[1:]).replace("_", " ") or name


def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Option groups for a ``ChoiceField``: the network's common zones, then each region."""
    known = known_time_zones()
    common = [(name, str(label)) for name, label in COMMON_ZONES if name in known]
    taken = {name for name, _label in common}
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(known - taken):
        region = name.split("/")[0] if "/" in name else ""
        if region in REGIONS:
            groups.setdefault(region, []).append((name, _readable(name)))
        else:
            groups.setdefault("", []).append((name, name.replace("_", " ")))
    choices = [(str(_("Common time zones")), common)]
    choices += [(str(REGIONS[region]), zones) for region, zones in groups.items() if region]
    if "" in groups:
        choices.append((str(_("Other names (UTC offsets and old names)")), groups[""]))
    return choices
