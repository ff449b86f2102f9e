"""Each indicator against the hand-counted network in conftest.py (true counts, before
suppression), then what a network lead actually receives (suppressed)."""

from __future__ import annotations

import datetime
from typing import Any

from indicators.ledger import Ratio, Slot
from indicators.params import Area, Period
from indicators.rollups import current_report
from indicators.selectors import build_report
from tests.indicators.conftest import NOW, published_report

ZERO_REASONS = {"not_eligible": 0, "family_unreachable": 0, "family_declined": 0, "other": 0}


def truth(node: Any) -> Any:
    """The report with every count's true value (what suppression starts from)."""
    if isinstance(node, Slot):
        return node.value
    if isinstance(node, Ratio):
        return (
            round(100 * node.numerator.value / node.denominator.value, 1) if node.denominator.value else None
        )
    if isinstance(node, dict):
        return {k: truth(v) for k, v in node.items()}
    if isinstance(node, list):
        return [truth(v) for v in node]
    return node


def by(items: list[dict[str, Any]], label: str, measure: str = "count") -> dict[str, Any]:
    return {item[label]: item[measure] for item in items}


def current(network, **filters):  # type: ignore[no-untyped-def]
    _, report = build_report(filters=network.filters(**filters), now=NOW)
    return truth(report)


def test_unduplicated_children_by_age_band_and_concern(network):
    report = current(network)
    children = report["current"]["children_referred"]
    assert children["count"] == 13  # c0..c12; c13's only referral was cancelled
    assert by(children["by_age_band"], "age_band") == {
        "0-11m": 6,
        "12-23m": 6,
        "24-35m": 1,
        "36-59m": 0,
        "60m+": 0,
    }
    # Each child once, under the concern of their first referral of the year (c12:
    # speech and language, then developmental): the concerns add up to the children.
    concerns = by(children["by_concern_type"], "concern_type")
    assert (concerns["social_emotional"], concerns["speech_language"], concerns["developmental"]) == (
        12,
        1,
        0,
    )
    assert concerns["behavioral"] == 0 and sum(concerns.values()) == 13
    assert report["previous"]["children_referred"]["count"] == 1


def test_referral_sources_by_discipline(network):
    sources = current(network)["current"]["referral_sources"]
    assert sources["count"] == 14
    counts = by(sources["by_discipline"], "discipline")
    assert (counts["pediatrician"], counts["early_childhood_educator"], counts["social_worker"]) == (12, 2, 0)


def test_screenings_by_instrument_and_band(network):
    screenings = current(network)["current"]["screenings"]
    assert screenings["count"] == 6
    bands = {i["instrument"]: by(i["by_band"], "band") for i in screenings["by_instrument"]}
    assert bands["asq_se_2"] == {"above_cutoff": 3, "below_cutoff": 0}
    assert bands["mchat_r_f"] == {"high": 1, "medium": 0, "low": 0}
    assert bands["epds"] == {"probable_depression": 1, "below_threshold": 0}
    assert bands["asq_3"] == {"below_cutoff": 1, "monitoring": 0, "above_cutoff": 0}


def test_percent_connected_overall_and_by_month(network):
    connected = current(network)["current"]["connected"]
    assert (connected["referrals_count"], connected["connected_count"], connected["not_connected_count"]) == (
        14,
        11,
        3,
    )
    assert connected["percent"] == 78.6
    months = {m["month"]: (m["referrals_count"], m["connected_count"]) for m in connected["by_month"]}
    assert months == {"2026-01": (0, 0), "2026-02": (0, 0), "2026-03": (14, 11)}


def test_days_to_first_contact(network):
    contact = current(network)["current"]["first_contact"]
    # answered after 1..12 days (c0..c11) and 2 and 3 days (c12): 14 answers, 13 children
    assert contact["referrals_count"] == 14
    assert (contact["within_7_days_count"], contact["after_7_days_count"]) == (9, 5)
    assert contact["percent_within_7_days"] == 64.3
    assert (contact["median_days"], contact["p90_days"]) == (5.5, 11.0)
    march = next(m for m in contact["by_month"] if m["month"] == "2026-03")
    assert (march["median_days"], march["p90_days"]) == (5.5, 11.0)
    january = next(m for m in contact["by_month"] if m["month"] == "2026-01")
    assert january["median_days"] is None and january["statistics_note"] == "fewer than 11 children"


