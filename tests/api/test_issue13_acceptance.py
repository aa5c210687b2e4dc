"""Issue 13's acceptance, through the API, on SQLite and PostgreSQL (the ``cw`` fixture runs
each test on both when CASEWORK_TEST_PG is set): the guards of procedures/mediation.md named
in the issue, 以案定补's returns, checkers and same-party rule, the mediation form of a
January-November world with its ties and its explain lists, and the annual text's rates.

Every refusal is checked to leave the database as it was (a refused step writes nothing)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pytest

from casework.api import Casework
from casework.errors import CaseworkError, GuardFailed, InvalidData
from casework.read.mediation_form import FormJSON
from casework.read.report import annual
from tests import mediations as M
from tests.helpers import FrozenClock, dump

CASE_NO_OK = "（2020）粤0981民特21号"
FIX = {"reason": "协议书缺当事人签名", "to_fix": "补签名"}


def refused(cw: Casework, call: Callable[[], object], rule: str) -> GuardFailed:
    """The guard refusal of a call, naming ``rule``; nothing was written."""
    before = dump(cw.engine)
    with pytest.raises(GuardFailed) as caught:
        call()
    assert caught.value.rule == rule, caught.value.reason
    assert dump(cw.engine) == before
    return caught.value


def invalid(cw: Casework, call: Callable[[], object]) -> CaseworkError:
    """A refusal of bad input that is not a guard (InvalidData, NotFound); nothing written."""
    before = dump(cw.engine)
    with pytest.raises(CaseworkError) as caught:
        call()
    assert not isinstance(caught.value, GuardFailed), caught.value
    assert dump(cw.engine) == before
    return caught.value


def written(effective_on: str, perform_by: str) -> dict[str, str]:
    return {
        "form": "written",
        "amount": "5000",
        "performance": "lump_sum",
        "effective_on": effective_on,
        "perform_by": perform_by,
    }


# -- the mediation guards ----------------------------------------------------------------------


def test_accept_with_one_party_is_refused_naming_two_sides(cw: Casework) -> None:
    case_no = M.register(cw, "2020-03-02", parties=["applicant:甲某"])
    M.doc(cw, M.CLERK, case_no, "rights_notice", "2020-03-02")
    med = cw.acting(M.MED)
    given = {"mediator": M.MED, "rights_told": "written"}
    error = refused(cw, lambda: med.advance(case_no, "accept", given, at="2020-03-02"), "two_sides")
    assert "被申请人 0 人" in error.reason
    assert cw.show(case_no)["state"] == "applied"
    # once the other side is a party, the same step passes
    other = M.register(cw, "2020-03-02")
    M.doc(cw, M.CLERK, other, "rights_notice", "2020-03-02")
    assert med.advance(other, "accept", given, at="2020-03-02")["state"] == "mediating"


def test_agree_by_a_mediator_not_on_the_case_is_refused(cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    terms = written("2020-03-03", "2020-03-20")
    other = cw.acting(M.MED2)
    error = refused(
        cw, lambda: other.advance(case_no, "agree", terms, at="2020-03-03"), "agreed_by_on_case"
    )
    assert "med2_pz" in error.reason
    # nor may the lead name him as the one who reached it (谁调解、补助谁)
    lead = cw.acting(M.MED)
    named = {**terms, "agreed_by": M.MED2}
    refused(cw, lambda: lead.advance(case_no, "agree", named, at="2020-03-03"), "agreed_by_on_case")
    done = lead.advance(case_no, "agree", terms, at="2020-03-03")
    assert done["event"]["data"]["agreed_by"] == M.MED


def _agreed(cw: Casework, effective_on: str = "2020-03-02") -> str:
    case_no = M.accepted(cw, "2020-03-02")
    M.agree(cw, case_no, "2020-03-04", written(effective_on, "2020-05-01"))
    return case_no


def _apply(cw: Casework, case_no: str, at: str) -> Any:
    values = {"court": "gzfy", "joint": "yes"}
    return cw.acting(M.CLERK).advance(case_no, "apply_confirmation", values, at=at)


def test_confirmation_day_30_allowed_day_31_refused_ruling_later(cw: Casework) -> None:
    # effective 2020-03-02: day 30 of the window is 2020-04-01 (PML art. 33)
    late, in_time = _agreed(cw), _agreed(cw)
    error = refused(cw, lambda: _apply(cw, late, "2020-04-02"), "confirmation_window")
    assert "2020-04-01" in error.reason
    assert _apply(cw, in_time, "2020-04-01")["event"]["data"]["applied_on"] == "2020-04-01"
    # the court rules after the window has closed: recorded as it came
    ruling = {"ruling": "confirmed", "court_case_no": CASE_NO_OK, "ruled_on": "2020-04-20"}
    done = cw.acting(M.CLERK).advance(in_time, "confirm", ruling, at="2020-04-22")
    assert (done["event"]["data"]["ruling"], done["event"]["data"]["ruled_on"]) == (
        "confirmed",
        "2020-04-20",
    )
    assert cw.stats("2020-04-01", "2020-04-30")["metrics"]["mediation.confirmed"] == 1


def test_oral_agreement_with_money_warns_by_default_and_refuses_when_set(cw: Casework) -> None:
    shown = {s["key"]: s for s in cw.config("mediation.oral_money", on="2020-03-01")}
    assert shown["mediation.oral_money"]["value"] == "warn"
    oral = {"form": "oral", "amount": "3000", "performance": "on_the_spot"}
    first = M.accepted(cw, "2020-03-02")
    warned = cw.acting(M.MED).advance(first, "agree", oral, at="2020-03-03")
    assert warned["state"] == "performed"
    assert any("oral_money" in w and "3000" in w for w in warned["warnings"])
    cw.acting("admin").config_set("mediation.oral_money", "refuse", "2020-04-01")
    second = M.accepted(cw, "2020-04-02")
    med = cw.acting(M.MED)
    refused(cw, lambda: med.advance(second, "agree", oral, at="2020-04-03"), "oral_money")
    # the setting is dated: an agreement before it still only warns
    third = M.accepted(cw, "2020-03-10")
    assert med.advance(third, "agree", oral, at="2020-03-11")["warnings"]
    # the setting takes warn, refuse or allow, nothing else (another word would allow)
    admin = cw.acting("admin")
    error = invalid(cw, lambda: admin.config_set("mediation.oral_money", "sometimes", "2020-05-01"))
    assert "refuse" in str(error)
    invalid(cw, lambda: admin.config_set("form.stationed_row", "别处", "2020-05-01"))


def test_due_lists_a_passed_perform_by_as_a_reminder_not_overdue(cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    M.agree(cw, case_no, "2020-03-04", written("2020-03-04", "2020-03-20"))
    rows = [r for r in cw.due(within=0, as_of="2020-04-10") if r["case_no"] == case_no]
    reminders = [r for r in rows if r["limit"] == "perform_reminder"]
    assert [(r["label"], r["overdue"], r["date"]) for r in reminders] == [
        ("督促履行", False, "2020-03-20")
    ]
    assert not any(r["overdue"] for r in rows)
    assert case_no not in [c["case_no"] for c in cw.cases(kind="mediation", overdue=True)]


def test_on_the_spot_agreement_records_agree_and_perform_at_one_instant(cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    spot = {"form": "written", "amount": "1500", "performance": "on_the_spot"}
    M.doc(cw, M.CLERK, case_no, "agreement", "2020-03-02T15:00")
    done = cw.acting(M.MED).advance(case_no, "agree", spot, at="2020-03-02T15:30")
    assert done["state"] == "performed"
    agree, perform = cw.acting("admin").history(case_no)[-2:]
    assert (agree["trigger"], perform["trigger"]) == ("agree", "perform")
    assert agree["occurred_at"] == perform["occurred_at"]
    figures = cw.stats("2020-03-01", "2020-03-31")["metrics"]
    assert figures["mediation.performed_on_the_spot"] == 1 and figures["mediation.performed"] == 1


def test_a_moved_mediator_cannot_accept_for_the_old_committee_after_the_move(
    cw: Casework,
) -> None:
    before_move = M.register(cw, "2020-05-20")
    M.accept(cw, before_move, "2020-05-20")
    cw.acting("admin").move_mediator(M.MED, "shanmei-tj", "2020-06-01")
    on_eve = M.register(cw, "2020-05-31")
    M.doc(cw, M.CLERK, on_eve, "rights_notice", "2020-05-31")
    named = {"mediator": M.MED, "rights_told": "written"}
    cw.acting(M.SUP).advance(on_eve, "accept", named, at="2020-05-31")  # panzhou's that day
    after = M.register(cw, "2020-06-02")
    M.doc(cw, M.CLERK, after, "rights_notice", "2020-06-02")
    sup = cw.acting(M.SUP)
    given = {"mediator": M.MED, "rights_told": "written"}
    error = refused(
        cw,
        lambda: sup.advance(after, "accept", given, at="2020-06-02"),
        "mediator_in_committee",
    )
    assert "panzhou-tj" in error.reason
    # a case keeps the committee that accepted it
    assert cw.show(before_move)["data"]["committee"] == "panzhou-tj"
    assert sup.advance(after, "accept", {**given, "mediator": M.MED2}, at="2020-06-02")
    # the new committee's cases are the moved mediator's to take and to agree (its office's)
    shanmei = M.register(cw, "2020-06-02", office="shanmei", user="clerk_sm")
    M.accept(cw, shanmei, "2020-06-02", mediator=M.MED, clerk="clerk_sm")
    M.agree(cw, shanmei, "2020-06-05", written("2020-06-05", "2020-06-30"), clerk="clerk_sm")
    assert cw.show(shanmei)["data"]["mediator"] == M.MED
    # the old committee's case stays there: a mediator of it records what the lead reached
    terms = written("2020-06-05", "2020-06-30") | {"agreed_by": M.MED}
    M.agree(cw, before_move, "2020-06-05", terms, mediator=M.MED2)
    assert cw.show(before_move)["state"] == "agreed"


# -- committees and screening ------------------------------------------------------------------


def add_committees(cw: Casework) -> None:
    admin = cw.acting("admin")
    admin.add_committee(
        "pz-xc", "新村村人民调解委员会", "village", "panzhou", village="新村", since="2019-01-01"
    )
    admin.add_committee(
        "pz-jm", "金塘社区人民调解委员会", "residents", "panzhou", since="2019-01-01"
    )
    admin.add_committee(
        "gz-yl",
        "高州市医疗纠纷人民调解委员会",
        "industry",
        "city-justice",
        subtype="medical",
        since="2019-01-01",
    )
    admin.add_committee(
        "gz-jt",
        "高州市道路交通事故人民调解委员会",
        "industry",
        "city-justice",
        subtype="traffic",
        since="2020-06-01",
    )
    admin.add_mediator("med_xc", "新村调解员", "pz-xc", since="2019-01-01")
    admin.add_mediator("med_yl", "医调员", "gz-yl", full_time=True, since="2019-01-01")


def counts(cw: Casework, start: str, end: str) -> dict[str, int]:
    """The period's figures that are counts (a null or a rate is left out)."""
    metrics = cw.stats(start, end)["metrics"]
    return {k: v for k, v in metrics.items() if isinstance(v, int)}


