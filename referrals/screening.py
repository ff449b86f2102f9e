"""Typed, server-validated screening results attached to referrals.

The client sends the scores it has (``inputs``); the server derives every
interpretation (zones, bands, flags) so a referral never carries a hand-typed
"positive". Out-of-range or unknown values raise ``ApplicationError`` (400,
``invalid_screening``) naming the field for programs, e.g.
``screenings[0].domain_scores.fine_motor``, and in plain words for people ("Fine motor
score must be between 0 and 60."); ``referrals.inputs.ReferralSendForm`` puts that
beside the page's field.

Sources (see docs/referrals.md for the full notes):

- ASQ-3: Squires & Bricker, *Ages & Stages Questionnaires, Third Edition* (Paul H.
  Brookes, 2009), User's Guide Table 18 / the per-interval Information Summary sheets:
  the cutoff is 2 SD below the mean of the normative sample, the monitoring zone lies
  between 1 and 2 SD below the mean. The referral cutoffs for all 21 intervals are in
  ``ASQ3_CUTOFFS``. The 1-SD edges of the monitoring zone are only in the licensed User's
  Guide, which we could not consult: ``ASQ3_MONITORING_EDGES`` holds the intervals whose
  edges have been entered; for the others a score above the cutoff is reported as
  ``above`` with ``monitoring_zone_known: false`` rather than guessing.
- ASQ:SE-2: Squires, Bricker & Twombly, *ASQ:SE-2* (Brookes, 2015): one total per
  questionnaire interval, referral when the total is at or above the interval's cutoff.
- M-CHAT-R/F: Robins, Fein & Barton (2009): 20 items, total 0-2 low, 3-7 medium,
  8-20 high risk; the Follow-Up interview is positive when its total is 2 or more.
- EPDS: Cox, Holden & Sagovsky (1987): 10 items, total 0-30; we flag probable
  depression at 13 or more (the original validation threshold for probable major
  depression) and any non-zero answer to item 10 (thoughts of self-harm) regardless of
  the total. EPDS is the caregiver's data: it needs the ``caregiver_screening`` category.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from referral_hub.errors import FieldError

ASQ3_DOMAINS = ("communication", "gross_motor", "fine_motor", "problem_solving", "personal_social")
ASQ3_DOMAIN_LABELS = {
    "communication": _("Communication"),
    "gross_motor": _("Gross motor"),
    "fine_motor": _("Fine motor"),
    "problem_solving": _("Problem solving"),
    "personal_social": _("Personal-social"),
}
# How each ASQ-3 zone reads on a page, and the badge class it wears.
ZONE_LABELS = {
    "below": _("Below cutoff: refer for further assessment"),
    "monitoring": _("Monitoring zone"),
    "above": _("Above cutoff: on schedule"),
}
ZONE_BADGES = {"below": "bad", "monitoring": "warn", "above": "ok"}

# interval (months) -> cutoff per domain, in ASQ3_DOMAINS order (2 SD below the mean).
ASQ3_CUTOFFS: dict[int, tuple[float, float, float, float, float]] = {
    2: (22.77, 41.84, 30.16, 24.62, 33.71),
    4: (34.60, 38.41, 29.62, 34.98, 33.16),
    6: (29.65, 22.25, 25.14, 27.72, 25.34),
    8: (33.06, 30.61, 40.15, 36.17, 35.84),
    9: (13.97, 17.82, 31.32, 28.72, 18.91),
    10: (22.87, 30.07, 37.97, 32.51, 27.25),
    12: (15.64, 21.49, 34.50, 27.32, 21.73),
    14: (17.40, 25.80, 23.06, 22.56, 23.18),
    16: (16.81, 37.91, 31.98, 30.51, 26.43),
    18: (13.06, 37.38, 34.32, 25.74, 27.19),
    20: (20.50, 39.89, 36.05, 28.84, 33.36),
    22: (13.04, 27.75, 29.61, 29.30, 30.07),
    24: (25.17, 38.07, 35.16, 29.78, 31.54),
    27: (24.02, 28.01, 18.42, 27.62, 25.31),
    30: (33.30, 36.14, 19.25, 27.08, 32.01),
    33: (25.36, 34.80, 12.28, 26.92, 28.96),
    36: (30.99, 36.99, 18.07, 30.29, 35.33),
    42: (27.06, 36.27, 19.82, 28.11, 31.12),
    48: (30.72, 32.78, 15.81, 31.30, 26.60),
    54: (31.85, 35.18, 17.32, 28.12, 32.33),
    60: (33.19, 31.28, 26.54, 29.99, 39.07),
}
# interval -> top edge of the monitoring zone (1 SD below the mean) per domain. Enter
# values only from the User's Guide (Table 18, "1.0 SD" column).
ASQ3_MONITORING_EDGES: dict[int, tuple[float, float, float, float, float]] = {}

# ASQ:SE-2 interval (months) -> referral cutoff (refer at or above). Verify against the
# licensed ASQ:SE-2 User's Guide before clinical use (see docs/referrals.md).
ASQ_SE2_CUTOFFS: dict[int, int] = {2: 35, 6: 45, 12: 50, 18: 65, 24: 65, 30: 85, 36: 105, 48: 85, 60: 95}
ASQ_SE2_MAX_TOTAL = 400  # generous ceiling: (items x 10) + 5 per caregiver concern

EPDS_PROBABLE_DEPRESSION = 13

INSTRUMENTS = {
    "asq_3": "ASQ-3",
    "asq_se_2": "ASQ:SE-2",
    "mchat_r_f": "M-CHAT-R/F",
    "epds": "EPDS",
}
MAX_SCREENINGS = 10
CHILD_INSTRUMENTS = {"asq_3", "asq_se_2", "mchat_r_f"}
CAREGIVER_INSTRUMENTS = {"epds"}


@dataclass(frozen=True)
class ScreeningResult:
    instrument: str
    administered_on: datetime.date
    inputs: dict[str, Any]
    result: dict[str, Any]

    @property
    def data_category(self) -> str:
        return "caregiver_screening" if self.instrument in CAREGIVER_INSTRUMENTS else "screening_results"


# What each screening field is called on the page (messages name it in plain words).
FIELD_LABELS = {
    "instrument": _("Instrument"),
    "administered_on": _("Administered on"),
    "interval_months": _("Questionnaire interval (months)"),
    "total": _("Total score"),
    "follow_up_total": _("Follow-up total"),
    "item_10": _("Item 10 (self-harm) score"),
}


def _label(key: str) -> str:
    """A field's name for a message: ``Total score``, ``Communication score``."""
    if key in ASQ3_DOMAIN_LABELS:
        return gettext("%(domain)s score") % {"domain": ASQ3_DOMAIN_LABELS[key]}
    return str(FIELD_LABELS.get(key, key))


