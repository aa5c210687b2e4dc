"""以案定补: each rule failing alone, and a quarter run end to end."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Mapping, Sequence

import pytest

from casework.api import Casework
from casework.errors import CaseworkError, GuardFailed, InvalidData, NotAllowed
from tests import mediations as M
from tests.helpers import Cli, FrozenClock, dump
from tests.sheets import assert_table_form, assert_totals_show


@pytest.fixture
def justice(cw: Casework) -> Casework:
    """A supervisor at the city justice bureau (``sup_justice`` of tests/helpers.py STAFF)
    approves claims; the hotline's supervisor is added here."""
    cw.acting("admin").add_user("sup_hotline", "热线科长", "supervisor", "city-hotline")
    return cw


def mediate(
    cw: Casework,
    *,
    office: str = "panzhou",
    accepted: str = "2020-07-01",
    agreed: str = "2020-07-10",
    form: str = "written",
    outcome: str = "perform",
    archived: str | None = "2020-08-20",
    mediator: str = "med_pz",
    link: str | None = None,
    parties: Sequence[str] = M.SIDES,
    values: Mapping[str, str] | None = None,
    agreement: Mapping[str, str] | None = None,
) -> str:
    """A mediation case taken as far as asked (tests/mediations.py): two sides, accepted,
    agreed, performed (or breached and told its routes, or failed), followed up, its file
    complete, and archived."""
    clerk = "clerk_pz" if office == "panzhou" else "clerk_sm"
    sup = "sup_pz" if office == "panzhou" else "sup_sm"
    case_no = M.register(
        cw, accepted, parties=parties, values=values, office=office, link=link, user=clerk
    )
    M.accept(cw, case_no, accepted, mediator=mediator, clerk=clerk)
    if outcome == "fail":
        M.fail(cw, case_no, agreed, mediator=mediator, clerk=clerk)
    else:
        M.agree(cw, case_no, agreed, {"form": form, **(agreement or {})}, mediator, clerk)
        cw.acting(clerk).advance(case_no, outcome, at=agreed)
        if outcome == "breach":
            cw.acting(clerk).advance(case_no, "refer", {"route": "litigation"}, at=agreed)
    M.follow_up(cw, case_no, agreed, clerk)
    if archived:
        cw.acting(sup).advance(case_no, "archive", at=archived)
    return case_no


def failed_rules(cw: Casework, case_no: str, quarter: str = "2020Q3") -> dict[str, str]:
    result = cw.subsidy.check(case_no, quarter)
    return {r["rule"]: r["message"] for r in result["rules"] if not r["passed"]}


def test_an_eligible_case_passes_every_rule(justice: Casework) -> None:
    result = justice.subsidy.check(mediate(justice), "2020Q3")
    assert result["eligible"] is True, result
    assert [r["rule"] for r in result["rules"]] == [
        "archived",
        "agreement_performed",
        "oral_agreement",
        "case_file_complete",
        "mediator_registered",
        "payee_reached_agreement",
        "not_subsidised_before",
        "dispute_not_subsidised",
        "same_parties_not_subsidised",
        "archived_in_quarter",
        "committee_type_eligible",
    ]


def _paid(cw: Casework, case_no: str) -> None:
    claim = cw.acting("clerk_pz").subsidy.draft("2020Q3")["drafted"]
    assert claim
    cw.acting("sup_pz").advance(claim[0], "check")
    cw.acting("sup_justice").advance(claim[0], "approve")
    cw.acting("admin").advance(claim[0], "pay", {"batch": "2020-3"})


def _lose_record(case_no: str, cw: Casework) -> str:
    """An archived case whose file lost its record (as in a ledger imported from paper):
    casework itself never archives an incomplete file."""
    from sqlalchemy import delete, select

    from casework.storage.tables import cases, documents

    with cw.engine.begin() as conn:
        case_id = conn.execute(select(cases.c.id).where(cases.c.case_no == case_no)).scalar()
        conn.execute(
            delete(documents).where(documents.c.case_id == case_id, documents.c.kind == "record")
        )
    return case_no


