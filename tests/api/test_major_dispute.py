"""Leader-assigned major disputes (领导包案) as major_dispute.md runs them, through the API, on
every database.

One test per rule: the source, each trigger with its roles, guards and documents, the term
(``resolve_limit``) with its extensions and the new term of a reopening, the dated settings
that set every number. Each refusal is checked for its rule (``GuardFailed.rule``) and for a
message Chinese first, with the English identifiers beside.

Dates are picked against China's calendar: 2023-06-01 is a Thursday; 2023-07-01 a Saturday,
so a term ending then moves to Monday 2023-07-03.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from casework.api import Casework
from casework.domain.replay import replay
from casework.errors import CaseworkError, GuardFailed, IllegalTransition, InvalidData, NotAllowed
from tests import major_disputes as D
from tests import petitions as P
from tests.helpers import FrozenClock
from workflows.major_dispute import WORKFLOW

CJK = re.compile(r"[\u4e00-\u9fff]")
KIND = "major_dispute"


@pytest.fixture(autouse=True)
def late_clock(clock: FrozenClock) -> Iterator[None]:
    """Today is 2024-06-01: every date of these tests is in the past."""
    clock.set("2024-06-01T10:00")
    yield


@pytest.fixture(autouse=True)
def more_staff(cw: Casework) -> None:
    """A second approver at the petition bureau and a second leader."""
    admin = cw.acting("admin")
    admin.add_user("sup_city2", "信访局副局长", "supervisor", "city-petition")
    admin.add_user("leader2", "副县长", "leader", "city-rule-of-law")


def chinese(err: CaseworkError, *words: str) -> None:
    """A refusal says it in Chinese first, with the English identifiers beside."""
    first = re.sub(r"^[「」\s]+", "", err.reason)[:1]
    assert CJK.match(first), err.reason
    for word in words:
        assert word in err.reason, (word, err.reason)


def refused(call: Callable[[], object], rule: str, *words: str) -> str:
    """The refusal of a guard, checked: the rule it names, Chinese first, ``words`` beside."""
    with pytest.raises(GuardFailed) as info:
        call()
    assert info.value.rule == rule, (info.value.rule, info.value.reason)
    chinese(info.value, *words)
    return info.value.reason


def not_allowed(call: Callable[[], object], *words: str) -> None:
    with pytest.raises(NotAllowed) as info:
        call()
    chinese(info.value, *words)


def step(cw: Casework, user: str, case_no: str, trigger: str, at: str, **values: str) -> str:
    """Fire a trigger; the state it leaves the case in."""
    return str(cw.acting(user).advance(case_no, trigger, values, at=at)["state"])


def state(cw: Casework, case_no: str) -> str:
    return str(cw.acting("admin").show(case_no)["state"])


def data(cw: Casework, case_no: str) -> dict[str, object]:
    return dict(cw.acting("admin").show(case_no)["data"])


def term(cw: Casework, case_no: str, as_of: str) -> dict[str, object] | None:
    """The resolve_limit running on a day, or None."""
    shown = cw.acting("admin").show(case_no, as_of=as_of)["limits"]
    found = [dict(d) for d in shown if d["limit"] == "resolve_limit"]
    return found[0] if found else None


def assigned(cw: Casework, due_days: int | None = 90) -> str:
    """A dispute proposed on 2023-03-02 and approved on 2023-03-03 (term from then)."""
    case_no = D.register(cw, "2023-03-01")
    D.assigned(cw, case_no, "2023-03-02", "2023-03-03", due_days=due_days)
    return case_no


def resolving(cw: Casework) -> str:
    case_no = assigned(cw)
    D.plan(cw, case_no, "2023-03-05")
    return case_no


def resolved(cw: Casework, outcome: str = "solved", link: str | None = None) -> str:
    case_no = D.register(cw, "2023-03-01", link=link)
    D.assigned(cw, case_no, "2023-03-02", "2023-03-03")
    D.plan(cw, case_no, "2023-03-05")
    D.resolve(cw, case_no, "2023-05-20", outcome=outcome)
    return case_no


# -- the whole procedure -------------------------------------------------------------------------


def test_a_dispute_goes_from_the_ledger_to_struck_off(cw: Casework) -> None:
    petition = P.register(cw, "2023-02-20")
    case_no = D.register(cw, "2023-03-01", link=petition)
    assert case_no.startswith("BA-2023-panzhou-")
    shown = data(cw, case_no)
    assert shown["rules"] == "ba2" and shown["origin_case"] == petition
    assert state(cw, case_no) == "identified" and term(cw, case_no, "2023-03-01") is None
    D.propose(cw, case_no, "2023-03-02", due_days=90)
    assert state(cw, case_no) == "proposed" and term(cw, case_no, "2023-03-02") is None
    D.assign(cw, case_no, "2023-03-03")
    assert state(cw, case_no) == "assigned"
    running = term(cw, case_no, "2023-03-04")
    assert running is not None and running["date"] == "2023-06-01"
    assert running["start"] == "2023-03-03" and running["overdue"] is False
    D.plan(cw, case_no, "2023-03-05")
    assert state(cw, case_no) == "resolving"
    assert (term(cw, case_no, "2023-06-02") or {})["overdue"] is True
    D.resolve(cw, case_no, "2023-05-20", outcome="solved")
    assert state(cw, case_no) == "resolved" and term(cw, case_no, "2023-06-02") is None
    D.verify(cw, case_no, "2023-05-25")
    assert state(cw, case_no) == "closed"
    shown = data(cw, case_no)
    assert shown["leader"] == "leader1" and shown["outcome"] == "solved"
    assert shown["proposed_by"] == "clerk_city" and shown["due_days"] == 90


# -- the source ------------------------------------------------------------------------------


def test_a_dispute_comes_from_a_mediation_case(cw: Casework) -> None:
    mediation = cw.acting("clerk_pz").register(
        "mediation", "panzhou", "土地纠纷", ["applicant:李某", "respondent:王某"], at="2023-02-01"
    )["case_no"]
    case_no = D.register(cw, "2023-03-01", link=mediation)
    assert data(cw, case_no)["origin_case"] == mediation


def test_a_dispute_does_not_come_from_another_kind_of_case(cw: Casework) -> None:
    earlier = D.register(cw, "2023-02-01")
    not_allowed(lambda: D.register(cw, "2023-03-01", link=earlier), "source", earlier)


def test_a_dispute_comes_from_a_screening_on_the_ledger(cw: Casework) -> None:
    logged = cw.acting("clerk_pz").log_screening("panzhou", "2023-02-10", "routine", 2, 1)
    case_no = D.register(cw, "2023-03-01", screening=str(logged["id"]))
    assert data(cw, case_no)["screening"] == logged["id"]
    with pytest.raises(InvalidData) as info:
        D.register(cw, "2023-03-01", screening=str(int(logged["id"]) + 100))
    assert info.value.field == "value.screening"
    chinese(info.value, "screening")


# -- propose ---------------------------------------------------------------------------------


def test_propose_rests_on_the_assignment_form(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    values = {"leader": "leader1", "unit": "镇政府"}
    propose = cw.acting("clerk_city").advance
    refused(
        lambda: propose(case_no, "propose", values, at="2023-03-02"), "case_file", "assignment_form"
    )
    D.doc(cw, "clerk_city", case_no, "assignment_form", "2023-03-02")
    assert step(cw, "clerk_city", case_no, "propose", "2023-03-02", **values) == "proposed"


def test_propose_is_for_a_city_office(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    not_allowed(lambda: D.propose(cw, case_no, "2023-03-02", user="clerk_pz"), "city")
    not_allowed(lambda: D.propose(cw, case_no, "2023-03-02", user="leader1"), "clerk")
    D.propose(cw, case_no, "2023-03-02", user="sup_justice")
    assert state(cw, case_no) == "proposed"


def test_the_leader_proposed_is_a_leader(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    with pytest.raises(InvalidData) as info:
        D.propose(cw, case_no, "2023-03-02", leader="sup_city")
    assert info.value.field == "value.leader"
    chinese(info.value, "leader")


def test_the_term_defaults_to_90_days_and_is_at_most_180(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    refused(lambda: D.propose(cw, case_no, "2023-03-02", due_days=181), "due_days_max", "180")
    D.propose(cw, case_no, "2023-03-02")
    assert data(cw, case_no)["due_days"] == 90
    D.assign(cw, case_no, "2023-03-03")
    assert (term(cw, case_no, "2023-03-04") or {})["date"] == "2023-06-01"


def test_the_term_settings_are_dated(cw: Casework) -> None:
    admin = cw.acting("admin")
    admin.config_set("major_dispute.due_days_max", "200", "2023-03-02")
    admin.config_set("major_dispute.due_days_default", "60", "2023-03-02")
    early = D.register(cw, "2023-03-01")
    refused(lambda: D.propose(cw, early, "2023-03-01", due_days=200), "due_days_max", "180")
    D.propose(cw, early, "2023-03-01")
    assert data(cw, early)["due_days"] == 90
    late = D.register(cw, "2023-03-02")
    D.propose(cw, late, "2023-03-02")
    assert data(cw, late)["due_days"] == 60
    other = D.register(cw, "2023-03-02")
    D.propose(cw, other, "2023-03-02", due_days=200)
    D.assign(cw, other, "2023-03-03")
    # 2023-03-03 + 200 days = 2023-09-19, a Tuesday.
    assert (term(cw, other, "2023-03-04") or {})["date"] == "2023-09-19"


# -- assign and send_back: the approver ------------------------------------------------------


def test_assign_rests_on_the_approval_form(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    D.propose(cw, case_no, "2023-03-02")
    assign = cw.acting("sup_city").advance
    refused(lambda: assign(case_no, "assign", at="2023-03-03"), "case_file", "approval")


def test_the_proposer_does_not_approve(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    D.propose(cw, case_no, "2023-03-02", user="sup_city")
    refused(lambda: D.assign(cw, case_no, "2023-03-03"), "not_proposer", "sup_city")
    D.assign(cw, case_no, "2023-03-03", user="sup_city2")
    assert state(cw, case_no) == "assigned"


def test_only_an_approver_approves(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    D.propose(cw, case_no, "2023-03-02")
    refused(
        lambda: D.assign(cw, case_no, "2023-03-03", user="sup_justice"), "approver", "sup_justice"
    )
    refused(lambda: D.assign(cw, case_no, "2023-03-03", user="admin"), "approver", "admin")
    not_allowed(lambda: D.assign(cw, case_no, "2023-03-03", user="clerk_city"), "supervisor")
    not_allowed(lambda: D.assign(cw, case_no, "2023-03-03", user="leader1"), "supervisor")
    assert state(cw, case_no) == "proposed"


def test_the_approvers_are_a_dated_setting_of_offices_or_users(cw: Casework) -> None:
    cw.acting("admin").config_set("major_dispute.approvers", "sup_justice", "2023-03-03")
    before = D.register(cw, "2023-03-01")
    D.propose(cw, before, "2023-03-02")
    refused(lambda: D.assign(cw, before, "2023-03-02", user="sup_justice"), "approver")
    D.assign(cw, before, "2023-03-02")  # still the petition bureau the day before
    after = D.register(cw, "2023-03-01")
    D.propose(cw, after, "2023-03-02")
    refused(lambda: D.assign(cw, after, "2023-03-03"), "approver", "sup_city")
    D.assign(cw, after, "2023-03-03", user="sup_justice")
    assert state(cw, after) == "assigned"


def test_send_back_returns_the_proposal_to_the_ledger(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    D.propose(cw, case_no, "2023-03-02")
    back = cw.acting("sup_city").advance
    with pytest.raises(InvalidData) as info:
        back(case_no, "send_back", at="2023-03-03")
    assert info.value.field == "value.reason"
    refused(
        lambda: cw.acting("sup_justice").advance(
            case_no, "send_back", {"reason": "材料不全"}, at="2023-03-03"
        ),
        "approver",
    )
    not_allowed(
        lambda: cw.acting("clerk_city").advance(
            case_no, "send_back", {"reason": "材料不全"}, at="2023-03-03"
        ),
        "supervisor",
    )
    assert (
        step(cw, "sup_city", case_no, "send_back", "2023-03-03", reason="材料不全") == "identified"
    )
    with pytest.raises(IllegalTransition):
        D.assign(cw, case_no, "2023-03-04")
    D.propose(cw, case_no, "2023-03-05", leader="leader2", user="sup_city")
    refused(lambda: D.assign(cw, case_no, "2023-03-06"), "not_proposer")
    D.assign(cw, case_no, "2023-03-06", user="sup_city2")
    assert state(cw, case_no) == "assigned" and data(cw, case_no)["leader"] == "leader2"


def test_a_dispute_is_not_assigned_straight_from_the_ledger(cw: Casework) -> None:
    case_no = D.register(cw, "2023-03-01")
    D.doc(cw, "sup_city", case_no, "approval", "2023-03-02")
    with pytest.raises(IllegalTransition) as info:
        cw.acting("sup_city").advance(case_no, "assign", at="2023-03-02")
    chinese(info.value)


# -- plan and resolve: the named leader only ------------------------------------------------


def test_only_the_named_leader_plans(cw: Casework) -> None:
    case_no = assigned(cw)
    refused(lambda: D.plan(cw, case_no, "2023-03-05", user="leader2"), "assigned_leader", "leader1")
    not_allowed(lambda: D.plan(cw, case_no, "2023-03-05", user="admin"), "leader")
    not_allowed(lambda: D.plan(cw, case_no, "2023-03-05", user="sup_city"), "leader")
    D.plan(cw, case_no, "2023-03-05")
    assert state(cw, case_no) == "resolving"


def test_plan_rests_on_the_plan(cw: Casework) -> None:
    case_no = assigned(cw)
    call = cw.acting("leader1").advance
    refused(lambda: call(case_no, "plan", {"plan": "方案"}, at="2023-03-05"), "case_file", "plan")


def test_only_the_named_leader_resolves(cw: Casework) -> None:
    case_no = resolving(cw)
    refused(
        lambda: D.resolve(cw, case_no, "2023-05-20", user="leader2"), "assigned_leader", "leader1"
    )
    not_allowed(lambda: D.resolve(cw, case_no, "2023-05-20", user="admin"), "leader")
    with pytest.raises(InvalidData) as info:
        D.resolve(cw, case_no, "2023-05-20", outcome="vanished")
    assert info.value.field == "value.outcome"
    D.resolve(cw, case_no, "2023-05-20", outcome="依法处理")  # by its label
    assert data(cw, case_no)["outcome"] == "dealt_with"


# -- verify ----------------------------------------------------------------------------------


def test_verify_needs_acceptance_material_after_the_last_resolve(cw: Casework) -> None:
    case_no = resolving(cw)
    D.doc(cw, "sup_city", case_no, "acceptance", "2023-05-19")  # before the resolution
    D.resolve(cw, case_no, "2023-05-20")
    verify = cw.acting("sup_city").advance
    refused(
        lambda: verify(case_no, "verify", at="2023-05-25"), "acceptance_after_resolve", "acceptance"
    )
    D.verify(cw, case_no, "2023-05-25")
    assert state(cw, case_no) == "closed"


def test_verify_is_for_a_city_supervisor(cw: Casework) -> None:
    case_no = resolved(cw)
    not_allowed(lambda: D.verify(cw, case_no, "2023-05-25", user="sup_pz"), "city")
    not_allowed(lambda: D.verify(cw, case_no, "2023-05-25", user="clerk_city"), "supervisor")
    not_allowed(lambda: D.verify(cw, case_no, "2023-05-25", user="leader1"), "supervisor")
    D.verify(cw, case_no, "2023-05-25", user="sup_justice")
    assert state(cw, case_no) == "closed"


def test_a_settled_dispute_with_a_petitioner_needs_the_undertaking(cw: Casework) -> None:
    petition = P.register(cw, "2023-02-20")
    case_no = resolved(cw, outcome="settled", link=petition)
    refused(lambda: D.verify(cw, case_no, "2023-05-25"), "undertaking_if_settled", "undertaking")
    D.doc(cw, "sup_city", case_no, "undertaking", "2023-05-26")
    D.verify(cw, case_no, "2023-05-26")
    assert state(cw, case_no) == "closed"


def test_a_petition_found_the_same_matter_needs_the_undertaking_too(cw: Casework) -> None:
    case_no = resolved(cw, outcome="settled")
    petition = P.register(cw, "2023-02-20")
    cw.acting("clerk_city").link(case_no, petition, "related", at="2023-05-21")
    refused(lambda: D.verify(cw, case_no, "2023-05-25"), "undertaking_if_settled", petition)
    cw.acting("clerk_city").link(case_no, petition, "not_same", at="2023-05-25")
    D.verify(cw, case_no, "2023-05-25")
    assert state(cw, case_no) == "closed"


def test_no_undertaking_without_a_petitioner_or_when_not_settled(cw: Casework) -> None:
    alone = resolved(cw, outcome="settled")
    D.verify(cw, alone, "2023-05-25")
    petition = P.register(cw, "2023-02-20")
    solved = resolved(cw, outcome="solved", link=petition)
    D.verify(cw, solved, "2023-05-25")
    assert state(cw, alone) == state(cw, solved) == "closed"


def test_the_undertaking_rule_is_a_dated_setting(cw: Casework) -> None:
    cw.acting("admin").config_set("major_dispute.undertaking_required", "off", "2023-05-25")
    petition = P.register(cw, "2023-02-20")
    case_no = resolved(cw, outcome="settled", link=petition)
    refused(lambda: D.verify(cw, case_no, "2023-05-24"), "undertaking_if_settled")
    D.verify(cw, case_no, "2023-05-25")
    assert state(cw, case_no) == "closed"


# -- extend ----------------------------------------------------------------------------------


def test_extensions_lengthen_the_term(cw: Casework) -> None:
    case_no = assigned(cw)
    D.extend(cw, case_no, "2023-04-01", days=30)
    # 2023-06-01 + 30 = Saturday 2023-07-01, moved to Monday 2023-07-03.
    running = term(cw, case_no, "2023-04-02") or {}
    assert running["date"] == "2023-07-03" and "已延期30日" in str(running["rule"])
    D.plan(cw, case_no, "2023-04-03")
    D.extend(cw, case_no, "2023-04-04", days=10)
    assert (term(cw, case_no, "2023-04-05") or {})["date"] == "2023-07-11"
    assert state(cw, case_no) == "resolving"


def test_a_third_extension_is_refused(cw: Casework) -> None:
    case_no = resolving(cw)
    D.extend(cw, case_no, "2023-04-01", days=10)
    D.extend(cw, case_no, "2023-04-02", days=10)
    refused(lambda: D.extend(cw, case_no, "2023-04-03", days=10), "extensions_max", "2")
    cw.acting("admin").config_set("major_dispute.extensions_max", "3", "2023-04-04")
    D.extend(cw, case_no, "2023-04-04", days=10)


def test_a_late_extension_is_refused(cw: Casework) -> None:
    case_no = resolving(cw)
    refused(lambda: D.extend(cw, case_no, "2023-06-02"), "before_lapse", "2023-06-01")
    D.extend(cw, case_no, "2023-06-01")  # on the last day, in time
    assert (term(cw, case_no, "2023-06-02") or {})["date"] == "2023-07-03"


def test_an_extension_is_at_most_90_days_by_an_approver(cw: Casework) -> None:
    case_no = resolving(cw)
    refused(lambda: D.extend(cw, case_no, "2023-04-01", days=91), "extension_days_max", "90")
    refused(lambda: D.extend(cw, case_no, "2023-04-01", user="sup_justice"), "approver")
    refused(lambda: D.extend(cw, case_no, "2023-04-01", user="admin"), "approver")
    not_allowed(lambda: D.extend(cw, case_no, "2023-04-01", user="leader1"), "supervisor")
    with pytest.raises(IllegalTransition):
        D.extend(cw, D.register(cw, "2023-03-01"), "2023-04-01")


# -- reassign --------------------------------------------------------------------------------


def test_reassign_changes_who_may_act(cw: Casework) -> None:
    case_no = assigned(cw)
    values = {"leader": "leader2", "reason": "工作调整"}
    refused(
        lambda: cw.acting("sup_justice").advance(case_no, "reassign", values, at="2023-03-04"),
        "approver",
    )
    assert step(cw, "sup_city", case_no, "reassign", "2023-03-04", **values) == "assigned"
    assert data(cw, case_no)["leader"] == "leader2"
    refused(lambda: D.plan(cw, case_no, "2023-03-05"), "assigned_leader", "leader2")
    D.plan(cw, case_no, "2023-03-05", user="leader2")
    step(cw, "sup_city", case_no, "reassign", "2023-03-06", leader="leader1", reason="回任")
    refused(lambda: D.resolve(cw, case_no, "2023-05-20", user="leader2"), "assigned_leader")
    D.resolve(cw, case_no, "2023-05-20")
    assert state(cw, case_no) == "resolved"


def test_reassign_names_another_leader(cw: Casework) -> None:
    case_no = assigned(cw)
    refused(
        lambda: step(
            cw, "sup_city", case_no, "reassign", "2023-03-04", leader="leader1", reason="r"
        ),
        "new_leader",
        "leader1",
    )
    with pytest.raises(InvalidData) as info:
        step(cw, "sup_city", case_no, "reassign", "2023-03-04", leader="clerk_city", reason="r")
    assert info.value.field == "value.leader"


def test_reassign_keeps_the_term(cw: Casework) -> None:
    case_no = assigned(cw)
    step(cw, "sup_city", case_no, "reassign", "2023-04-01", leader="leader2", reason="工作调整")
    assert (term(cw, case_no, "2023-04-02") or {})["date"] == "2023-06-01"


# -- reopen ----------------------------------------------------------------------------------


def test_reopen_sets_a_new_term(cw: Casework) -> None:
    case_no = resolved(cw)
    D.verify(cw, case_no, "2023-05-25")
    D.reopen(cw, case_no, "2023-07-03", due_days=60)
    assert state(cw, case_no) == "resolving"
    running = term(cw, case_no, "2023-07-04") or {}
    # 2023-07-03 + 60 = Friday 2023-09-01, from the reopening, not the assignment.
    assert running["date"] == "2023-09-01" and running["start"] == "2023-07-03"
    assert str(running["rule"]).startswith("反弹重启后60日")
    assert running["rule_en"] == "60 days after reopen"


def test_reopen_takes_the_default_term_of_the_day(cw: Casework) -> None:
    case_no = resolved(cw)
    D.reopen(cw, case_no, "2023-08-01")  # from resolved, before verification
    # 2023-08-01 + 90 = Monday 2023-10-30.
    assert (term(cw, case_no, "2023-08-02") or {})["date"] == "2023-10-30"
    refused(lambda: D.reopen(cw, resolved(cw), "2023-08-01", due_days=181), "due_days_max")


def test_reopen_is_for_a_city_supervisor_with_a_reason(cw: Casework) -> None:
    case_no = resolved(cw)
    not_allowed(lambda: D.reopen(cw, case_no, "2023-07-03", user="clerk_city"), "supervisor")
    not_allowed(lambda: D.reopen(cw, case_no, "2023-07-03", user="sup_pz"), "city")
    with pytest.raises(InvalidData) as info:
        cw.acting("sup_city").advance(case_no, "reopen", at="2023-07-03")
    assert info.value.field == "value.reason"


def test_after_a_reopening_verification_rests_on_new_evidence(cw: Casework) -> None:
    petition = P.register(cw, "2023-02-20")
    case_no = resolved(cw, outcome="settled", link=petition)
    D.doc(cw, "sup_city", case_no, "undertaking", "2023-05-25")
    D.verify(cw, case_no, "2023-05-25")
    D.reopen(cw, case_no, "2023-07-03")
    D.resolve(cw, case_no, "2023-08-01", outcome="settled")
    verify = cw.acting("sup_city").advance
    refused(lambda: verify(case_no, "verify", at="2023-08-02"), "acceptance_after_resolve")
    # The acceptance material of this resolution, but the undertaking given before the
    # reopening did not hold.
    refused(lambda: D.verify(cw, case_no, "2023-08-02"), "undertaking_if_settled")
    D.doc(cw, "sup_city", case_no, "undertaking", "2023-08-03")
    D.verify(cw, case_no, "2023-08-03")
    assert state(cw, case_no) == "closed"


def test_extensions_are_counted_over_the_case_and_lengthen_only_the_running_term(
    cw: Casework,
) -> None:
    case_no = resolving(cw)
    D.extend(cw, case_no, "2023-04-01", days=10)
    D.resolve(cw, case_no, "2023-05-20")
    D.reopen(cw, case_no, "2023-07-03", due_days=60)
    assert (term(cw, case_no, "2023-07-04") or {})["date"] == "2023-09-01"
    D.extend(cw, case_no, "2023-07-04", days=10)
    # 2023-09-01 + 10 = Monday 2023-09-11.
    assert (term(cw, case_no, "2023-07-05") or {})["date"] == "2023-09-11"
    refused(lambda: D.extend(cw, case_no, "2023-07-05"), "extensions_max")


# -- rule versions -----------------------------------------------------------------------------


def test_histories_of_the_earlier_rules_stay_legal_and_new_cases_propose_first(
    cw: Casework,
) -> None:
    """``ba1`` (the rules before this revision, pinned by migration 0007) assigned straight
    from the ledger; its recorded histories replay, while ``ba2`` refuses that step."""
    old = [
        ("register", None, "identified"),
        ("assign", "identified", "assigned"),
        ("plan", "assigned", "resolving"),
    ]
    assert replay(WORKFLOW, old, "ba1") == "resolving"
    with pytest.raises(ValueError):
        replay(WORKFLOW, old, "ba2")
    assert WORKFLOW.version_on(date(2023, 3, 1)) == WORKFLOW.version("ba2")
    assert data(cw, D.register(cw, "2023-03-01"))["rules"] == "ba2"