def _fail(field: str, message: str) -> FieldError:
    """A refusal naming the field for programs (``screenings[0].domain_scores.communication``,
    the API's ``field``) and in plain words for people (``message``)."""
    return FieldError("invalid_screening", field, message)


def _int(data: dict[str, Any], key: str, prefix: str, lo: int, hi: int) -> int:
    """A required whole number in ``lo..hi``."""
    value = _optional_int(data, key, prefix, lo, hi)
    if value is None:
        raise _fail(f"{prefix}.{key}", gettext("%(label)s is required.") % {"label": _label(key)})
    return value


def _whole_number(value: Any) -> int | None:
    """``value`` as a whole number (from a number or its text), or None."""
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _optional_int(data: dict[str, Any], key: str, prefix: str, lo: int, hi: int) -> int | None:
    """A whole number in ``lo..hi``, or None when absent or empty."""
    field = f"{prefix}.{key}"
    if key not in data or data[key] is None or data[key] == "":
        return None
    value = _whole_number(data[key])
    if value is None:
        raise _fail(field, gettext("%(label)s must be a whole number.") % {"label": _label(key)})
    if not lo <= value <= hi:
        raise _fail(
            field,
            gettext("%(label)s must be between %(lo)s and %(hi)s.")
            % {"label": _label(key), "lo": lo, "hi": hi},
        )
    return value