def test_committees_are_counted_by_type(cw: Casework) -> None:
    stock = counts(cw, "2020-01-01", "2020-03-31")
    add_committees(cw)
    march = counts(cw, "2020-01-01", "2020-03-31")
    assert march["org.committees.village"] == stock["org.committees.village"] + 1
    assert march["org.committees.residents"] == stock["org.committees.residents"] + 1
    assert march["org.committees.industry"] == stock["org.committees.industry"] + 1  # not gz-jt yet
    assert march["org.committees.industry.medical"] == 1
    assert march["org.committees"] == stock["org.committees"] + 3
    types = ("village", "residents", "town", "subdistrict", "enterprise", "industry", "studio")
    assert (
        sum(march[f"org.committees.{t}"] for t in (*types, "stationed")) == march["org.committees"]
    )
    assert march["org.committees.subdistrict"] + march["org.committees.town"] == 28
    july = counts(cw, "2020-07-01", "2020-07-31")
    assert july["org.committees.industry"] == 2 and july["org.committees.industry.traffic"] == 1
    assert july["org.mediators"] == march["org.mediators"] == stock["org.mediators"] + 2
    assert july["org.mediators_full_time"] == stock["org.mediators_full_time"] + 1
    explained = cw.explain("org.committees.village", "2020-01-01", "2020-03-31")
    assert explained["value"] == len(explained["items"]) == march["org.committees.village"]


