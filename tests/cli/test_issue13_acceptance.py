"""Issue 13's acceptance through the command line (``casework ...`` with the CliRunner of
tests/helpers.py), on SQLite and PostgreSQL: each refusal one line naming its guard or option,
exit 1 (2 for usage), nothing written; the form of a January-November world with its ties,
explain lists and xlsx; the annual text's rates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from casework.api import Casework
from tests import mediations as M
from tests.api.test_issue13_acceptance import (
    EXPECTED,
    FIX,
    JAN_NOV,
    add_committees,
    archived_in_q3,
    build_world,
    rates_that_disagree,
    written,
)
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, dump

CASE_NO_OK = "（2020）粤0981民特22号"


def advance(cli: Cli, user: str, case_no: str, trigger: str, *sets: str, at: str) -> Result:
    args = ["case", "advance", case_no, trigger, "--at", at, "--json"]
    for given in sets:
        args += ["--set", given]
    return cli(*args, user=user)


def refused(cli: Cli, cw: Casework, args: tuple[str, ...], user: str | None, code: int = 1) -> str:
    """The one error line of a refused command; the database is as it was."""
    before = dump(cw.engine)
    line = error_line(cli(*args, user=user), code)
    assert dump(cw.engine) == before
    return line


def step_refused(
    cli: Cli, cw: Casework, user: str, case_no: str, trigger: str, *sets: str, at: str
) -> str:
    args = (
        "case",
        "advance",
        case_no,
        trigger,
        "--at",
        at,
        *[x for s in sets for x in ("--set", s)],
    )
    return refused(cli, cw, args, user)


def sets(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(f"{k}={v}" for k, v in values.items())


# -- the mediation guards ----------------------------------------------------------------------


def test_accept_with_one_party_is_refused_naming_two_sides(cli: Cli, cw: Casework) -> None:
    case_no = M.register(cw, "2020-03-02", parties=["applicant:甲某"])
    M.doc(cw, M.CLERK, case_no, "rights_notice", "2020-03-02")
    given = ("mediator=med_pz", "rights_told=written")
    line = step_refused(cli, cw, M.MED, case_no, "accept", *given, at="2020-03-02")
    assert "two_sides" in line and "被申请人 0 人" in line
    registered = cli(
        "case",
        "register",
        "mediation",
        "--office",
        "panzhou",
        "--title",
        "邻里纠纷",
        "--party",
        "applicant:甲某",
        "--party",
        "respondent:乙某",
        "--at",
        "2020-03-02T09:00",
        "--json",
        user=M.CLERK,
    )
    assert registered.exit_code == 0, registered.stderr
    other = json.loads(registered.stdout)["case_no"]
    M.doc(cw, M.CLERK, other, "application", "2020-03-02T09:00")
    M.doc(cw, M.CLERK, other, "rights_notice", "2020-03-02T09:00")
    done = advance(cli, M.MED, other, "受理", *given, at="2020-03-02T10:00")
    assert done.exit_code == 0 and json.loads(done.stdout)["state"] == "mediating"


def test_agree_by_a_mediator_not_on_the_case_is_refused(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    terms = sets(written("2020-03-03", "2020-03-20"))
    line = step_refused(cli, cw, M.MED2, case_no, "agree", *terms, at="2020-03-03")
    assert "agreed_by_on_case" in line and "med2_pz" in line
    named = (*terms, "agreed_by=med2_pz")
    assert "agreed_by_on_case" in step_refused(
        cli, cw, M.MED, case_no, "agree", *named, at="2020-03-03"
    )
    done = advance(cli, M.MED, case_no, "达成协议", *terms, at="2020-03-03")
    assert json.loads(done.stdout)["event"]["data"]["agreed_by"] == M.MED


def test_confirmation_day_30_allowed_day_31_refused_ruling_later(cli: Cli, cw: Casework) -> None:
    late, in_time = M.accepted(cw, "2020-03-02"), M.accepted(cw, "2020-03-02")
    for case_no in (late, in_time):
        M.agree(cw, case_no, "2020-03-04", written("2020-03-02", "2020-05-01"))
    apply = ("court=高州市人民法院", "joint=yes")
    line = step_refused(cli, cw, M.CLERK, late, "apply_confirmation", *apply, at="2020-04-02")
    assert "confirmation_window" in line and "2020-04-01" in line
    ok = advance(cli, M.CLERK, in_time, "申请司法确认", *apply, at="2020-04-01")
    assert ok.exit_code == 0, ok.stderr
    ruling = ("ruling=确认有效", f"court_case_no={CASE_NO_OK}", "ruled_on=2020-04-20")
    ruled = advance(cli, M.CLERK, in_time, "confirm", *ruling, at="2020-04-22")
    assert ruled.exit_code == 0, ruled.stderr
    data = json.loads(ruled.stdout)["event"]["data"]
    assert (data["ruling"], data["ruled_on"]) == ("confirmed", "2020-04-20")


def test_oral_money_warns_by_default_and_refuses_once_set(cli: Cli, cw: Casework) -> None:
    shown = json.loads(cli("config", "show", "mediation.oral_money", "--json").stdout)
    assert (shown["value"], shown["default"]) == ("warn", "warn")
    oral = ("form=oral", "amount=3000", "performance=on_the_spot")
    first = M.accepted(cw, "2020-03-02")
    warned = cli(
        "case",
        "advance",
        first,
        "agree",
        "--at",
        "2020-03-03",
        *[x for s in oral for x in ("--set", s)],
        user=M.MED,
    )
    assert warned.exit_code == 0, warned.stderr
    assert "oral_money" in " ".join(warned.stdout.split()) + warned.stderr
    setting = cli(
        "config", "set", "mediation.oral_money", "refuse", "--from", "2020-04-01", user="admin"
    )
    assert setting.exit_code == 0, setting.stderr
    second = M.accepted(cw, "2020-04-02")
    line = step_refused(cli, cw, M.MED, second, "agree", *oral, at="2020-04-03")
    assert "oral_money" in line
    bad = ("config", "set", "mediation.oral_money", "sometimes", "--from", "2020-05-01")
    assert "mediation.oral_money" in refused(cli, cw, bad, "admin")


def test_due_lists_a_passed_perform_by_as_a_reminder_not_overdue(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    M.agree(cw, case_no, "2020-03-04", written("2020-03-04", "2020-03-20"))
    args = ("due", "--within", "0", "--as-of", "2020-04-10", "--kind", "mediation")
    rows = [r for r in json.loads(cli(*args, "--json").stdout) if r["case_no"] == case_no]
    assert [(r["limit"], r["label"], r["overdue"]) for r in rows] == [
        ("perform_reminder", "督促履行", False)
    ]
    table = cli(*args)
    assert case_no in table.stdout and "督促履行" in table.stdout and "超期" not in table.stdout
    late = json.loads(cli("case", "list", "--kind", "mediation", "--overdue", "--json").stdout)
    assert case_no not in [c["case_no"] for c in late]


def test_on_the_spot_agreement_is_agree_and_perform_at_one_instant(cli: Cli, cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    M.doc(cw, M.CLERK, case_no, "agreement", "2020-03-02T15:00")
    spot = ("form=written", "amount=1500", "performance=当场履行")
    done = advance(cli, M.MED, case_no, "agree", *spot, at="2020-03-02T15:30")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "performed"
    shown = json.loads(cli("case", "show", case_no, "--json").stdout)
    agree, perform = shown["history"][-2:]
    assert (agree["trigger"], perform["trigger"]) == ("agree", "perform")
    assert agree["occurred_at"] == perform["occurred_at"]


def test_a_moved_mediator_cannot_accept_for_the_old_committee(cli: Cli, cw: Casework) -> None:
    moved = cli(
        "mediator",
        "move",
        M.MED,
        "--committee",
        "shanmei-tj",
        "--from",
        "2020-06-01",
        "--json",
        user="admin",
    )
    assert moved.exit_code == 0, moved.stderr
    on_eve, after = M.register(cw, "2020-05-31"), M.register(cw, "2020-06-02")
    for case_no, day in ((on_eve, "2020-05-31"), (after, "2020-06-02")):
        M.doc(cw, M.CLERK, case_no, "rights_notice", day)
    given = ("mediator=med_pz", "rights_told=written")
    assert advance(cli, M.SUP, on_eve, "accept", *given, at="2020-05-31").exit_code == 0
    line = step_refused(cli, cw, M.SUP, after, "accept", *given, at="2020-06-02")
    assert "mediator_in_committee" in line and "panzhou-tj" in line
    listed = json.loads(
        cli("mediator", "list", "--committee", "shanmei-tj", "--on", "2020-06-02", "--json").stdout
    )
    assert M.MED in {m["username"] for m in listed}
    # the new committee's case is the moved mediator's own to accept
    shanmei = M.register(cw, "2020-06-02", office="shanmei", user="clerk_sm")
    M.doc(cw, "clerk_sm", shanmei, "rights_notice", "2020-06-02")
    taken = advance(cli, M.MED, shanmei, "accept", *given, at="2020-06-02T10:00")
    assert taken.exit_code == 0, taken.stderr


# -- committees and screening ------------------------------------------------------------------


def _figure(cli: Cli, metric: str, start: str, end: str) -> Any:
    out = cli("stats", "--from", start, "--to", end, "--metric", metric, "--json")
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)["metrics"][metric]


def test_committees_are_counted_by_type(cli: Cli, cw: Casework) -> None:
    q1 = ("2020-01-01", "2020-03-31")
    stock = {t: _figure(cli, f"org.committees.{t}", *q1) for t in ("village", "industry")}
    added = [
        ("pz-xc", "新村村人民调解委员会", "village", "panzhou", ()),
        ("pz-dc", "东村村人民调解委员会", "village", "panzhou", ()),
        (
            "gz-ld",
            "高州市劳动争议人民调解委员会",
            "industry",
            "city-justice",
            ("--subtype", "labour"),
        ),
    ]
    for code, name, kind, office, extra in added:
        done = cli(
            "committee",
            "add",
            code,
            "--name",
            name,
            "--type",
            kind,
            "--office",
            office,
            *extra,
            "--from",
            "2020-01-01",
            user="admin",
        )
        assert done.exit_code == 0, done.stderr
    assert _figure(cli, "org.committees.village", *q1) == stock["village"] + 2
    assert _figure(cli, "org.committees.industry", *q1) == stock["industry"] + 1
    assert _figure(cli, "org.committees.industry.labour", *q1) == 1
    explained = json.loads(
        cli(
            "stats", "explain", "org.committees.village", "--from", q1[0], "--to", q1[1], "--json"
        ).stdout
    )
    assert {"pz-xc", "pz-dc"} <= {i["committee"] for i in explained["items"]}
    assert len(explained["items"]) == explained["value"] == stock["village"] + 2


def test_cases_linked_to_a_screening_never_exceed_what_it_found(cli: Cli, cw: Casework) -> None:
    logged = cli(
        "screening",
        "log",
        "--office",
        "panzhou",
        "--date",
        "2020-05-10",
        "--kind",
        "routine",
        "--found",
        "1",
        "--prevented",
        "0",
        "--json",
        user=M.CLERK,
    )
    assert logged.exit_code == 0, logged.stderr
    entry = str(json.loads(logged.stdout)["id"])
    args = (
        "case",
        "register",
        "mediation",
        "--office",
        "panzhou",
        "--title",
        "排查发现的纠纷",
        "--party",
        "applicant:甲某",
        "--party",
        "respondent:乙某",
        "--set",
        "source=screening",
        "--set",
        f"screening={entry}",
        "--json",
    )
    first = cli(*args, "--at", "2020-05-11T09:00", user=M.CLERK)
    assert first.exit_code == 0, first.stderr
    line = refused(cli, cw, (*args, "--at", "2020-05-12T09:00"), M.CLERK)
    assert "screening" in line and "found" in line
    shown = json.loads(cli("screening", "show", entry, "--json").stdout)
    assert [c["case_no"] for c in shown["cases"]] == [json.loads(first.stdout)["case_no"]]


# -- 以案定补 ----------------------------------------------------------------------------------

Q3 = ("--quarter", "2020Q3")


def _draft(cli: Cli) -> list[str]:
    out = cli("subsidy", "draft", *Q3, "--office", "panzhou", "--json", user=M.CLERK)
    assert out.exit_code == 0, out.stderr
    return sorted(json.loads(out.stdout)["drafted"])


def test_a_returned_claim_is_resubmitted_and_approved_in_its_quarter(
    cli: Cli, cw: Casework, clock: FrozenClock
) -> None:
    clock.set("2020-10-09T09:00")
    case_no = archived_in_q3(cw)
    (claim,) = _draft(cli)
    back = cli(
        "subsidy",
        "send-back",
        claim,
        "--reason",
        FIX["reason"],
        "--to-fix",
        FIX["to_fix"],
        "--json",
        user=M.SUP,
    )
    assert back.exit_code == 0 and json.loads(back.stdout)["state"] == "returned"
    check = json.loads(cli("subsidy", "check", case_no, *Q3, "--json").stdout)
    assert any(f"subsidy resubmit {claim}" in r["message"] for r in check["rules"])
    assert _draft(cli) == []
    clock.set("2020-10-13T09:00")
    again = cli("subsidy", "resubmit", claim, "--note", "已补签名", user=M.CLERK)
    assert again.exit_code == 0, again.stderr
    assert cli("subsidy", "town-check", *Q3, user=M.SUP).exit_code == 0
    approved = cli("subsidy", "approve", *Q3, "--json", user="sup_justice")
    assert approved.exit_code == 0 and json.loads(approved.stdout)["claims"] == [claim]
    shown = json.loads(cli("case", "show", claim, "--json").stdout)
    assert (shown["state"], shown["data"]["quarter"]) == ("approved", "2020Q3")
    figures = cli("subsidy", "figures", "--from", "2020-07-01", "--to", "2020-09-30", "--json")
    assert json.loads(figures.stdout)["subsidy.cases"] == 1


def test_the_same_admin_may_not_check_and_approve(cli: Cli, cw: Casework) -> None:
    archived_in_q3(cw)
    (claim,) = _draft(cli)
    assert cli("case", "advance", claim, "check", user="admin").exit_code == 0
    one = refused(cli, cw, ("case", "advance", claim, "approve"), "admin")
    assert "not_checker" in one
    bulk = refused(cli, cw, ("subsidy", "approve", *Q3), "admin")
    assert "not_checker" in bulk
    assert cli("subsidy", "approve", *Q3, user="sup_justice").exit_code == 0


def test_the_same_parties_second_case_is_refused_until_distinct_dispute(
    cli: Cli, cw: Casework
) -> None:
    sides = ("applicant:甲某:440981199001011239", "respondent:乙某:440981198001015673")
    first = archived_in_q3(cw, sides, dispute_type="housing_homestead")
    _draft(cli)
    second = archived_in_q3(cw, sides, dispute_type="housing_homestead")
    verdict = json.loads(cli("subsidy", "check", second, *Q3, "--json").stdout)
    failed = [r for r in verdict["rules"] if not r["passed"]]
    assert [r["rule"] for r in failed] == ["same_parties_not_subsidised"]
    assert first in failed[0]["message"] and verdict["eligible"] is False
    assert "same_parties_not_subsidised" in cli("subsidy", "check", second, *Q3).stdout
    assert _draft(cli) == []
    clerk = refused(
        cli, cw, ("case", "advance", second, "distinct_dispute", "--set", "reason=另一宗"), M.CLERK
    )
    assert "distinct_dispute" in clerk or "确认非同一纠纷" in clerk
    done = cli(
        "case", "advance", second, "确认非同一纠纷", "--set", "reason=另一处宅基地", user=M.SUP
    )
    assert done.exit_code == 0, done.stderr
    (claim,) = _draft(cli)
    assert (
        json.loads(cli("case", "show", claim, "--json").stdout)["data"]["mediation_case"] == second
    )


# -- the January-November world ----------------------------------------------------------------

FORM = (
    "report",
    "mediation-form",
    "--from",
    JAN_NOV[0],
    "--to",
    JAN_NOV[1],
    "--as-of",
    "2020-12-24",
)


@pytest.fixture
def year(cw: Casework, clock: FrozenClock) -> dict[str, str]:
    return build_world(cw, clock)


def _rows(form: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {(s["title"], r["label"]): r for s in form["sections"] for r in s["rows"]}


def test_the_form_holds_every_tie_and_each_figure_has_its_explain_list(
    cli: Cli, year: dict[str, str]
) -> None:
    result = cli(*FORM, "--format", "json")
    assert result.exit_code == 0, result.stderr
    form = json.loads(result.stdout)
    assert form["failed"] == [] and all(t["ok"] for t in form["ties"])
    got = _rows(form)
    assert {k: got[k]["value"] for k in EXPECTED} == EXPECTED
    counted = 0
    for (title, label), row in got.items():
        if row["unit"] in ("%", "万元") or label.endswith("（人）"):
            continue  # a rate, an amount or people: no list of things one each
        total = 0
        for metric in row["metrics"]:
            shown = cli(
                "stats",
                "explain",
                metric,
                "--from",
                JAN_NOV[0],
                "--to",
                JAN_NOV[1],
                "--as-of",
                "2020-12-24",
                "--json",
            )
            assert shown.exit_code == 0, shown.stderr
            items = json.loads(shown.stdout)["items"]
            total += sum(int(i.get("value", 1)) for i in items)
        assert total == row["value"], (title, label, row)
        counted += 1
    assert counted > 40
    text = cli(*FORM)
    assert text.exit_code == 0 and "调解成功率：76.92%" in text.stdout


def test_a_broken_tie_exits_1_naming_it(
    cli: Cli, cw: Casework, year: dict[str, str], clock: FrozenClock
) -> None:
    clock.set("2020-11-25T16:00")
    untyped = M.register(cw, "2020-11-25T10:00", values={"source": "application"})
    M.accept(cw, untyped, "2020-11-25T10:00")
    clock.set("2020-12-24T18:00")
    result = cli(*FORM, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failed"] == ["四、类型 = 调解纠纷"]
    assert result.stderr.splitlines() == [
        "Error: 核对不符 tie failed：四、类型 = 调解纠纷（13 ≠ 14，mediation.mediated）"
    ]
    # before that case was accepted, the same period held (as-of reads the database then)
    earlier = cli(
        "report",
        "mediation-form",
        "--from",
        JAN_NOV[0],
        "--to",
        JAN_NOV[1],
        "--as-of",
        "2020-11-24",
        "--format",
        "json",
    )
    assert earlier.exit_code == 0, earlier.stderr


def test_the_form_as_xlsx_loads_with_its_figures(
    cli: Cli, year: dict[str, str], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "2020年1-11月.xlsx"
    made = cli(*FORM, "--format", "xlsx", "--output", str(out))
    assert made.exit_code == 0, made.stderr
    sheet = load_workbook(out).active
    values = {}
    for section, label, value, unit, *_ in sheet.iter_rows(min_row=3):
        if label.value:
            # A rate is a number shown as a percentage (issue 17 point 1): 0.7692 is 76.92%.
            rate = unit.value == "%"
            assert not rate or value.number_format.endswith("%"), value.number_format
            shown = round(value.value * 100, 2) if rate else value.value
            values[(section.value, label.value)] = shown
    assert {k: values[k] for k in EXPECTED} == EXPECTED
    json_rows = _rows(json.loads(cli(*FORM, "--format", "json").stdout))
    assert {k: r["value"] for k, r in json_rows.items()} == {k: values[k] for k in json_rows}


def test_the_annual_text_has_no_rate_that_disagrees(cli: Cli, year: dict[str, str]) -> None:
    result = cli("report", "annual", "--year", "2020", "--date", "2020-12-24")
    assert result.exit_code == 0, result.stderr
    text = "".join(result.stdout.split())
    seen, wrong = rates_that_disagree(text)
    assert seen >= 1 and wrong == [], (wrong, text)
    assert "共调解纠纷13件，调解成功10件，调解成功率76.92%" in text


# -- bad input ---------------------------------------------------------------------------------


def test_an_unknown_committee_is_refused(cli: Cli, cw: Casework) -> None:
    register = (
        "case",
        "register",
        "mediation",
        "--office",
        "panzhou",
        "--title",
        "某纠纷",
        "--party",
        "applicant:甲某",
        "--party",
        "respondent:乙某",
        "--set",
        "committee=nowhere",
    )
    assert "nowhere" in refused(cli, cw, register, M.CLERK)
    mediator = ("mediator", "add", "li_ming", "--name", "李明", "--committee", "nowhere")
    assert refused(cli, cw, mediator, "admin").endswith("(--committee)")
    refused(cli, cw, ("committee", "show", "nowhere"), None)


@pytest.mark.parametrize("measure", ["criminal:x:1", "arson:1:2", "criminal:1"])
def test_a_bad_measure_is_refused(cli: Cli, cw: Casework, measure: str) -> None:
    args = (
        "screening",
        "log",
        "--office",
        "panzhou",
        "--date",
        "2020-05-10",
        "--kind",
        "routine",
        "--found",
        "1",
        "--prevented",
        "1",
        "--measure",
        measure,
    )
    assert refused(cli, cw, args, M.CLERK).endswith("(--measure)")


@pytest.mark.parametrize(
    ("given", "named"),
    [
        (("effective_on=2020-02-30", "perform_by=2020-03-20"), "effective_on"),
        (("effective_on=2020-03-03", "perform_by=2020-03-02"), "perform_by_valid"),
        (("amount=-1", "perform_by=2020-03-20"), "amount"),
    ],
)
def test_a_bad_agreement_is_refused(
    cli: Cli, cw: Casework, given: tuple[str, ...], named: str
) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    base: tuple[str, ...] = ("form=written", "performance=lump_sum")
    if named != "amount":
        base += ("amount=100",)
    line = step_refused(cli, cw, M.MED, case_no, "agree", *base, *given, at="2020-03-04")
    assert named in line


def test_a_negative_cap_is_refused(cli: Cli, cw: Casework) -> None:
    args = ("subsidy", "cap", "set", "--from", "2020-01-01", "--yuan", "-1", "--per", "quarter")
    line = refused(cli, cw, args, "admin")
    assert "--yuan" in line


def test_committees_of_the_world_are_on_the_form(cli: Cli, cw: Casework) -> None:
    add_committees(cw)
    form = json.loads(
        cli(
            "report",
            "mediation-form",
            "--from",
            "2020-03-01",
            "--to",
            "2020-03-31",
            "--format",
            "json",
        ).stdout
    )
    got = _rows(form)
    assert got[("一、组织", "　其中医疗")]["value"] == 1
    assert got[("一、组织", "村(居)调委会")]["value"] == 2