def _date(data: dict[str, Any], prefix: str) -> datetime.date:
    field = f"{prefix}.administered_on"
    label = _label("administered_on")
    raw = data.get("administered_on")
    if isinstance(raw, datetime.date):
        value = raw
    elif isinstance(raw, str) and raw:
        try:
            value = datetime.date.fromisoformat(raw)
        except ValueError:
            raise _fail(field, gettext("%(label)s must be a date (YYYY-MM-DD).") % {"label": label}) from None
    else:
        raise _fail(field, gettext("%(label)s is required.") % {"label": label})
    if value > datetime.date.today() + datetime.timedelta(days=1):
        raise _fail(field, gettext("%(label)s cannot be in the future.") % {"label": label})
    return value


def _no_questionnaire(prefix: str, instrument: str, interval: int, known: Any) -> FieldError:
    return _fail(
        f"{prefix}.interval_months",
        gettext("There is no %(instrument)s questionnaire for %(months)s months (there are: %(known)s).")
        % {
            "instrument": INSTRUMENTS[instrument],
            "months": interval,
            "known": ", ".join(str(i) for i in known),
        },
    )


def _asq_3(data: dict[str, Any], prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    interval = _int(data, "interval_months", prefix, 0, 1000)
    if interval not in ASQ3_CUTOFFS:
        raise _no_questionnaire(prefix, "asq_3", interval, ASQ3_CUTOFFS)
    raw_scores = data.get("domain_scores")
    if not isinstance(raw_scores, dict):
        raise _fail(f"{prefix}.domain_scores", gettext("Give the five ASQ-3 domain scores."))
    unknown = sorted(set(raw_scores) - set(ASQ3_DOMAINS))
    if unknown:
        raise _fail(
            f"{prefix}.domain_scores.{unknown[0]}",
            gettext("%(name)s is not an ASQ-3 domain.") % {"name": unknown[0]},
        )
    scores = {d: _int(raw_scores, d, f"{prefix}.domain_scores", 0, 60) for d in ASQ3_DOMAINS}
    cutoffs = dict(zip(ASQ3_DOMAINS, ASQ3_CUTOFFS[interval], strict=True))
    edges = ASQ3_MONITORING_EDGES.get(interval)
    edge_by_domain = dict(zip(ASQ3_DOMAINS, edges, strict=True)) if edges else {}
    zones = {}
    for domain, score in scores.items():
        if score <= cutoffs[domain]:
            zones[domain] = "below"
        elif edge_by_domain and score <= edge_by_domain[domain]:
            zones[domain] = "monitoring"
        else:
            zones[domain] = "above"
    result = {
        "zones": zones,
        "cutoffs": cutoffs,
        "monitoring_zone_known": bool(edges),
        "any_below": any(z == "below" for z in zones.values()),
    }
    return {"interval_months": interval, "domain_scores": scores}, result


def _asq_se_2(data: dict[str, Any], prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    interval = _int(data, "interval_months", prefix, 0, 1000)
    if interval not in ASQ_SE2_CUTOFFS:
        raise _no_questionnaire(prefix, "asq_se_2", interval, ASQ_SE2_CUTOFFS)
    total = _int(data, "total", prefix, 0, ASQ_SE2_MAX_TOTAL)
    cutoff = ASQ_SE2_CUTOFFS[interval]
    return {"interval_months": interval, "total": total}, {
        "cutoff": cutoff,
        "above_cutoff": total >= cutoff,
    }


def _mchat(data: dict[str, Any], prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    total = _int(data, "total", prefix, 0, 20)
    follow_up = _optional_int(data, "follow_up_total", prefix, 0, 20)
    band = "low" if total <= 2 else "medium" if total <= 7 else "high"
    result: dict[str, Any] = {"risk_band": band, "follow_up_positive": None}
    if follow_up is not None:
        result["follow_up_positive"] = follow_up >= 2
    inputs = {"total": total}
    if follow_up is not None:
        inputs["follow_up_total"] = follow_up
    return inputs, result


def _epds(data: dict[str, Any], prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    total = _int(data, "total", prefix, 0, 30)
    item_10 = _int(data, "item_10", prefix, 0, 3)
    if item_10 > total:
        raise _fail(f"{prefix}.item_10", gettext("Item 10 score cannot be more than the total score."))
    return {"total": total, "item_10": item_10}, {
        "probable_depression": total >= EPDS_PROBABLE_DEPRESSION,
        "threshold": EPDS_PROBABLE_DEPRESSION,
        "self_harm_flag": item_10 > 0,
    }


_SCORERS = {"asq_3": _asq_3, "asq_se_2": _asq_se_2, "mchat_r_f": _mchat, "epds": _epds}


def validate_screening(data: Any, *, index: int = 0) -> ScreeningResult:
    prefix = f"screenings[{index}]"
    if not isinstance(data, dict):
        raise _fail(prefix, gettext("Each screening must be an object."))
    instrument = data.get("instrument")
    if not isinstance(instrument, str) or instrument not in _SCORERS:
        raise _fail(
            f"{prefix}.instrument",
            gettext("Choose an instrument: %(choices)s.") % {"choices": ", ".join(INSTRUMENTS.values())},
        )
    administered_on = _date(data, prefix)
    inputs, result = _SCORERS[instrument](data, prefix)
    return ScreeningResult(
        instrument=instrument, administered_on=administered_on, inputs=inputs, result=result
    )


def validate_screenings(items: Any) -> list[ScreeningResult]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise _fail("screenings", gettext("Screenings must be a list."))
    if len(items) > MAX_SCREENINGS:
        raise _fail(
            "screenings", gettext("At most %(count)s screenings per referral.") % {"count": MAX_SCREENINGS}
        )
    return [validate_screening(item, index=i) for i, item in enumerate(items)]


def summary(instrument: str, result: dict[str, Any]) -> str:
    """A one-line human reading of a derived result (for pages and FHIR notes)."""
    if instrument == "asq_3":
        below = [
            str(ASQ3_DOMAIN_LABELS.get(d, d)).lower() for d, z in result["zones"].items() if z == "below"
        ]
        return "Below cutoff: " + ", ".join(below) if below else "Above cutoff in all areas"
    if instrument == "asq_se_2":
        return "Above cutoff (refer)" if result["above_cutoff"] else "Below cutoff"
    if instrument == "mchat_r_f":
        text = f"{result['risk_band'].capitalize()} risk"
        if result.get("follow_up_positive") is not None:
            text += "; follow-up " + ("positive" if result["follow_up_positive"] else "negative")
        return text
    if instrument == "epds":
        parts = ["Probable depression" if result["probable_depression"] else "Below threshold"]
        if result["self_harm_flag"]:
            parts.append("self-harm item endorsed")
        return "; ".join(parts)
    return ""


def domain_rows(instrument: str, inputs: dict[str, Any], result: dict[str, Any]) -> list[dict[str, Any]]:
    """ASQ-3 per domain, in questionnaire order: label, score, cutoff, zone (with its plain
    label and badge). Empty for the other instruments (one total each)."""
    if instrument != "asq_3":
        return []
    scores = inputs.get("domain_scores", {})
    cutoffs = result.get("cutoffs", {})
    zones = result.get("zones", {})
    return [
        {
            "domain": domain,
            "label": ASQ3_DOMAIN_LABELS[domain],
            "score": scores.get(domain),
            "cutoff": cutoffs.get(domain),
            "zone": zones.get(domain, ""),
            "zone_label": ZONE_LABELS.get(zones.get(domain, ""), ""),
            "badge": ZONE_BADGES.get(zones.get(domain, ""), ""),
        }
        for domain in ASQ3_DOMAINS
        if domain in scores
    ]