def test_cases_linked_to_a_screening_never_exceed_what_it_found(cw: Casework) -> None:
    entry = cw.acting(M.CLERK).log_screening("panzhou", "2020-05-10", "routine", 2, 1)
    number = str(entry["id"])
    found = {"source": "screening", "screening": number, "dispute_type": "neighbour"}
    first = M.register(cw, "2020-05-11", values=found)
    second = M.register(cw, "2020-05-12", values=found)
    error = invalid(cw, lambda: M.register(cw, "2020-05-13", values=found))
    assert isinstance(error, InvalidData) and error.field == "value.screening"
    shown = cw.screening(entry["id"])
    assert [c["case_no"] for c in shown["cases"]] == [first, second]
    figures = counts(cw, "2020-05-01", "2020-05-31")
    assert figures["screening.registered"] == 2 <= figures["screening.found"] == 2


# -- 以案定补 ----------------------------------------------------------------------------------


def archived_in_q3(cw: Casework, parties: tuple[str, ...] = M.SIDES, **values: str) -> str:
    """A case of panzhou agreed in writing, performed, followed up and archived in 2020Q3."""
    case_no = M.register(cw, "2020-07-01", parties=parties, values=values or None)
    M.accept(cw, case_no, "2020-07-01")
    M.agree(cw, case_no, "2020-07-10", written("2020-07-10", "2020-07-20"))
    cw.acting(M.CLERK).advance(case_no, "perform", at="2020-07-18")
    M.follow_up(cw, case_no, "2020-07-25")
    cw.acting(M.SUP).advance(case_no, "archive", at="2020-08-20")
    return case_no


