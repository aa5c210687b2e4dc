"""Statistics for a month read that month through indexes: SQLite's plan for every statement the
figures, groupings and explanations execute has no full scan of a big table and no index search
left unbounded (every step on cases, events or parties is bounded by a date range or by the
case). Plans without table statistics depend on the schema and the SQL, not on how many rows
there are, so a small database shows the plan a large one gets (bench/bench_stats.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from casework.api import Casework
from casework.read.stats import catalogue
from tests import mediations as M

MONTH = ("2020-06-01", "2020-06-30")
BIG = "cases|events|earlier|parties|case_links|documents"
FULL_SCAN = re.compile(rf"^SCAN ({BIG})(_\d+)?\b")
SEARCH = re.compile(rf"^SEARCH ({BIG})(_\d+)? USING .*\((?P<terms>.*)\)$")
# A search is bounded when it goes to one case (row id, case id, case number), to the cases of
# one screening entry (itself found by its day) or ranges over a date; one by kind, trigger or
# state alone reads every such row the database ever held.
BOUNDED = re.compile(
    r"\b(rowid|case_id|other_case_id|case_no|screening_id|occurred_on|registered_on)[=<>]"
)


def case(cw: Casework, user: str, kind: str, office: str, at: str, *steps: tuple[Any, ...]) -> str:
    case_no = cw.acting(user).register(kind, office, f"{kind} 计划", at=at)["case_no"]
    for who, trigger, values, when in steps:
        if trigger.startswith("doc:"):  # a paper of the case file the next step needs
            cw.acting(who).add_document(case_no, trigger.removeprefix("doc:"), at=when)
        else:
            cw.acting(who).advance(case_no, trigger, values, at=when)
    return case_no


def mediation(cw: Casework, office: str, at: str, accept_at: str, outcome: tuple[str, str]) -> str:
    """A mediation case with its two sides, accepted by the town's mediator, then agreed
    (in writing, performed by the month's end) or failed."""
    town = {"panzhou": "pz", "shanmei": "sm"}[office]
    people = {"mediator": f"med_{town}", "clerk": f"clerk_{town}"}
    case_no = M.register(cw, at, office=office, user=people["clerk"])
    M.accept(cw, case_no, accept_at, **people)
    if outcome[0] == "agree":
        agreed = {"performance": "lump_sum", "perform_by": "2020-06-30"}
        M.agree(cw, case_no, outcome[1], agreed, **people)
    else:
        M.fail(cw, case_no, outcome[1], **people)
    return case_no


@pytest.fixture
def month(cw: Casework) -> dict[str, str]:
    """Cases whose first event of each kind falls before, inside and after June 2020."""
    propose = {"leader": "leader1", "unit": "责任单位"}
    notice = {"notice_method": "post"}
    rated = {"rating": "satisfied", "method": "phone"}
    return {
        # accepted in April; replied, delivered, rated and closed in June (petition.md 1.7)
        "P1": case(cw, "clerk_pz", "petition", "panzhou", "2020-04-01",
                   ("clerk_pz", "doc:letter", {}, "2020-04-03"),
                   ("clerk_pz", "doc:acceptance_notice", {}, "2020-04-03"),
                   ("sup_pz", "accept", notice, "2020-04-03"),
                   ("clerk_pz", "doc:reply", {}, "2020-06-02"),
                   ("sup_pz", "reply", {"outcome": "explain"}, "2020-06-02"),
                   ("clerk_pz", "doc:delivery_proof", {}, "2020-06-03"),
                   ("clerk_pz", "deliver", {"method": "in_person"}, "2020-06-03"),
                   ("clerk_pz", "evaluate", rated, "2020-06-10"),
                   ("sup_pz", "close", {}, "2020-06-20")),
        "P2": case(cw, "clerk_sm", "petition", "shanmei", "2020-06-05",
                   ("clerk_sm", "doc:letter", {}, "2020-06-08"),
                   ("clerk_sm", "doc:acceptance_notice", {}, "2020-06-08"),
                   ("sup_sm", "accept", notice, "2020-06-08")),
        "M1": mediation(cw, "panzhou", "2020-05-20", "2020-05-21", ("agree", "2020-06-03")),
        "M2": mediation(cw, "shanmei", "2020-06-10", "2020-06-11", ("fail", "2020-06-25")),
        # resolved in May, reopened and resolved again in June: counted in May only
        "D1": case(cw, "clerk_pz", "major_dispute", "panzhou", "2020-04-01",
                   ("clerk_city", "doc:assignment_form", {}, "2020-04-02"),
                   ("clerk_city", "propose", propose, "2020-04-02"),
                   ("sup_city", "doc:approval", {}, "2020-04-02"),
                   ("sup_city", "assign", {}, "2020-04-02"),
                   ("leader1", "doc:plan", {}, "2020-04-05"),
                   ("leader1", "plan", {"plan": "方案"}, "2020-04-05"),
                   ("leader1", "resolve", {"outcome": "solved"}, "2020-05-10"),
                   ("sup_city", "reopen", {"reason": "反弹"}, "2020-06-01"),
                   ("leader1", "resolve", {"outcome": "solved"}, "2020-06-15")),
    }  # fmt: skip


@contextmanager
def captured(cw: Casework) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, _x: Any, _m: Any) -> None:
        statements.append((statement, parameters))

    event.listen(cw.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(cw.engine, "before_cursor_execute", capture)


def unbounded(plan: list[str]) -> list[str]:
    bad = []
    for line in plan:
        if FULL_SCAN.match(line):
            bad.append(line)
        found = SEARCH.match(line)
        if found and not BOUNDED.search(found.group("terms")):
            bad.append(line)
    return bad


def test_a_months_statistics_read_only_that_month_through_indexes(
    cw: Casework, month: dict[str, str]
) -> None:
    if cw.engine.dialect.name != "sqlite":
        pytest.skip("the plans checked are SQLite's")
    metrics = catalogue(cw.machines.registry).metrics
    with captured(cw) as statements:
        for by in (None, "office", "kind", "month"):
            cw.stats(*MONTH, by=by)
        cw.stats(*MONTH, by="office", as_of="2020-06-20", office="panzhou")
        for m in metrics:
            cw.explain(m.name, *MONTH)
    queries = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) > len(metrics)  # every metric ran at least one query
    tables = {"events": False, "cases": False}
    with cw.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for statement, parameters in queries:
            plan = [r[-1] for r in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            for table in tables:
                tables[table] |= any(line.startswith(f"SEARCH {table} ") for line in plan)
            assert unbounded(plan) == [], f"{statement}\n" + "\n".join(plan)
    assert tables == {"events": True, "cases": True}


def test_the_checker_sees_scans_and_unbounded_searches() -> None:
    assert unbounded(["SCAN events"]) == ["SCAN events"]
    assert unbounded(["SCAN cases USING COVERING INDEX ix_cases_kind_state"])
    assert unbounded(["SEARCH cases USING INDEX sqlite_autoindex_cases_1 (kind=?)"])
    assert unbounded(["SEARCH events USING COVERING INDEX ix_events_trigger_on (trigger=?)"])
    assert unbounded(["SEARCH earlier USING INDEX ix_events_to_state_on (to_state=?)"])
    assert not unbounded(
        [
            "SEARCH events USING COVERING INDEX ix_events_trigger_on "
            "(trigger=? AND occurred_on>? AND occurred_on<?)",
            "SEARCH earlier USING INDEX sqlite_autoindex_events_2 (case_id=?)",
            "SEARCH cases USING INTEGER PRIMARY KEY (rowid=?)",
            "SEARCH cases USING COVERING INDEX ix_cases_screening_id (screening_id=?)",
            "SEARCH cases USING INDEX sqlite_autoindex_cases_2 (case_no>? AND case_no<?)",
            "SCAN anon_2",
            "SCAN calendar_years",
        ]
    )


def test_first_events_before_the_month_keep_a_case_out_of_it(
    cw: Casework, month: dict[str, str]
) -> None:
    june = cw.stats(*MONTH)["metrics"]
    assert june["petition.registered"] == 1  # P2
    assert june["petition.accepted"] == 1  # P2; P1 was accepted in April
    assert june["petition.replied"] == 1 and june["petition.closed"] == 1  # P1
    assert june["mediation.mediated"] == 1  # M2; M1 was accepted in May
    # M1's June agreement is of May's cohort (accepted then); M2 failed
    assert june["mediation.agreed"] == 0 and june["mediation.success_rate"] == 0.0
    assert june["major_dispute.resolved"] == 0  # D1's first resolution was in May
    may = cw.stats("2020-05-01", "2020-05-31")["metrics"]
    assert may["major_dispute.resolved"] == 1 and may["mediation.mediated"] == 1
    assert may["mediation.agreed"] == 1 and may["mediation.success_rate"] == 100.0
    both = cw.stats("2020-05-01", "2020-06-30", by="month")["rows"]
    assert {r["key"]: r["metrics"]["major_dispute.resolved"] for r in both} == {
        "2020-05": 1,
        "2020-06": 0,
    }
    by_office = {r["key"]: r["metrics"] for r in cw.stats(*MONTH, by="office")["rows"]}
    assert by_office["shanmei"]["mediation.mediated"] == 1
    assert by_office["shanmei"]["mediation.concluded_success_rate"] == 0.0
    assert by_office["shanmei"]["petition.accepted"] == 1
    # as the database stood before the reply was recorded (the clock stands at 2020-12-01)
    assert cw.stats(*MONTH, as_of="2020-05-31")["metrics"]["petition.replied"] == 0
    assert [i["case_no"] for i in cw.explain("petition.accepted", *MONTH)["items"]] == [month["P2"]]
