"""以案定补's rules, the proposed tier, the cap and the spot check's draw, as pure functions
over a case's facts, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from casework.domain.model import Event
from casework.domain.subsidy import (
    RULE_LABELS,
    Cap,
    Facts,
    TierInputs,
    draw,
    evaluate,
    failed,
    parse_tier_rules,
    payable,
    propose_tier,
    tier_inputs,
)
from casework.errors import InvalidData
from casework.time.periods import Quarter
from workflows.subsidy_claim import EXAMPLE_TIER_RULES

Q3 = Quarter(2020, 3)
ORAL_FROM = date(2024, 1, 1)


def _event(seq: int, trigger: str, on: date, actor: str = "med_pz", **data: object) -> Event:
    at = datetime(on.year, on.month, on.day, 2, tzinfo=UTC)
    return Event(seq, trigger, None, "x", actor, "mediator", at, on, at, None, data, "h")


def _facts(**changes: object) -> Facts:
    steps = [
        _event(1, "register", date(2020, 7, 1)),
        _event(2, "accept", date(2020, 7, 1)),
        _event(3, "agree", date(2020, 7, 10), form="written"),
        _event(4, "perform", date(2020, 7, 10)),
        _event(5, "archive", date(2020, 8, 20)),
    ]
    facts = Facts(
        case_no="TJ-2020-panzhou-00001",
        case_id=1,
        state="archived",
        data={"mediator": "med_pz"},
        events=steps,
        missing_documents=[],
        mediator_ok=True,
        own_claims=[],
        linked_claims=[],
        linked=["TJ-2020-panzhou-00002"],
    )
    return replace(facts, **changes)


def test_an_eligible_case_passes_every_rule_in_order() -> None:
    outcomes = evaluate(_facts(), Q3, ORAL_FROM)
    assert [o.rule for o in outcomes] == list(RULE_LABELS)
    assert all(o.passed for o in outcomes)
    assert outcomes[2].as_json()["effective_from"] == "2024-01-01"


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"state": "performed"}, "archived"),
        ({"missing_documents": ["record"]}, "case_file_complete"),
        ({"mediator_ok": False}, "mediator_registered"),
        ({"own_claims": [("BZ-2020-panzhou-00001", "paid")]}, "not_subsidised_before"),
        (
            {"linked_claims": [("TJ-2020-panzhou-00002", "BZ-2020-panzhou-00001", "paid")]},
            "dispute_not_subsidised",
        ),
        ({"own_claims": [("BZ-2020-panzhou-00001", "rejected")]}, "not_subsidised_before"),
        (
            {"same_party_claims": [("TJ-2020-panzhou-00009", "BZ-2020-panzhou-00003", "paid")]},
            "same_parties_not_subsidised",
        ),
        (
            {"committee_type": "industry", "committee_types": frozenset({"village", "town"})},
            "committee_type_eligible",
        ),
        ({"data": {"mediator": "med2_pz"}}, "payee_reached_agreement"),
    ],
)
def test_each_rule_fails_alone(changes: dict[str, object], rule: str) -> None:
    assert failed(_facts(**changes), Q3, ORAL_FROM) == [rule]


def test_oral_agreements_and_the_quarter() -> None:
    oral = _facts().events[2]
    steps = [*_facts().events]
    steps[2] = _event(oral.seq, oral.trigger, oral.occurred_on, form="oral")
    assert failed(_facts(events=steps), Q3, ORAL_FROM) == ["oral_agreement"]
    assert failed(_facts(events=steps), Q3, date(2020, 1, 1)) == []
    assert failed(_facts(), Quarter(2020, 4), ORAL_FROM) == ["archived_in_quarter"]


def test_claims_drafted_since_the_facts_were_read_count() -> None:
    facts = _facts()
    drafted = {"TJ-2020-panzhou-00002": "BZ-2020-panzhou-00007"}
    assert failed(facts.with_drafted(drafted), Q3, ORAL_FROM) == ["dispute_not_subsidised"]
    own = {facts.case_no: "BZ-2020-panzhou-00008"}
    assert failed(facts.with_drafted(own), Q3, ORAL_FROM) == ["not_subsidised_before"]


def test_a_returned_claim_is_named_for_resubmission_and_left_out_of_its_own_rerun() -> None:
    facts = _facts(own_claims=[("BZ-2020-panzhou-00001", "returned")])
    message = next(o for o in evaluate(facts, Q3, ORAL_FROM) if not o.passed).message
    assert "subsidy resubmit BZ-2020-panzhou-00001" in message
    assert failed(facts.without_claim("BZ-2020-panzhou-00001"), Q3, ORAL_FROM) == []


def test_the_payee_is_who_reached_the_agreement() -> None:
    steps = [*_facts().events]
    steps[2] = _event(3, "agree", date(2020, 7, 10), actor="clerk_pz", agreed_by="med2_pz")
    facts = _facts(events=steps, data={"mediator": "med_pz", "co_mediators": "med2_pz"})
    assert facts.payee == "med2_pz" and failed(facts, Q3, ORAL_FROM) == []
    assert _facts().payee == "med_pz"  # no agreed_by: whoever recorded the agreement


def test_same_parties_are_cleared_by_distinct_dispute() -> None:
    other = [("TJ-2020-panzhou-00009", "BZ-2020-panzhou-00003", "paid")]
    steps = [*_facts().events, _event(6, "distinct_dispute", date(2020, 8, 21), reason="x")]
    assert failed(_facts(same_party_claims=other, events=steps), Q3, ORAL_FROM) == []


@pytest.mark.parametrize(
    ("inputs", "tier"),
    [
        (TierInputs(600000, 1, "neighbour", 1, False), "major"),
        (TierInputs(0, 2, "neighbour", 1, True), "major"),
        (TierInputs(0, 2, "medical", 1, False), "complex"),
        (TierInputs(0, 10, "neighbour", 1, False), "complex"),
        (TierInputs(0, 2, "neighbour", 31, False), "complex"),
        (TierInputs(5000, 2, "neighbour", 1, False), "ordinary"),
        (TierInputs(4999, 2, "neighbour", 7, False), "simple"),
    ],
)
def test_the_example_tier_rules(inputs: TierInputs, tier: str) -> None:
    proposed, basis = propose_tier(EXAMPLE_TIER_RULES, inputs)
    assert proposed == tier and f"amount={inputs.amount}" in basis


def test_tier_inputs_from_the_case() -> None:
    steps = [*_facts().events]
    steps[2] = _event(3, "agree", date(2020, 7, 10), form="written", amount=60000)
    facts = _facts(events=steps, data={"mediator": "med_pz", "people": 4})
    inputs = tier_inputs(facts)
    assert (inputs.amount, inputs.people, inputs.days, inputs.prevention) == (60000, 4, 9, False)
    assert propose_tier(EXAMPLE_TIER_RULES, inputs)[0] == "complex"


def test_tier_rules_are_checked() -> None:
    tiers = ["simple", "ordinary", "complex", "major"]
    assert parse_tier_rules('[{"tier": "simple"}]', tiers) == [{"tier": "simple"}]
    for bad in ("[", "[]", '[{"tier": "gold"}]', '[{"tier": "simple", "any": [{"size": 1}]}]'):
        with pytest.raises(InvalidData):
            parse_tier_rules(bad, tiers)


def test_the_cap_cuts_the_crossing_claim_and_zeroes_the_later_ones() -> None:
    claims = [("BZ-3", "a", 500), ("BZ-1", "a", 200), ("BZ-2", "a", 500), ("BZ-4", "b", 500)]
    out = payable(claims, Cap(1000, "quarter"), {})
    assert out == {
        "BZ-1": (200, False),
        "BZ-2": (500, False),
        "BZ-3": (300, True),
        "BZ-4": (500, False),
    }
    assert payable(claims, Cap(1000, "year"), {"a": 900})["BZ-1"] == (100, True)
    assert payable(claims, None, {})["BZ-3"] == (500, False)


def test_the_draw_is_reproducible_and_takes_one_per_office_at_least() -> None:
    by_office = {"panzhou": [f"BZ-2020-panzhou-{n:05d}" for n in range(1, 31)], "shanmei": ["S1"]}
    first = draw(by_office, 0.10, 7)
    assert first == draw(by_office, 0.10, 7) and "S1" in first
    assert len([c for c in first if "panzhou" in c]) == 3
    assert any(draw(by_office, 0.10, seed) != first for seed in range(8, 20))