def _draft(cw: Casework, quarter: str = "2020Q3") -> list[str]:
    return sorted(cw.acting(M.CLERK).subsidy.draft(quarter, "panzhou")["drafted"])


def test_a_returned_claim_is_resubmitted_and_approved_in_its_quarter(
    cw: Casework, clock: FrozenClock
) -> None:
    clock.set("2020-10-09T09:00")  # the quarter is over when its claims are checked
    case_no = archived_in_q3(cw)
    (claim,) = _draft(cw)
    cw.acting(M.SUP).subsidy.advance(claim, "check")
    cw.acting("sup_justice").subsidy.advance(claim, "send_back", FIX)
    assert cw.show(claim)["state"] == "returned"
    # `subsidy check` names the returned claim for resubmit; `draft` makes no second one
    verdict = {r["rule"]: r for r in cw.subsidy.check(case_no, "2020Q3")["rules"]}
    assert f"subsidy resubmit {claim}" in verdict["not_subsidised_before"]["message"]
    assert _draft(cw) == []
    clock.set("2020-10-13T09:00")
    cw.acting(M.CLERK).subsidy.advance(claim, "resubmit", {"note": "已补签名"})
    cw.acting(M.SUP).subsidy.advance(claim, "check")
    approved = cw.acting("sup_justice").subsidy.advance(claim, "approve")
    assert approved["state"] == "approved" and approved["case_no"] == claim
    shown = cw.show(claim)
    assert claim.startswith("BZ-2020-panzhou-") and shown["data"]["quarter"] == "2020Q3"
    assert [e["trigger"] for e in shown["history"]] == [
        "register",
        "check",
        "send_back",
        "resubmit",
        "check",
        "approve",
    ]
    assert cw.subsidy.figures("2020-07-01", "2020-09-30")["subsidy.cases"] == 1
    assert cw.subsidy.figures("2020-10-01", "2020-12-31")["subsidy.cases"] == 0


