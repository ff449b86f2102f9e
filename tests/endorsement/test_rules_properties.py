"""The rules engine against a brute-force recomputation: for random logs, periods and
rule lists, every requirement's required/have/met equals what a day-by-day walk over
the logs finds. No database: the engine is pure."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from endorsement import rules

START = datetime.date(2024, 1, 1)
days = st.integers(min_value=0, max_value=900).map(lambda n: START + datetime.timedelta(days=n))
hours = st.integers(min_value=1, max_value=2400).map(lambda n: Decimal(n) / 100)

trainings = st.lists(
    st.builds(
        rules.Training, completed_on=days, hours=hours, dei=st.booleans(), about_providing_rsc=st.booleans()
    ),
    max_size=25,
)
rscs = st.lists(
    st.builds(rules.Rsc, consultant_id=st.integers(1, 4), ended_on=days, hours=hours, group=st.booleans()),
    max_size=25,
)
rule = st.one_of(
    st.fixed_dictionaries(
        {"name": st.just("t"), "kind": st.just("training_hours"), "required": st.integers(0, 60)},
        optional={
            "only": st.sampled_from(["dei", "about_providing_rsc"]),
            "only_if_provides_rsc": st.booleans(),
            "first_year_exempt": st.booleans(),
        },
    ),
    st.fixed_dictionaries(
        {"name": st.just("r"), "kind": st.just("rsc_hours"), "required": st.integers(0, 80)},
        optional={"first_year_exempt": st.booleans(), "max_group_hours": st.integers(0, 40)},
    ),
    st.fixed_dictionaries(
        {
            "name": st.just("s"),
            "kind": st.just("rsc_primary_consultant_share"),
            "required": st.sampled_from([0, 0.5, 0.75]),
        }
    ),
    st.fixed_dictionaries(
        {"name": st.just("f"), "kind": st.just("references"), "required": st.integers(0, 5)}
    ),
    st.fixed_dictionaries(
        {"name": st.just("e"), "kind": st.just("ethics_attestation"), "required": st.just(1)}
    ),
)


def brute_force(rule: dict, facts: rules.Facts) -> tuple[Decimal, Decimal]:
    """(required, have) by walking every day of the period and summing what ended that day."""
    required = Decimal(str(rule["required"]))
    if (rule.get("first_year_exempt") and facts.first_year) or (
        rule.get("only_if_provides_rsc") and not facts.provides_rsc
    ):
        required = Decimal(0)
    kind = rule["kind"]
    if kind == "references":
        return required, Decimal(facts.references_answered)
    if kind == "ethics_attestation":
        return required, Decimal(int(facts.ethics_attested))
    if kind == "exam":
        return required, facts.exam_score.quantize(Decimal("0.01"))
    day, training, per_consultant = facts.period.start, Decimal(0), {}
    by_format = {True: Decimal(0), False: Decimal(0)}
    while day <= facts.period.end:
        for t in facts.training:
            wanted = {"dei": t.dei, "about_providing_rsc": t.about_providing_rsc}.get(
                rule.get("only", ""), True
            )
            if t.completed_on == day and wanted:
                training += t.hours
        for r in facts.rsc:
            if r.ended_on == day:
                per_consultant[r.consultant_id] = per_consultant.get(r.consultant_id, Decimal(0)) + r.hours
                by_format[r.group] += r.hours
        day += datetime.timedelta(days=1)
    total_rsc = sum(per_consultant.values(), Decimal(0))
    if kind == "training_hours":
        return required, training
    if kind == "rsc_hours":
        # Group hours count up to the rule's cap (all of them without one).
        group = min(by_format[True], Decimal(rule.get("max_group_hours", by_format[True])))
        return required, by_format[False] + group
    share = max(per_consultant.values()) / total_rsc if total_rsc else Decimal(0)
    # Rounded half up, as the engine rounds what it reports (0.705 reads 0.71).
    return required, share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=150, deadline=None)
@given(
    training=trainings,
    rsc=rscs,
    rule_list=st.lists(rule, min_size=1, max_size=6),
    start=days,
    length=st.integers(1, 730),
    references=st.integers(0, 5),
    attested=st.booleans(),
    provides=st.booleans(),
    first_year=st.booleans(),
    exam=st.integers(0, 10000).map(lambda n: Decimal(n) / 100),
)
def test_the_engine_agrees_with_a_day_by_day_recount(
    training, rsc, rule_list, start, length, references, attested, provides, first_year, exam
):
    facts = rules.Facts(
        period=rules.Period(start, start + datetime.timedelta(days=length - 1)),
        training=training,
        rsc=rsc,
        references_answered=references,
        ethics_attested=attested,
        provides_rsc=provides,
        first_year=first_year,
        exam_score=exam,
    )
    result = rules.evaluate(rule_list, facts)
    assert len(result) == len(rule_list)
    for item, rule_def in zip(result, rule_list, strict=True):
        required, have = brute_force(rule_def, facts)
        assert item["required"] == float(required)
        assert item["have"] == float(have)
        assert item["met"] == (have >= required)
        assert item["missing"] == float(max(required - have, Decimal(0)))
    assert rules.all_met(result) == all(r["met"] for r in result)
    assert len(rules.missing(result)) == sum(not r["met"] for r in result)


@given(training=trainings)
def test_more_training_never_makes_a_met_hours_rule_unmet(training):
    period = rules.Period(START, START + datetime.timedelta(days=900))
    rule_list = [{"name": "t", "kind": "training_hours", "required": 15}]
    before = rules.evaluate(rule_list, rules.Facts(period=period, training=training))[0]
    extra = [*training, rules.Training(START, Decimal("1.5"))]
    after = rules.evaluate(rule_list, rules.Facts(period=period, training=extra))[0]
    assert Decimal(str(after["have"])) == Decimal(str(before["have"])) + Decimal("1.5")
    assert after["met"] or not before["met"]