def test_days_to_first_appointment(network):
    appointment = current(network)["current"]["first_appointment"]
    assert appointment["referrals_count"] == 12  # declined referrals never get one
    assert (appointment["within_45_days_count"], appointment["after_45_days_count"]) == (11, 1)
    assert appointment["percent_within_45_days"] == 91.7
    assert appointment["median_days"] == 20.0


def test_the_previous_period_counts_an_unanswered_referral_as_late(network):
    previous = current(network)["previous"]
    assert previous["first_contact"]["referrals_count"] == 1
    assert previous["first_contact"]["after_7_days_count"] == 1
    assert previous["first_contact"]["median_days"] is None


def test_declines_by_reason_and_discipline(network):
    declines = current(network)["current"]["declines"]
    assert declines["count"] == 2
    assert by(declines["by_reason"], "reason") == {"no_capacity": 1, "out_of_area": 1, **ZERO_REASONS}
    disciplines = by(declines["by_discipline"], "discipline")
    assert disciplines["speech_language_pathologist"] == 2 and sum(disciplines.values()) == 2
    slp = next(
        r for r in declines["by_discipline_and_reason"] if r["discipline"] == "speech_language_pathologist"
    )
    assert by(slp["by_reason"], "reason") == {"no_capacity": 1, "out_of_area": 1, **ZERO_REASONS}


def test_consents_granted_and_revoked(network):
    report = current(network)
    assert report["current"]["consents"] == {"granted_count": 3, "revoked_count": 1}
    assert report["previous"]["consents"] == {"granted_count": 2, "revoked_count": 0}


def test_capacity_by_discipline(network):
    capacity = current(network)["capacity"]
    rows = {
        r["discipline"]: (r["count"], r["accepting_count"], r["not_accepting_count"])
        for r in capacity["by_discipline"]
    }
    assert rows["speech_language_pathologist"] == (1, 0, 1)
    assert rows["mental_health_clinician"] == (1, 1, 0)
    assert (capacity["count"], capacity["accepting_count"]) == (4, 3)


def test_area_and_discipline_filters(network):
    assert current(network, area=Area("state", "OH"))["current"]["referral_sources"]["count"] == 2
    assert current(network, area=Area("state", "MI"))["current"]["children_referred"]["count"] == 12
    assert current(network, area=Area("state", "OH"))["capacity"]["count"] == 1
    slp_only = current(network, discipline="speech_language_pathologist")
    assert slp_only["current"]["declines"]["count"] == 2
    assert slp_only["current"]["children_referred"]["count"] == 1
    # A narrowed quarter has no months inside it (a month by discipline or state would
    # be finer than the quarter).
    assert slp_only["current"]["connected"]["by_month"] == []


def test_what_the_network_lead_receives_is_suppressed(network):
    report = published_report(network.filters())
    children = report["current"]["children_referred"]
    assert children["count"] == 13
    assert by(children["by_age_band"], "age_band") == {
        "0-11m": "<11",
        "12-23m": "<11",
        "24-35m": "<11",
        "36-59m": 0,
        "60m+": 0,
    }
    connected = report["current"]["connected"]
    # 3 not connected is withheld, so 11 connected must go too (14 - 11 = 3), and the
    # percentage with it.
    assert connected["not_connected_count"] == "<11"
    assert connected["connected_count"] == "<11"
    assert connected["percent"] is None


def test_a_published_period_keeps_its_figures(network):
    """Published once, read back as stored: a later change (here: a referral in the
    quarter cancelled) changes nothing, so two answers can never be differenced."""
    first = published_report(network.filters())
    network.referrals[0].status = "cancelled"
    network.referrals[0].save(update_fields=["status"])
    later = current_report(network.filters(), now=NOW + datetime.timedelta(days=30))
    assert later["current"] == first["current"] and later["source"] == "rollup"
    assert later["as_of"] == NOW.isoformat()
    # The months of the quarter (published with it) add up to the same figures.
    march = current_report(network.filters(period=Period("month", datetime.date(2026, 3, 1))), now=NOW)
    assert march["current"]["referral_sources"]["count"] == first["current"]["referral_sources"]["count"]


def test_every_count_is_zero_at_least_eleven_or_withheld(network):
    for filters in (network.filters(), network.filters(discipline="pediatrician")):
        report = published_report(filters)
        assert report["state"] == "published"

        def walk(node: Any, key: str = "") -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, k)
            elif isinstance(node, list):
                for v in node:
                    walk(v, key)
            elif key == "count" or key.endswith("_count"):
                assert node == 0 or node == "<11" or (isinstance(node, int) and node >= 11), (key, node)

        walk(report)