def test_the_same_admin_may_not_check_and_approve(cw: Casework) -> None:
    archived_in_q3(cw)
    (claim,) = _draft(cw)
    admin = cw.acting("admin")
    admin.subsidy.advance(claim, "check")
    refused(cw, lambda: admin.subsidy.advance(claim, "approve"), "not_checker")
    refused(cw, lambda: admin.subsidy.advance_quarter("2020Q3", "approve", {}), "not_checker")
    assert cw.acting("sup_justice").subsidy.advance(claim, "approve")["state"] == "approved"


def test_the_same_parties_second_case_is_refused_until_distinct_dispute(cw: Casework) -> None:
    sides = ("applicant:甲某:440981199001011239", "respondent:乙某:440981198001015673")
    first = archived_in_q3(cw, sides, dispute_type="housing_homestead")
    (claim,) = _draft(cw)
    second = archived_in_q3(cw, sides, dispute_type="housing_homestead")
    verdict = cw.subsidy.check(second, "2020Q3")
    failed = {r["rule"]: r["message"] for r in verdict["rules"] if not r["passed"]}
    assert (
        list(failed) == ["same_parties_not_subsidised"]
        and first in failed["same_parties_not_subsidised"]
    )
    drafted = cw.acting(M.CLERK).subsidy.draft("2020Q3", "panzhou")
    assert drafted["drafted"] == [] and [i["case_no"] for i in drafted["ineligible"]] == [second]
    # a clerk may not clear it: the supervisor's record (mediation.md 2.3)
    with pytest.raises(CaseworkError):
        cw.acting(M.CLERK).advance(second, "distinct_dispute", {"reason": "另一宗"})
    cw.acting(M.SUP).advance(second, "distinct_dispute", {"reason": "另一处宅基地"})
    assert cw.subsidy.check(second, "2020Q3")["eligible"] is True
    (other,) = _draft(cw)
    assert other != claim and cw.show(other)["data"]["mediation_case"] == second


# -- a January-November world: the form, its ties, its explain lists, the annual text ---------


def _on(clock: FrozenClock, day: str) -> str:
    """A step at 10:00 on ``day``, recorded that afternoon (as-of reads see it from then)."""
    clock.set(f"{day}T16:00")
    return f"{day}T10:00"


# month, source, dispute_type, outcome: written:<amount>, oral, spot:<amount>, fail, withdrawn,
# open (still mediating), confirmed:<amount> (applied and ruled), breach
YEAR: tuple[tuple[int, str, str, str], ...] = (
    (1, "application", "marriage_family", "written:20000"),
    (1, "initiative", "neighbour", "spot:0"),
    (2, "application", "labour", "oral"),
    (3, "screening", "neighbour", "written:1800"),
    (4, "police_referral", "damage", "confirmed:60000"),
    (5, "initiative", "housing_homestead", "fail"),
    (6, "application", "contract", "written:35000"),
    (7, "petition_referral", "land", "withdrawn"),
    (8, "application", "consumer", "spot:2500"),
    (9, "other_referral", "property_mgmt", "breach"),
    (10, "initiative", "neighbour", "written:0"),
    (11, "application", "contract", "open"),
)


def _screenings(cw: Casework, clock: FrozenClock) -> str:
    clerk, march = cw.acting(M.CLERK), ""
    for month in range(1, 12):
        found, measures = (2, ["criminal:1:4"]) if month == 3 else (0, [])
        day = f"2020-{month:02d}-05"
        _on(clock, day)
        entry = clerk.log_screening("panzhou", day, "routine", found, 0, measures=measures)
        if month == 3:
            march = str(entry["id"])
    return march


