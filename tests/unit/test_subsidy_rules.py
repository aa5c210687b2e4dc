"""以案定补's eight rules as pure functions over a case's facts, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from casework.domain.model import Event
from casework.domain.subsidy import RULE_LABELS, Facts, evaluate, failed
from casework.time.periods import Quarter

Q3 = Quarter(2020, 3)
ORAL_FROM = date(2024, 1, 1)


def _event(seq: int, trigger: str, on: date, **data: object) -> Event:
    at = datetime(on.year, on.month, on.day, 2, tzinfo=UTC)
    return Event(seq, trigger, None, "x", "med_pz", "mediator", at, on, at, None, data, "h")


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


def test_an_eligible_case_passes_the_eight_rules_in_order() -> None:
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