CASES: dict[str, tuple[Callable[[Casework], str], str, str]] = {
    "not archived": (lambda cw: mediate(cw, archived=None), "archived", "not archived"),
    "agreement not performed": (
        lambda cw: mediate(cw, outcome="breach"),
        "agreement_performed",
        "not performed",
    ),
    "mediation failed": (
        lambda cw: mediate(cw, outcome="fail"),
        "agreement_performed",
        "no agreement",
    ),
    "oral agreement before its date": (
        lambda cw: mediate(cw, form="oral"),
        "oral_agreement",
        "before 2024-01-01",
    ),
    "incomplete file": (
        lambda cw: _lose_record(mediate(cw), cw),
        "case_file_complete",
        "missing: record",
    ),
    "archive date outside the quarter": (
        lambda cw: mediate(cw, archived="2020-10-09"),
        "archived_in_quarter",
        "outside 2020Q3",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_failing_alone(justice: Casework, name: str) -> None:
    make, rule, words = CASES[name]
    failed = failed_rules(justice, make(justice))
    assert list(failed) == [rule], failed
    assert words in failed[rule]


def test_oral_agreement_after_its_effective_date_counts(
    justice: Casework, clock: FrozenClock
) -> None:
    clock.set("2024-06-30T12:00")
    case_no = mediate(
        justice, form="oral", accepted="2024-04-01", agreed="2024-04-10", archived="2024-05-20"
    )
    result = justice.subsidy.check(case_no, "2024Q2")
    oral = next(r for r in result["rules"] if r["rule"] == "oral_agreement")
    assert result["eligible"] and oral["passed"] and oral["effective_from"] == "2024-01-01"
    justice.acting("admin").subsidy.set_oral_agreements_from("2024-07-01")
    assert list(failed_rules(justice, case_no, "2024Q2")) == ["oral_agreement"]


def test_unregistered_mediator(justice: Casework) -> None:
    case_no = mediate(justice, mediator="med2_pz")
    # the mediator leaves and is re-registered as a clerk; the case can no longer be paid
    with justice.engine.begin() as conn:
        from sqlalchemy import update

        from casework.storage.tables import users

        conn.execute(update(users).where(users.c.username == "med2_pz").values(role="clerk"))
    failed = failed_rules(justice, case_no)
    assert list(failed) == ["mediator_registered"]
    assert "med2_pz" in failed["mediator_registered"]


def test_already_paid_and_linked_case_already_paid(justice: Casework) -> None:
    first = mediate(justice)
    _paid(justice, first)
    failed = failed_rules(justice, first)
    assert list(failed) == ["not_subsidised_before"]
    assert "(paid)" in failed["not_subsidised_before"]
    second = mediate(justice, link=first)  # the same dispute, mediated again
    failed = failed_rules(justice, second)
    assert list(failed) == ["dispute_not_subsidised"]
    assert first in failed["dispute_not_subsidised"]


def test_linked_cases_of_one_dispute_yield_one_claim(justice: Casework) -> None:
    first = mediate(justice)
    second = mediate(justice, link=first)
    result = justice.acting("clerk_pz").subsidy.draft("2020Q3")
    assert len(result["drafted"]) == 1
    assert [i["case_no"] for i in result["ineligible"]] == [second]
    assert result["ineligible"][0]["failed"] == ["dispute_not_subsidised"]


def test_a_quarter_end_to_end(
    justice: Casework, cli: Cli, clock: FrozenClock, tmp_path: os.PathLike[str]
) -> None:
    cw = justice
    good = [mediate(cw) for _ in range(3)] + [mediate(cw, office="shanmei", mediator="med_sm")]
    late = mediate(cw, archived="2020-10-12")  # archived in Q4
    # the scale changes during the quarter: the amount in force on 2020-09-30 applies
    cw.acting("admin").subsidy.set_scale("2020-08-01", {"ordinary": "300"})
    cw.acting("admin").subsidy.set_scale("2020-10-01", {"ordinary": "400"})

    drafted = cli("subsidy", "draft", "--quarter", "2020Q3", "--json", user="sup_city")
    assert drafted.exit_code == 0, drafted.stderr
    first = json.loads(drafted.stdout)
    assert set(first) >= {"quarter", "drafted", "ineligible"} and first["quarter"] == "2020Q3"
    assert len(first["drafted"]) == 4 and late not in json.dumps(first)
    claim = cw.show(first["drafted"][0])
    assert claim["kind"] == "subsidy_claim" and claim["state"] == "drafted"
    assert claim["data"]["quarter"] == "2020Q3" and claim["data"]["mediation_case"] in good
    again = json.loads(
        cli("subsidy", "draft", "--quarter", "2020Q3", "--json", user="sup_city").stdout
    )
    assert again["drafted"] == [] and sorted(again["existing"]) == sorted(first["drafted"])

    rejected = first["drafted"][0]
    cw.acting("sup_pz").advance(rejected, "reject", {"reason": "other", "note": "协议书无签名"})
    checked = json.loads(
        cli("subsidy", "town-check", "--quarter", "2020Q3", "--json", user="sup_pz").stdout
    )
    assert len(checked["claims"]) == 2  # panzhou's two left; shanmei is not theirs
    refused = cli(
        "case",
        "advance",
        next(c for c in first["drafted"][1:] if c not in checked["claims"]),
        "check",
        user="sup_city",
    )
    assert refused.exit_code == 1 and "「司法所初审 check」" in refused.stderr
    assert "需由案件所属单位 shanmei 进行" in refused.stderr and "sup_city" in refused.stderr
    cli("subsidy", "town-check", "--quarter", "2020Q3", user="sup_sm")

    town_approve = cli("subsidy", "approve", "--quarter", "2020Q3", user="sup_pz")
    assert town_approve.exit_code == 1 and "city-justice" in town_approve.stderr
    assert len(town_approve.stderr.splitlines()) == 1
    with pytest.raises(NotAllowed):
        cw.acting("sup_hotline").subsidy.advance_quarter("2020Q3", "approve", {"tier": "simple"})
    change = {"tier": "complex", "tier_reason": "涉及多户"}
    one = cw.acting("sup_justice").advance(first["drafted"][1], "approve", change)
    assert one["event"]["data"] == {
        **change,
        "amount": 500,
        "scale_from": "2011-01-01",
        "example": True,
    }
    approved = json.loads(
        cli(
            "subsidy",
            "approve",
            "--quarter",
            "2020Q3",
            "--json",
            user="sup_justice",
        ).stdout
    )
    assert len(approved["claims"]) == 2 and approved["amount"] == 600
    shown = cw.show(approved["claims"][0])["data"]
    assert shown["tier"] == "ordinary" and shown["amount"] == 300

    paid = json.loads(
        cli(
            "subsidy",
            "pay",
            "--quarter",
            "2020Q3",
            "--batch",
            "2020年第三季度",
            "--json",
            user="admin",
        ).stdout
    )
    assert len(paid["claims"]) == 3

    figures = cw.subsidy.figures("2020-01-01", "2020-09-30")
    # one claim is priced from the example scale (complex 500): the amount is no figure
    assert figures["subsidy.cases"] == 3 and figures["subsidy.amount"] is None
    assert len(figures["items"]) == 3 and rejected not in json.dumps(figures)
    assert cw.subsidy.figures("2020-07-01", "2020-08-31")["subsidy.cases"] == 0

    path = os.path.join(str(tmp_path), "2020Q3.xlsx")
    result = cli("subsidy", "sheet", "--quarter", "2020Q3", "--out", path)
    assert result.exit_code == 0, result.stderr
    from openpyxl import load_workbook

    book = load_workbook(path)
    details = book["明细"]
    rows = list(details.iter_rows(min_row=3, values_only=True))
    body, total = rows[:-1], rows[-1]
    assert len(body) == 3 and total[0] == "合计"
    assert total[8] == sum(r[8] for r in body) == 1100
    assert details.cell(row=3, column=9).number_format == "¥#,##0.00"
    for each in book:  # issue 17: the totals show whole (no ###) on every sheet
        assert_totals_show(each)
    assert_table_form(details, 2, landscape=True)
    by_office = list(book["按单位"].iter_rows(min_row=3, values_only=True))
    assert by_office[-1][3] == sum(r[3] for r in by_office[:-1]) == 1100
    csv_rows = list(
        csv.reader(io.StringIO(cli("subsidy", "sheet", "--quarter", "2020Q3", "--csv").stdout))
    )
    # priced from the shipped example scale: the CSV says so first, as the workbook does
    assert csv_rows[0] == ["示例标准，非正式数据 以案定补发放明细 2020Q3"]
    assert csv_rows[1][0] == "单位代码" and csv_rows[-1][8] == "1100"
    assert details["A1"].value == csv_rows[0][0]
    data = json.loads(cli("subsidy", "sheet", "--quarter", "2020Q3", "--json").stdout)
    assert data["total_amount"] == 1100 and len(data["by_mediator"]) == 2


def test_claims_are_not_registered_by_hand(cli: Cli) -> None:
    result = cli(
        "case",
        "register",
        "subsidy_claim",
        "--office",
        "panzhou",
        "--title",
        "t",
        "--set",
        "mediation_case=TJ-2020-panzhou-00001",
        "--set",
        "quarter=2020Q3",
        user="clerk_pz",
    )
    assert result.exit_code == 1 and "subsidy draft" in result.stderr


def test_scale_is_configuration_with_dates(justice: Casework, cli: Cli) -> None:
    shown = json.loads(cli("subsidy", "scale", "show", "--json").stdout)
    assert shown["tiers"]["ordinary"] == {
        "label": "一般",
        "amount": 200,
        "effective_from": "2011-01-01",
        "example": True,
    }
    refused = cli(
        "subsidy", "scale", "set", "--from", "2021-01-01", "ordinary=250", user="sup_justice"
    )
    assert refused.exit_code == 1 and "admin" in refused.stderr
    bad = cli("subsidy", "scale", "set", "--from", "2021-01-01", "ordinary=lots", user="admin")
    assert bad.exit_code == 1
    ok = cli(
        "subsidy", "scale", "set", "--from", "2021-01-01", "ordinary=250", "--json", user="admin"
    )
    assert json.loads(ok.stdout)["scale"]["ordinary"]["amount"] == 250
    later = json.loads(cli("subsidy", "scale", "show", "--on", "2021-03-01", "--json").stdout)
    assert later["tiers"]["ordinary"]["amount"] == 250 and later["tiers"]["simple"]["amount"] == 100
    rules = json.loads(cli("subsidy", "rules", "--json").stdout)
    assert {
        "rule": "oral_agreement",
        "label": "口头协议自生效日起计入",
        "effective_from": "2024-01-01",
    } in rules


# -- returns, two checkers, spot checks, tiers, numbers, the cap (mediation.md 3) ------------


def _drafted(cw: Casework, quarter: str = "2020Q3", office: str = "panzhou") -> list[str]:
    clerk = "clerk_pz" if office == "panzhou" else "clerk_sm"
    return sorted(cw.acting(clerk).subsidy.draft(quarter, office)["drafted"])


def _checked(cw: Casework, quarter: str = "2020Q3", office: str = "panzhou") -> list[str]:
    claims = _drafted(cw, quarter, office)
    sup = "sup_pz" if office == "panzhou" else "sup_sm"
    cw.acting(sup).subsidy.advance_quarter(quarter, "check", {}, office)
    return claims


def test_a_returned_claim_is_resubmitted_and_approved_in_its_quarter(justice: Casework) -> None:
    case_no = mediate(justice)
    (claim,) = _drafted(justice)
    with pytest.raises(GuardFailed, match="send_back_by"):  # the bureau only after the check
        justice.acting("sup_justice").subsidy.advance(claim, "send_back", FIX)
    justice.acting("sup_pz").subsidy.advance(claim, "send_back", FIX)
    assert justice.show(claim)["state"] == "returned"
    failed = failed_rules(justice, case_no)
    assert list(failed) == ["not_subsidised_before"]
    assert f"subsidy resubmit {claim}" in failed["not_subsidised_before"]
    again = justice.acting("clerk_pz").subsidy.draft("2020Q3")
    assert again["drafted"] == [] and again["existing"] == [claim]
    justice.acting("clerk_pz").subsidy.advance(claim, "resubmit", {"note": "已补签名"})
    justice.acting("sup_pz").subsidy.advance(claim, "check")
    done = justice.acting("sup_justice").subsidy.advance(claim, "approve")
    assert done["case_no"] == claim and done["state"] == "approved"
    shown = justice.show(claim)
    assert shown["data"]["quarter"] == "2020Q3" and shown["data"]["tier"] == "ordinary"
    steps = [e["trigger"] for e in shown["history"]]
    assert steps == ["register", "send_back", "resubmit", "check", "approve"]
    assert justice.subsidy.figures("2020-07-01", "2020-09-30")["subsidy.cases"] == 1
    figures = justice.stats("2020-01-01", "2020-12-31")["metrics"]  # events dated today
    assert figures["subsidy.returned"] == 1 and figures["subsidy.cases"] == 1


FIX = {"reason": "协议书缺签名", "to_fix": "补签名"}
PHONED = {"method": "phone", "result": "pass"}


def test_the_checker_may_not_approve_nor_spot_check_even_as_admin(justice: Casework) -> None:
    mediate(justice)
    (claim,) = _drafted(justice)
    admin = justice.acting("admin")
    admin.subsidy.advance(claim, "check")
    before = dump(justice.engine)
    with pytest.raises(GuardFailed, match="not_checker"):
        admin.subsidy.advance(claim, "approve")
    assert dump(justice.engine) == before
    assert justice.acting("sup_justice").subsidy.advance(claim, "approve")["state"] == "approved"


def test_the_same_parties_second_case_waits_for_distinct_dispute(justice: Casework) -> None:
    sides = ("applicant:甲某:440981199001011239", "respondent:乙某:440981198001015673")
    swapped = ("applicant:乙某:440981198001015673", "respondent:甲某:440981199001011239")
    kind = {"dispute_type": "neighbour"}
    first = mediate(justice, parties=sides, values=kind)
    _drafted(justice)
    second = mediate(
        justice, accepted="2020-07-20", agreed="2020-07-25", parties=swapped, values=kind
    )
    other = mediate(
        justice,
        accepted="2020-07-20",
        agreed="2020-07-25",
        parties=sides,
        values={"dispute_type": "labour"},
    )
    failed = failed_rules(justice, second)
    assert (
        list(failed) == ["same_parties_not_subsidised"]
        and first in failed["same_parties_not_subsidised"]
    )
    assert failed_rules(justice, other) == {}  # another type of dispute
    drafted = justice.acting("clerk_pz").subsidy.draft("2020Q3")
    assert [i["case_no"] for i in drafted["ineligible"]] == [second]
    justice.acting("sup_pz").advance(second, "distinct_dispute", {"reason": "另一宗宅基地纠纷"})
    assert failed_rules(justice, second) == {}
    assert len(justice.acting("clerk_pz").subsidy.draft("2020Q3")["drafted"]) == 1


def test_a_rejection_is_final(justice: Casework) -> None:
    case_no = mediate(justice)
    (claim,) = _drafted(justice)
    with pytest.raises(InvalidData, match="reason"):
        justice.acting("sup_pz").subsidy.advance(claim, "reject", {"reason": "不想补"})
    justice.acting("sup_pz").subsidy.advance(claim, "reject", {"reason": "duplicate"})
    assert justice.show(claim)["state"] == "rejected"
    assert "(rejected)" in failed_rules(justice, case_no)["not_subsidised_before"]
    with pytest.raises(CaseworkError, match="resubmit"):
        justice.acting("clerk_pz").subsidy.advance(claim, "resubmit")
    assert justice.stats("2020-01-01", "2020-12-31")["metrics"]["subsidy.rejected"] == 1


def test_the_town_rejects_only_before_its_check(justice: Casework) -> None:
    mediate(justice)
    (claim,) = _checked(justice)
    with pytest.raises(GuardFailed, match="reject_by"):
        justice.acting("sup_pz").subsidy.advance(claim, "reject", {"reason": "ineligible"})
    justice.acting("sup_justice").subsidy.advance(claim, "reject", {"reason": "false_record"})
    assert justice.show(claim)["state"] == "rejected"


def test_the_sample_is_reproducible_and_a_sampled_claim_needs_a_passed_spot_check(
    justice: Casework,
) -> None:
    for _ in range(4):
        mediate(justice)
    mediate(justice, office="shanmei", mediator="med_sm")
    claims = _checked(justice)
    claims += _checked(justice, office="shanmei")
    clerk = justice.acting("clerk_justice")
    first = clerk.subsidy.sample("2020Q3", 0.5, 7)
    assert first["candidates"] == 5 and len(first["sampled"]) == 3  # 2 of 4, 1 of 1
    assert clerk.subsidy.sample("2020Q3", 0.5, 7)["sampled"] == first["sampled"]
    picked = first["sampled"][0]
    history = [e["trigger"] for e in justice.show(picked)["history"]]
    assert history.count("sample") == 1  # drawing again records nothing twice
    sup = justice.acting("sup_justice")
    with pytest.raises(GuardFailed, match="spot_check_passed"):
        sup.subsidy.advance(picked, "approve")
    with pytest.raises(NotAllowed):  # spot checks are the justice bureau's
        justice.acting("sup_sm").subsidy.advance(picked, "spot_check", PHONED)
    clerk.subsidy.advance(picked, "spot_check", PHONED)
    assert sup.subsidy.advance(picked, "approve")["state"] == "approved"
    failing = first["sampled"][1]
    clerk.subsidy.advance(failing, "spot_check", {"method": "visit", "result": "fail"})
    with pytest.raises(GuardFailed, match="spot_check_passed"):
        sup.subsidy.advance(failing, "approve")
    sup.subsidy.advance(failing, "reject", {"reason": "spot_check_failed"})
    figures = justice.stats("2020-01-01", "2020-12-31")["metrics"]
    assert figures["subsidy.spot_checked"] == 2 and figures["subsidy.spot_check_failed"] == 1


def test_a_tier_other_than_the_proposed_needs_a_reason(justice: Casework) -> None:
    mediate(justice, agreement={"amount": "60000"})
    (claim,) = _checked(justice)
    data = justice.show(claim)["data"]
    assert data["proposed_tier"] == "complex" and "amount=60000" in data["tier_basis"]
    sup = justice.acting("sup_justice")
    before = dump(justice.engine)
    with pytest.raises(GuardFailed, match="tier_reason_given"):
        sup.subsidy.advance(claim, "approve", {"tier": "major"})
    assert dump(justice.engine) == before
    done = sup.subsidy.advance(claim, "approve", {"tier": "major", "tier_reason": "涉群体"})
    assert done["event"]["data"]["amount"] == 1000


def test_a_claim_is_numbered_by_the_year_of_its_quarter(
    justice: Casework, clock: FrozenClock
) -> None:
    clock.set("2021-01-20T10:00")
    mediate(justice, accepted="2020-12-01", agreed="2020-12-05", archived="2020-12-28")
    (claim,) = _drafted(justice, "2020Q4")
    assert claim.startswith("BZ-2020-panzhou-")
    mediate(justice, accepted="2021-01-04", agreed="2021-01-05", archived="2021-01-08")
    (later,) = _drafted(justice, "2021Q1")
    assert later == "BZ-2021-panzhou-00001"


def test_the_cap_and_the_example_heading(justice: Casework, cli: Cli) -> None:
    for _ in range(3):
        mediate(justice)
    claims = _checked(justice)
    admin = justice.acting("admin")
    capped = cli(
        "subsidy", "cap", "set", "--from", "2020-01-01", "--yuan", "500", "--per", "quarter",
        "--json", user="admin",
    )  # fmt: skip
    assert capped.exit_code == 0 and json.loads(capped.stdout)["cap"] == "500/quarter"
    justice.acting("sup_justice").subsidy.advance_quarter("2020Q3", "approve")
    sheet = justice.subsidy.sheet("2020Q3")
    paid = {r["claim"]: (r["amount"], r["payable"], r["capped"]) for r in sheet["claims"]}
    assert paid == {
        claims[0]: (200, 200, False),
        claims[1]: (200, 200, False),
        claims[2]: (200, 100, True),
    }
    assert sheet["total_amount"] == 500 and sheet["by_mediator"][0]["amount"] == 500
    assert sheet["example"] and sheet["heading"].startswith("示例标准，非正式数据")
    assert justice.subsidy.figures("2020-07-01", "2020-09-30")["subsidy.amount"] is None
    assert justice.stats("2020-07-01", "2020-09-30")["metrics"]["subsidy.amount"] is None
    shown = cli("subsidy", "sheet", "--quarter", "2020Q3")
    assert "示例标准，非正式数据" in shown.stdout
    # priced from a scale the city set, the amount is a figure
    mediate(justice, archived="2020-09-20")
    admin.subsidy.set_scale(
        "2020-01-01", {"simple": "80", "ordinary": "150", "complex": "400", "major": "800"}
    )
    admin.subsidy.set_cap("2020-01-01", None)
    (fourth,) = _checked(justice)
    justice.acting("sup_justice").subsidy.advance(fourth, "approve")
    real = [r for r in justice.subsidy.sheet("2020Q3")["claims"] if r["claim"] == fourth]
    assert real[0]["amount"] == 150 and not real[0]["example"]


def test_an_amount_priced_from_the_citys_scale_is_a_figure(justice: Casework) -> None:
    justice.acting("admin").subsidy.set_scale(
        "2020-01-01", {"simple": "80", "ordinary": "150", "complex": "400", "major": "800"}
    )
    mediate(justice)
    mediate(justice)
    _checked(justice)
    justice.acting("sup_justice").subsidy.advance_quarter("2020Q3", "approve")
    assert justice.subsidy.figures("2020-07-01", "2020-09-30")["subsidy.amount"] == 300
    assert justice.stats("2020-07-01", "2020-09-30")["metrics"]["subsidy.amount"] == 300
    assert not justice.subsidy.sheet("2020Q3")["example"]