def _outcome(cw: Casework, clock: FrozenClock, case_no: str, month: int, outcome: str) -> None:
    kind, _, amount = outcome.partition(":")
    day = f"2020-{month:02d}-20"
    at = _on(clock, day)
    if kind in ("written", "confirmed", "breach"):
        terms = written(day, f"2020-{month:02d}-27") | {"amount": amount or "0"}
        M.agree(cw, case_no, at, terms)
    elif kind in ("oral", "spot"):
        form = "oral" if kind == "oral" else "written"
        spot = {"form": form, "amount": amount or "0", "performance": "on_the_spot"}
        M.agree(cw, case_no, at, spot)
    elif kind == "fail":
        M.fail(cw, case_no, at)
    elif kind == "withdrawn":
        cw.acting(M.MED).advance(case_no, "terminate", {"reason": "withdrawn"}, at=at)
    clerk = cw.acting(M.CLERK)
    if kind in ("written", "confirmed"):
        clerk.advance(case_no, "perform", at=_on(clock, f"2020-{month:02d}-27"))
    if kind == "confirmed":  # applied on day 8 of the window, ruled 10 days later
        apply = {"court": "gzfy", "joint": "yes"}
        clerk.advance(case_no, "apply_confirmation", apply, at=_on(clock, f"2020-{month:02d}-28"))
        ruling = {"ruling": "confirmed", "court_case_no": CASE_NO_OK}
        clerk.advance(case_no, "confirm", ruling, at=_on(clock, f"2020-{month + 1:02d}-08"))
    if kind == "breach":
        clerk.advance(
            case_no, "breach", {"reason": "refused"}, at=_on(clock, f"2020-{month + 1:02d}-02")
        )


def build_world(cw: Casework, clock: FrozenClock) -> dict[str, str]:
    """Twelve panzhou cases accepted January to November 2020 (YEAR), a medical case of the
    city's committee in August, a case carried over from December 2019 (not 2020's
    `mediated`), a routine screening each month; built as it happened, read on 2020-12-24."""
    _on(clock, "2019-12-01")
    add_committees(cw)
    old = {"source": "application", "dispute_type": "contract"}
    cases = {"carried": M.register(cw, _on(clock, "2019-12-20"), values=old)}
    M.accept(cw, cases["carried"], _on(clock, "2019-12-21"))
    march = _screenings(cw, clock)
    for n, (month, source, kind, outcome) in enumerate(YEAR):
        values = {"source": source, "dispute_type": kind}
        if source == "screening":
            values["screening"] = march
        day = f"2020-{month:02d}-{10 + n % 3:02d}"
        case_no = M.register(cw, _on(clock, day), values=values)
        M.accept(cw, case_no, _on(clock, day))
        if month == 4:
            measure = {"kind": "criminal", "people": "6", "reported_to": "police"}
            cw.acting(M.MED).advance(case_no, "prevent", measure, at=_on(clock, "2020-04-15"))
        _outcome(cw, clock, case_no, month, outcome)
        cases[f"{month}:{outcome}"] = case_no
    M.agree(cw, cases["carried"], _on(clock, "2020-01-08"), written("2020-01-08", "2020-01-30"))
    cases["medical"] = _medical(cw, clock)
    clock.set("2020-12-24T18:00")
    return cases


def _medical(cw: Casework, clock: FrozenClock) -> str:
    """A medical dispute mediated by the city's medical committee (guided by city-justice)."""
    values = {"committee": "gz-yl", "source": "application", "dispute_type": "medical"}
    clerk = "clerk_justice"
    found = cw.acting(clerk).register(
        "mediation", "city-justice", "医疗纠纷", list(M.SIDES), values, at=_on(clock, "2020-08-03")
    )
    case_no = str(found["case_no"])
    M.doc(cw, clerk, case_no, "application", "2020-08-03T10:00")
    M.accept(cw, case_no, _on(clock, "2020-08-04"), mediator="med_yl", clerk=clerk)
    terms = written("2020-08-30", "2020-09-30") | {"amount": "120000"}
    M.agree(cw, case_no, _on(clock, "2020-08-30"), terms, mediator="med_yl", clerk=clerk)
    return case_no


