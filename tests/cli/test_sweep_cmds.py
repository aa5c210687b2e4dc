"""``casework sweep`` and what ``casework due`` lists of lapsed limits; the reconsideration
procedure on the command line (its diagram, its figures)."""

from __future__ import annotations

import json

from casework.api import Casework
from tests.cli.checks import error_line, mermaid_parts
from tests.helpers import Cli
from tests.reconsiderations import add_reviewers, register


def test_sweep_fires_deem_accept_once(cw: Casework, cli: Cli) -> None:
    add_reviewers(cw)
    case_no = register(cw, "2020-09-28")["case_no"]
    quiet = json.loads(cli("sweep", "--as-of", "2020-10-12", "--json").stdout)
    assert quiet == {"as_of": "2020-10-12", "fired": [], "needs_person": []}
    shown = cli("sweep", "--as-of", "2020-10-13", user="sup_justice")
    assert shown.exit_code == 0 and case_no in shown.stdout and "deem_accept" in shown.stdout
    again = json.loads(cli("sweep", "--as-of", "2020-10-13", "--json").stdout)
    assert again["fired"] == []
    history = json.loads(cli("case", "show", case_no, "--json").stdout)["history"]
    assert [e["trigger"] for e in history].count("deem_accept") == 1


def test_due_and_sweep_list_a_step_that_needs_a_person(cw: Casework, cli: Cli) -> None:
    add_reviewers(cw)
    case_no = register(cw, "2020-09-28")["case_no"]
    cw.acting("rev1").advance(
        case_no, "request_correction", {"items": "身份证明", "days": "7"}, at="2020-09-28"
    )
    rows = json.loads(cli("due", "--as-of", "2020-10-10", "--json").stdout)
    row = next(r for r in rows if r["case_no"] == case_no)
    assert (row["status"], row["step"], row["step_label"]) == (
        "step_due",
        "record_abandonment",
        "视为放弃",
    )
    assert "Deadlines (1)" in cli("due", "--as-of", "2020-10-10").stdout
    swept = json.loads(cli("sweep", "--as-of", "2020-10-10", "--json").stdout)
    assert [r["trigger"] for r in swept["needs_person"]] == ["record_abandonment"]
    assert swept["fired"] == []


def test_sweep_refuses_a_future_day_and_a_viewer(cw: Casework, cli: Cli) -> None:
    line = error_line(cli("sweep", "--as-of", "2021-01-01"), 1, "--as-of")
    assert "as_of" in line
    assert cli("sweep", user="viewer1").exit_code == 1


def test_reconsideration_mermaid_parses(cli: Cli) -> None:
    _, edges = mermaid_parts(cli("workflow", "show", "reconsideration", "--mermaid").stdout)
    assert ("[*]", "received", "") in edges
    assert ("received", "reviewing", "deem_accept") in edges
    assert ("received", "reviewing", "accept") in edges  # one arrow, both labels
    assert ("reviewing", "suspended", "suspend") in edges
    assert ("archived", "[*]", "") in edges


def test_stats_explain_reconsideration_accepted(cw: Casework, cli: Cli) -> None:
    add_reviewers(cw)
    case_no = register(cw, "2020-09-28")["case_no"]
    cli("sweep", "--as-of", "2020-10-13")
    out = json.loads(
        cli("stats", "explain", "reconsideration.accepted", "--from", "2020-01-01", "--json").stdout
    )
    assert out["value"] == 1 and {i.get("case_no") for i in out["items"]} == {case_no}
    shown = json.loads(cli("workflow", "show", "reconsideration", "--json").stdout)
    assert shown["prefix"] == "FY"


def test_the_rules_are_said_to_be_pinned_by_the_day_of_receipt(cw: Casework, cli: Cli) -> None:
    """A reconsideration keeps the law of the day its application was received (received_on),
    not of its registration: the command line says so; a petition's by its registration."""
    add_reviewers(cw)
    done = cli(
        "case", "register", "reconsideration", "--office", "city-justice", "--title", "不服",
        "--party", "applicant:张三", "--party", "respondent:高州市某局",
        "--set", "received_on=2020-09-28", "--set", "respondent_organ=高州市某局",
        "--set", "act=罚款", "--set", "act_kind=penalty", "--set", "learned_on=2020-09-28",
        "--at", "2020-09-29", user="clerk_justice",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert "适用规则 rules: 1999（按收到申请日期 by received_on）" in done.stdout
    rules = " ".join(cli("workflow", "show", "reconsideration", "--rules").stdout.split())
    assert "收到申请日期为 2024-01-01 起 的案件适用" in rules and "登记的案件适用" not in rules
    petition = " ".join(cli("workflow", "show", "petition", "--rules").stdout.split())
    assert "2022-05-01 起登记的案件适用" in petition and "案件按登记日适用" in petition
