"""Screening scores are validated and interpreted by the server, never by the client."""

from __future__ import annotations

import pytest

from referral_hub.errors import ApplicationError
from referrals.screening import ASQ3_CUTOFFS, ASQ3_DOMAINS, validate_screening

DAY = "2026-11-01"


def asq3(interval=12, **scores):
    domain_scores = {d: 50 for d in ASQ3_DOMAINS}
    domain_scores.update(scores)
    return {
        "instrument": "asq_3",
        "administered_on": DAY,
        "interval_months": interval,
        "domain_scores": domain_scores,
    }


def refused(data) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        validate_screening(data)
    assert info.value.status == 400
    assert info.value.code == "invalid_screening"
    return info.value


def test_asq3_zones_follow_the_published_cutoffs_for_the_interval():
    # 12-month cutoffs: communication 15.64, fine motor 34.50.
    result = validate_screening(asq3(12, communication=15, fine_motor=35)).result
    assert result["zones"]["communication"] == "below"
    assert result["zones"]["fine_motor"] == "above"
    assert result["any_below"] is True
    assert result["cutoffs"]["communication"] == 15.64


def test_asq3_a_score_equal_to_the_cutoff_is_below():
    # The cutoff itself belongs to the referral zone ("at or below").
    from referrals import screening

    original = dict(screening.ASQ3_CUTOFFS)
    screening.ASQ3_CUTOFFS[12] = (15.0, 21.49, 34.50, 27.32, 21.73)
    try:
        assert validate_screening(asq3(12, communication=15)).result["zones"]["communication"] == "below"
    finally:
        screening.ASQ3_CUTOFFS.clear()
        screening.ASQ3_CUTOFFS.update(original)


def test_asq3_monitoring_zone_when_its_edge_is_known():
    from referrals import screening

    screening.ASQ3_MONITORING_EDGES[36] = (40.0, 45.0, 30.0, 40.0, 45.0)
    try:
        result = validate_screening(asq3(36, communication=35, gross_motor=50, fine_motor=10)).result
        assert result["zones"]["communication"] == "monitoring"
        assert result["zones"]["gross_motor"] == "above"
        assert result["zones"]["fine_motor"] == "below"
        assert result["monitoring_zone_known"] is True
    finally:
        screening.ASQ3_MONITORING_EDGES.pop(36)


def test_asq3_without_monitoring_edges_says_so_instead_of_guessing():
    assert validate_screening(asq3(36)).result["monitoring_zone_known"] is False


def test_asq3_covers_all_21_intervals_and_rejects_others():
    assert sorted(ASQ3_CUTOFFS) == [
        2,
        4,
        6,
        8,
        9,
        10,
        12,
        14,
        16,
        18,
        20,
        22,
        24,
        27,
        30,
        33,
        36,
        42,
        48,
        54,
        60,
    ]
    error = refused(asq3(7))
    assert error.extra["field"] == "screenings[0].interval_months"
    assert "no ASQ-3 questionnaire for 7 months" in error.message


@pytest.mark.parametrize("score", [-1, 61, 12.5, "lots", True])
def test_asq3_domain_scores_must_be_0_to_60(score):
    assert refused(asq3(12, gross_motor=score)).extra["field"] == "screenings[0].domain_scores.gross_motor"


def test_asq3_needs_all_five_domains_and_no_others():
    data = asq3(12)
    del data["domain_scores"]["personal_social"]
    assert refused(data).extra["field"] == "screenings[0].domain_scores.personal_social"
    assert refused(asq3(12, humor=30)).extra["field"] == "screenings[0].domain_scores.humor"


@pytest.mark.parametrize(
    "interval,total,above", [(18, 64, False), (18, 65, True), (2, 35, True), (60, 90, False)]
)
def test_asq_se_2_is_above_cutoff_at_or_over_the_interval_cutoff(interval, total, above):
    data = {"instrument": "asq_se_2", "administered_on": DAY, "interval_months": interval, "total": total}
    assert validate_screening(data).result["above_cutoff"] is above