JAN_NOV = ("2020-01-01", "2020-11-30")
EXPECTED = {  # counted by hand from YEAR and _medical
    ("三、来源", "调解纠纷"): 13,
    ("三、来源", "主动调解"): 4,
    ("三、来源", "依申请调解"): 6,
    ("三、来源", "接受委托移送调解"): 3,
    ("四、类型", "邻里"): 3,
    ("四、类型", "合同"): 2,
    ("四、类型", "医疗"): 1,
    ("四、类型", "互联网"): 0,
    ("五、结果", "调解成功"): 10,
    ("五、结果", "调解成功率"): 76.92,
    ("五、结果", "口头协议"): 1,
    ("五、结果", "书面协议"): 9,
    ("五、结果", "协议涉及金额"): 23.93,
    ("五、结果", "履行"): 8,
    ("五、结果", "司法确认"): 1,
    ("二、排查", "排查次数"): 11,
    ("二、排查", "排查发现纠纷"): 2,
    ("二、排查", "零报告"): 10,
}


def rows(form: FormJSON) -> dict[tuple[str, str], Any]:
    return {(s["title"], r["label"]): r for s in form["sections"] for r in s["rows"]}


@pytest.fixture
def year(cw: Casework, clock: FrozenClock) -> dict[str, str]:
    return build_world(cw, clock)


def test_the_form_of_january_to_november_holds_every_tie(
    cw: Casework, year: dict[str, str]
) -> None:
    form = cw.mediation_form(*JAN_NOV, as_of="2020-12-24")
    assert form["failed"] == [] and all(t["ok"] for t in form["ties"]), form["ties"]
    assert len(form["ties"]) == 4
    got = rows(form)
    assert {k: got[k]["value"] for k in EXPECTED} == EXPECTED
    assert len([k for k in got if k[0] == "四、类型"]) == 18


def _explained(cw: Casework, metric: str) -> tuple[Any, int, int]:
    """A figure's explain: its value, how many items it lists, the sum of their values (a
    sum's items carry theirs; a count's items count one each)."""
    shown = cw.explain(metric, *JAN_NOV, as_of="2020-12-24")
    items = shown["items"]
    return shown["value"], len(items), sum(int(i.get("value", 1)) for i in items)


def test_every_figure_of_the_form_has_its_metric_and_explain_list(
    cw: Casework, year: dict[str, str]
) -> None:
    checked = 0
    for (title, label), row in rows(cw.mediation_form(*JAN_NOV, as_of="2020-12-24")).items():
        assert row["metrics"], (title, label)
        explained = [_explained(cw, m) for m in row["metrics"]]
        where = (title, label, row["metrics"], explained)
        values = sum(v or 0 for v, _, _ in explained)
        if row["unit"] == "%":
            assert explained[0][0] == row["value"], where
            continue
        # the items add up to the figure: one each for a count, their values for a sum
        assert values == sum(total for _, _, total in explained), where
        if row["unit"] == "万元":
            assert round(values / 10000, 2) == row["value"], where
        else:
            assert values == row["value"], where
        checked += 1
    assert checked > 40


def test_a_broken_tie_is_named(cw: Casework, year: dict[str, str], clock: FrozenClock) -> None:
    clock.set("2020-11-25T16:00")
    untyped = M.register(cw, "2020-11-25T10:00", values={"source": "application"})
    M.accept(cw, untyped, "2020-11-25T10:00")
    clock.set("2020-12-24T18:00")
    form = cw.mediation_form(*JAN_NOV, as_of="2020-12-24")
    assert form["failed"] == ["四、类型 = 调解纠纷"]
    tie = next(t for t in form["ties"] if not t["ok"])
    assert (tie["value"], tie["expected"], tie["of"]) == (13, 14, "mediation.mediated")


RATE = re.compile(r"(?:率|比例)(\d+(?:\.\d+)?)%")
FIGURE = re.compile(r"(\d+)(?:件|人|次|批)")


