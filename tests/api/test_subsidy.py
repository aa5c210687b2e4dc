"""以案定补: each rule failing alone, and a quarter run end to end."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable

import pytest

from casework.api import Casework
from casework.errors import NotAllowed
from tests.helpers import Cli, FrozenClock


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
    docs: tuple[str, ...] = ("application", "record", "agreement", "follow_up"),
    mediator: str = "med_pz",
    link: str | None = None,
) -> str:
    """A mediation case taken as far as asked: accepted, agreed, performed, followed up,
    documented and archived."""
    clerk = cw.acting("clerk_pz" if office == "panzhou" else "clerk_sm")
    med = cw.acting(mediator)
    sup = cw.acting("sup_pz" if office == "panzhou" else "sup_sm")
    case_no = clerk.register("mediation", office, "邻里纠纷", at=accepted, link=link)["case_no"]
    med.advance(case_no, "accept", {"mediator": mediator}, at=accepted)
    if outcome == "fail":
        med.advance(case_no, "fail", {"routes_told": "yes"}, at=agreed)
    else:
        med.advance(case_no, "agree", {"form": form}, at=agreed)
        med.advance(case_no, outcome, at=agreed)
    med.advance(case_no, "follow_up", {"satisfaction": "satisfied"}, at=agreed)
    for kind in docs:
        clerk.add_document(case_no, kind, at=agreed)
    if archived:
        sup.advance(case_no, "archive", at=archived)
    return case_no


def failed_rules(cw: Casework, case_no: str, quarter: str = "2020Q3") -> dict[str, str]:
    result = cw.subsidy.check(case_no, quarter)
    return {r["rule"]: r["message"] for r in result["rules"] if not r["passed"]}


def test_an_eligible_case_passes_every_rule(justice: Casework) -> None:
    result = justice.subsidy.check(mediate(justice), "2020Q3")
    assert result["eligible"] is True and len(result["rules"]) == 8
    assert {r["rule"] for r in result["rules"]} == {
        "archived",
        "agreement_performed",
        "oral_agreement",
        "case_file_complete",
        "mediator_registered",
        "not_subsidised_before",
        "dispute_not_subsidised",
        "archived_in_quarter",
    }


def _paid(cw: Casework, case_no: str) -> None:
    claim = cw.acting("clerk_pz").subsidy.draft("2020Q3")["drafted"]
    assert claim
    cw.acting("sup_pz").advance(claim[0], "check")
    cw.acting("sup_justice").advance(claim[0], "approve", {"tier": "ordinary"})
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
        lambda cw: mediate(
            cw, outcome="fail", docs=("application", "record", "termination", "follow_up")
        ),
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
    cw.acting("sup_pz").advance(rejected, "reject", {"reason": "协议书无签名"})
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

    town_approve = cli(
        "subsidy", "approve", "--quarter", "2020Q3", "--tier", "ordinary", user="sup_pz"
    )
    assert town_approve.exit_code == 1 and "city-justice" in town_approve.stderr
    assert len(town_approve.stderr.splitlines()) == 1
    with pytest.raises(NotAllowed):
        cw.acting("sup_hotline").subsidy.advance_quarter("2020Q3", "approve", {"tier": "simple"})
    one = cw.acting("sup_justice").advance(first["drafted"][1], "approve", {"tier": "complex"})
    assert one["event"]["data"] == {"tier": "complex", "amount": 500, "scale_from": "2011-01-01"}
    approved = json.loads(
        cli(
            "subsidy",
            "approve",
            "--quarter",
            "2020Q3",
            "--tier",
            "ordinary",
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
    assert figures["subsidy.cases"] == 3 and figures["subsidy.amount"] == 1100
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
    assert details.cell(row=3, column=9).number_format == "#,##0.00"
    by_office = list(book["按单位"].iter_rows(min_row=3, values_only=True))
    assert by_office[-1][3] == sum(r[3] for r in by_office[:-1]) == 1100
    csv_rows = list(
        csv.reader(io.StringIO(cli("subsidy", "sheet", "--quarter", "2020Q3", "--csv").stdout))
    )
    assert csv_rows[0][0] == "单位代码" and csv_rows[-1][8] == "1100"
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