def test_asq_se_2_rejects_unknown_intervals_and_bad_totals():
    base = {"instrument": "asq_se_2", "administered_on": DAY, "interval_months": 18, "total": 10}
    assert refused({**base, "interval_months": 20}).extra["field"] == "screenings[0].interval_months"
    assert refused({**base, "total": -5}).extra["field"] == "screenings[0].total"
    assert refused({**base, "total": 401}).extra["field"] == "screenings[0].total"


@pytest.mark.parametrize(
    "total,band", [(0, "low"), (2, "low"), (3, "medium"), (7, "medium"), (8, "high"), (20, "high")]
)
def test_mchat_risk_bands(total, band):
    data = {"instrument": "mchat_r_f", "administered_on": DAY, "total": total}
    assert validate_screening(data).result == {"risk_band": band, "follow_up_positive": None}


@pytest.mark.parametrize("follow_up,positive", [(0, False), (1, False), (2, True), (20, True)])
def test_mchat_follow_up_is_positive_from_2(follow_up, positive):
    data = {"instrument": "mchat_r_f", "administered_on": DAY, "total": 5, "follow_up_total": follow_up}
    assert validate_screening(data).result["follow_up_positive"] is positive


@pytest.mark.parametrize("field,value", [("total", 21), ("total", -1), ("follow_up_total", 21)])
def test_mchat_out_of_range(field, value):
    data = {"instrument": "mchat_r_f", "administered_on": DAY, "total": 5, field: value}
    assert refused(data).extra["field"] == f"screenings[0].{field}"


@pytest.mark.parametrize(
    "total,item_10,depression,self_harm",
    [(12, 0, False, False), (13, 0, True, False), (30, 3, True, True), (3, 1, False, True)],
)
def test_epds_flags(total, item_10, depression, self_harm):
    data = {"instrument": "epds", "administered_on": DAY, "total": total, "item_10": item_10}
    result = validate_screening(data).result
    assert (result["probable_depression"], result["self_harm_flag"]) == (depression, self_harm)
    assert validate_screening(data).data_category == "caregiver_screening"


@pytest.mark.parametrize(
    "total,item_10,field", [(31, 0, "total"), (-1, 0, "total"), (10, 4, "item_10"), (2, 3, "item_10")]
)
def test_epds_out_of_range_or_inconsistent(total, item_10, field):
    data = {"instrument": "epds", "administered_on": DAY, "total": total, "item_10": item_10}
    assert refused(data).extra["field"] == f"screenings[0].{field}"


def test_unknown_instruments_and_missing_or_future_dates_are_refused():
    assert (
        refused({"instrument": ["asq_3"], "administered_on": DAY}).extra["field"]
        == "screenings[0].instrument"
    )
    assert refused(["not", "an", "object"]).extra["field"] == "screenings[0]"
    assert (
        refused({"instrument": "phq_9", "administered_on": DAY}).extra["field"] == "screenings[0].instrument"
    )
    no_date = {"instrument": "mchat_r_f", "total": 1}
    assert refused(no_date).extra["field"] == "screenings[0].administered_on"
    future = {"instrument": "mchat_r_f", "total": 1, "administered_on": "2999-01-01"}
    assert refused(future).extra["field"] == "screenings[0].administered_on"


@pytest.mark.django_db
def test_the_live_validation_endpoint_scores_without_saving(as_user, world):
    client = as_user(world.referrer.user)
    ok = client.post(
        "/api/v1/referrals/screenings/validate/",
        {"instrument": "epds", "administered_on": DAY, "total": 14, "item_10": 0},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["summary"] == "Probable depression"
    bad = client.post(
        "/api/v1/referrals/screenings/validate/",
        {"instrument": "epds", "administered_on": DAY, "total": 44, "item_10": 0},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "screenings[0].total"