def rates_that_disagree(text: str) -> tuple[int, list[str]]:
    """Each "…率N%" of the text against the last two counts printed before it in its clause
    (since the previous rate or full stop): the rate must be the second ÷ the first."""
    wrong, seen, start = [], 0, 0
    for m in RATE.finditer(text):
        clause = re.split(r"[。；]", text[start : m.start()])[-1]
        start = m.end()
        figures = [int(n) for n in FIGURE.findall(clause)]
        seen += 1
        if len(figures) < 2 or not figures[-2]:
            wrong.append(f"{m.group(0)} without two figures: {clause!r}")
        elif f"{100 * figures[-1] / figures[-2]:.2f}" != m.group(1):
            wrong.append(f"{m.group(0)} after {figures[-2:]}: {clause!r}")
    return seen, wrong


def test_the_annual_text_has_no_rate_that_disagrees_with_its_figures(
    cw: Casework, year: dict[str, str]
) -> None:
    report = annual(cw.stats, cw.offices(), 2020, date(2020, 12, 24), date(2020, 12, 24))
    text = str(report["paragraph"])
    seen, wrong = rates_that_disagree(text)
    assert seen >= 1 and wrong == [], (wrong, text)
    assert "共调解纠纷13件，调解成功10件，调解成功率76.92%" in text
    assert rates_that_disagree("共调解7454件，调解成功7135件，调解成功率98.18%")[1]


# -- bad input: refused with its field named, nothing written ----------------------------------


def test_an_unknown_committee_is_refused(cw: Casework) -> None:
    error = invalid(cw, lambda: M.register(cw, "2020-03-02", values={"committee": "nowhere"}))
    assert "nowhere" in str(error)
    admin = cw.acting("admin")
    invalid(cw, lambda: admin.add_mediator("li_ming", "李明", "nowhere", since="2020-01-01"))
    invalid(cw, lambda: admin.move_mediator(M.MED, "nowhere", "2020-06-01"))
    invalid(cw, lambda: cw.committee("nowhere"))


@pytest.mark.parametrize("measure", ["criminal:x:1", "arson:1:2", "criminal:1", "criminal:-1:2"])
def test_a_bad_measure_is_refused(cw: Casework, measure: str) -> None:
    clerk = cw.acting(M.CLERK)
    error = invalid(
        cw,
        lambda: clerk.log_screening("panzhou", "2020-05-10", "routine", 1, 1, measures=[measure]),
    )
    assert isinstance(error, InvalidData) and "measure" in str(error.field)


AGREEMENT = {"form": "written", "amount": "100", "performance": "lump_sum"}
BAD_AGREEMENTS: Mapping[str, tuple[dict[str, str], str | None]] = {
    "malformed effective_on": (
        {"effective_on": "2020-02-30", "perform_by": "2020-03-20"},
        None,
    ),
    "effective_on not a date": ({"effective_on": "昨天", "perform_by": "2020-03-20"}, None),
    "perform_by before effective_on": (
        {"effective_on": "2020-03-03", "perform_by": "2020-03-02"},
        "perform_by_valid",
    ),
    "an amount of -1": ({"amount": "-1", "perform_by": "2020-03-20"}, None),
    "an amount with decimals": ({"amount": "12.5", "perform_by": "2020-03-20"}, None),
}


@pytest.mark.parametrize("name", list(BAD_AGREEMENTS))
def test_a_bad_agreement_is_refused(cw: Casework, name: str) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    values, rule = BAD_AGREEMENTS[name]
    med = cw.acting(M.MED)
    step = lambda: med.advance(case_no, "agree", {**AGREEMENT, **values}, at="2020-03-04")  # noqa: E731
    if rule is not None:
        refused(cw, step, rule)
        return
    error = invalid(cw, step)
    assert isinstance(error, InvalidData)
    field = next(f"value.{k}" for k in ("effective_on", "amount") if k in values)
    assert error.field == field, (error.field, str(error))
    assert cw.show(case_no)["state"] == "mediating"
