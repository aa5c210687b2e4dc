"""Leader-assigned major disputes (领导包案, major_dispute.md) driven through the command line.

The rules the API tests check one by one (tests/api/test_major_dispute.py), here as a user
meets them: exit code 0 and the JSON of each step, or exit code 1 with one error line, Chinese
first, naming the guard that refused; a refused step changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, dump

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def late_clock(clock: FrozenClock) -> Iterator[None]:
    """Today is 2024-06-01: every date of these tests is in the past."""
    clock.set("2024-06-01T10:00")
    yield


@pytest.fixture(autouse=True)
def more_staff(cw: Casework) -> None:
    admin = cw.acting("admin")
    admin.add_user("sup_city2", "信访局副局长", "supervisor", "city-petition")
    admin.add_user("leader2", "副县长", "leader", "city-rule-of-law")


def ok(cli: Cli, user: str, *args: str) -> Any:
    """Run a command that must succeed; its JSON."""
    result = cli(*args, "--json", user=user)
    assert result.exit_code == 0, (args, result.stderr)
    return json.loads(result.stdout)


def refused(cli: Cli, cw: Casework, user: str, rule: str | None, *args: str) -> str:
    """Run a step that must be refused: exit 1, one error line Chinese first naming ``rule``
    (the guard), nothing changed."""
    before = dump(cw.engine)
    line = error_line(cli(*args, user=user), 1)
    text = line.removeprefix("Error: ")
    assert CJK.match(re.sub(r"^[「」\s]+", "", text)[:1]), line
    if rule is not None:
        assert re.search(rf"(?<!\w){re.escape(rule)}(?!\w)", line), (rule, line)
    assert dump(cw.engine) == before
    return line


def advance(case_no: str, trigger: str, at: str, *values: str) -> list[str]:
    args = ["case", "advance", case_no, trigger, "--at", at]
    for value in values:
        args += ["--set", value]
    return args


def doc(cli: Cli, user: str, case_no: str, kind: str, at: str) -> None:
    ok(cli, user, "case", "doc", case_no, kind, "--at", at)


def register(cli: Cli, *extra: str) -> str:
    shown = ok(
        cli,
        "clerk_city",
        "case", "register", "major_dispute", "--office", "panzhou", "--title", "征地补偿纠纷",
        "--at", "2023-03-01", *extra,
    )  # fmt: skip
    assert shown["state"] == "identified"
    return str(shown["case_no"])


def proposed(cli: Cli, user: str = "clerk_city", *values: str) -> str:
    case_no = register(cli)
    doc(cli, user, case_no, "assignment_form", "2023-03-02")
    wanted = values or ("leader=leader1", "unit=镇政府", "due_days=90")
    assert ok(cli, user, *advance(case_no, "propose", "2023-03-02", *wanted))["state"] == "proposed"
    return case_no


def assigned(cli: Cli) -> str:
    case_no = proposed(cli)
    doc(cli, "sup_city", case_no, "approval", "2023-03-03")
    assert ok(cli, "sup_city", *advance(case_no, "assign", "2023-03-03"))["state"] == "assigned"
    return case_no


def resolving(cli: Cli) -> str:
    case_no = assigned(cli)
    doc(cli, "leader1", case_no, "plan", "2023-03-05")
    ok(cli, "leader1", *advance(case_no, "plan", "2023-03-05", "plan=化解方案"))
    return case_no


def term(cli: Cli, case_no: str, as_of: str) -> dict[str, Any]:
    shown = ok(cli, "admin", "case", "show", case_no, "--as-of", as_of)
    return next(d for d in shown["limits"] if d["limit"] == "resolve_limit")


def test_the_whole_procedure_through_the_command_line(cli: Cli) -> None:
    petition = ok(
        cli, "clerk_pz", "case", "register", "petition", "--office", "panzhou",
        "--title", "拖欠工资", "--set", "channel=letter", "--at", "2023-02-20",
    )["case_no"]  # fmt: skip
    case_no = register(cli, "--link", petition)
    doc(cli, "clerk_city", case_no, "assignment_form", "2023-03-02")
    out = ok(
        cli,
        "clerk_city",
        *advance(case_no, "报批包案", "2023-03-02", "leader=leader1", "unit=镇政府"),
    )
    assert out["state"] == "proposed" and out["event"]["trigger"] == "propose"
    doc(cli, "sup_city", case_no, "approval", "2023-03-03")
    out = ok(cli, "sup_city", *advance(case_no, "assign", "2023-03-03"))
    assert out["event"]["from_state"] == "proposed" and out["event"]["to_state"] == "assigned"
    assert term(cli, case_no, "2023-03-04")["date"] == "2023-06-01"
    doc(cli, "leader1", case_no, "plan", "2023-03-05")
    ok(cli, "leader1", *advance(case_no, "plan", "2023-03-05", "plan=化解方案"))
    ok(cli, "sup_city", *advance(case_no, "extend", "2023-04-01", "days=30", "reason=协调"))
    assert term(cli, case_no, "2023-04-02")["date"] == "2023-07-03"
    out = ok(cli, "leader1", *advance(case_no, "resolve", "2023-05-20", "outcome=息诉罢访"))
    assert out["state"] == "resolved"
    doc(cli, "sup_city", case_no, "acceptance", "2023-05-25")
    doc(cli, "sup_city", case_no, "undertaking", "2023-05-25")
    assert ok(cli, "sup_city", *advance(case_no, "verify", "2023-05-25"))["state"] == "closed"
    shown = ok(cli, "admin", "case", "show", case_no)
    assert shown["data"]["outcome"] == "settled" and shown["data"]["origin_case"] == petition
    assert shown["data"]["rules"] == "ba2"
    out = ok(
        cli, "sup_city", *advance(case_no, "reopen", "2023-07-03", "reason=反弹", "due_days=60")
    )
    assert out["state"] == "resolving"
    reopened = term(cli, case_no, "2023-07-04")
    assert reopened["date"] == "2023-09-01" and reopened["start"] == "2023-07-03"


def test_another_leader_is_refused_naming_the_guard(cli: Cli, cw: Casework) -> None:
    case_no = assigned(cli)
    doc(cli, "leader1", case_no, "plan", "2023-03-05")
    line = refused(
        cli, cw, "leader2", "assigned_leader", *advance(case_no, "plan", "2023-03-05", "plan=p")
    )
    assert "leader1" in line
    ok(cli, "leader1", *advance(case_no, "plan", "2023-03-05", "plan=p"))
    refused(
        cli,
        cw,
        "leader2",
        "assigned_leader",
        *advance(case_no, "resolve", "2023-05-20", "outcome=solved"),
    )
    refused(cli, cw, "admin", None, *advance(case_no, "resolve", "2023-05-20", "outcome=solved"))


def test_the_proposer_is_refused_as_approver(cli: Cli, cw: Casework) -> None:
    case_no = proposed(cli, "sup_city")
    doc(cli, "sup_city", case_no, "approval", "2023-03-03")
    line = refused(cli, cw, "sup_city", "not_proposer", *advance(case_no, "assign", "2023-03-03"))
    assert "sup_city" in line
    refused(cli, cw, "sup_justice", "approver", *advance(case_no, "assign", "2023-03-03"))
    refused(cli, cw, "admin", "approver", *advance(case_no, "assign", "2023-03-03"))
    assert ok(cli, "sup_city2", *advance(case_no, "assign", "2023-03-03"))["state"] == "assigned"


def test_propose_refusals(cli: Cli, cw: Casework) -> None:
    case_no = register(cli)
    values = ("leader=leader1", "unit=镇政府")
    refused(cli, cw, "clerk_city", "case_file", *advance(case_no, "propose", "2023-03-02", *values))
    doc(cli, "clerk_city", case_no, "assignment_form", "2023-03-02")
    refused(
        cli,
        cw,
        "clerk_city",
        "due_days_max",
        *advance(case_no, "propose", "2023-03-02", *values, "due_days=181"),
    )
    line = error_line(
        cli(
            *advance(case_no, "propose", "2023-03-02", "leader=sup_city", "unit=u"),
            user="clerk_city",
        )
    )
    assert line.endswith("(--set leader=...)"), line
    refused(cli, cw, "clerk_pz", None, *advance(case_no, "propose", "2023-03-02", *values))


def test_extensions_capped_and_in_time(cli: Cli, cw: Casework) -> None:
    case_no = resolving(cli)
    refused(
        cli,
        cw,
        "sup_city",
        "before_lapse",
        *advance(case_no, "extend", "2023-06-02", "days=10", "reason=r"),
    )
    ok(cli, "sup_city", *advance(case_no, "extend", "2023-05-01", "days=10", "reason=r"))
    ok(cli, "sup_city", *advance(case_no, "extend", "2023-05-02", "days=10", "reason=r"))
    line = refused(
        cli,
        cw,
        "sup_city",
        "extensions_max",
        *advance(case_no, "extend", "2023-05-03", "days=10", "reason=r"),
    )
    assert "2" in line
    refused(
        cli,
        cw,
        "sup_justice",
        "approver",
        *advance(case_no, "extend", "2023-05-03", "days=10", "reason=r"),
    )


def test_the_extension_cap_is_a_dated_setting(cli: Cli, cw: Casework) -> None:
    case_no = resolving(cli)
    ok(cli, "admin", "config", "set", "major_dispute.extensions_max", "1", "--from", "2023-05-01")
    ok(cli, "sup_city", *advance(case_no, "extend", "2023-05-01", "days=10", "reason=r"))
    refused(
        cli,
        cw,
        "sup_city",
        "extensions_max",
        *advance(case_no, "extend", "2023-05-02", "days=10", "reason=r"),
    )


def test_verify_needs_acceptance_after_the_resolve_and_the_undertaking(
    cli: Cli, cw: Casework
) -> None:
    petition = ok(
        cli, "clerk_pz", "case", "register", "petition", "--office", "panzhou",
        "--title", "拖欠工资", "--set", "channel=letter", "--at", "2023-02-20",
    )["case_no"]  # fmt: skip
    case_no = resolving(cli)
    ok(
        cli,
        "clerk_city",
        "case",
        "link",
        case_no,
        petition,
        "--relation",
        "related",
        "--at",
        "2023-03-06",
    )
    doc(cli, "sup_city", case_no, "acceptance", "2023-05-19")
    ok(cli, "leader1", *advance(case_no, "resolve", "2023-05-20", "outcome=settled"))
    refused(
        cli, cw, "sup_city", "acceptance_after_resolve", *advance(case_no, "verify", "2023-05-25")
    )
    doc(cli, "sup_city", case_no, "acceptance", "2023-05-25")
    refused(
        cli, cw, "sup_city", "undertaking_if_settled", *advance(case_no, "verify", "2023-05-25")
    )
    doc(cli, "sup_city", case_no, "undertaking", "2023-05-25")
    refused(cli, cw, "sup_pz", None, *advance(case_no, "verify", "2023-05-25"))
    assert ok(cli, "sup_city", *advance(case_no, "verify", "2023-05-25"))["state"] == "closed"


def test_reassign_changes_who_may_act(cli: Cli, cw: Casework) -> None:
    case_no = assigned(cli)
    refused(
        cli,
        cw,
        "sup_city",
        "new_leader",
        *advance(case_no, "reassign", "2023-03-04", "leader=leader1", "reason=r"),
    )
    out = ok(
        cli,
        "sup_city",
        *advance(case_no, "调整包案领导", "2023-03-04", "leader=leader2", "reason=工作调整"),
    )
    assert out["state"] == "assigned"
    doc(cli, "leader2", case_no, "plan", "2023-03-05")
    refused(
        cli, cw, "leader1", "assigned_leader", *advance(case_no, "plan", "2023-03-05", "plan=p")
    )
    assert (
        ok(cli, "leader2", *advance(case_no, "plan", "2023-03-05", "plan=p"))["state"]
        == "resolving"
    )


def test_send_back_returns_to_identified(cli: Cli, cw: Casework) -> None:
    case_no = proposed(cli)
    line = error_line(cli(*advance(case_no, "send_back", "2023-03-03"), user="sup_city"))
    assert line.endswith("(--set reason=...)"), line
    refused(
        cli, cw, "sup_justice", "approver", *advance(case_no, "send_back", "2023-03-03", "reason=r")
    )
    out = ok(cli, "sup_city", *advance(case_no, "退回", "2023-03-03", "reason=材料不全"))
    assert out["state"] == "identified"
    refused(cli, cw, "sup_city", None, *advance(case_no, "assign", "2023-03-04"))


def test_a_source_of_another_kind_and_an_unknown_screening_are_refused(cli: Cli) -> None:
    earlier = register(cli)
    args = ["case", "register", "major_dispute", "--office", "panzhou", "--title", "t"]
    line = error_line(cli(*args, "--link", earlier, user="clerk_city"), 1, "--link")
    assert "source" in line and earlier in line
    line = error_line(cli(*args, "--set", "screening=999", user="clerk_city"), 1)
    assert "screening" in line


def test_workflow_show_lists_the_rules_and_settings(cli: Cli) -> None:
    shown = ok(cli, "admin", "workflow", "show", "major_dispute", "--rules")
    text = json.dumps(shown, ensure_ascii=False)
    for name in (
        "ba1",
        "ba2",
        "propose",
        "send_back",
        "reassign",
        "resolve_limit",
        "assigned_leader",
    ):
        assert name in text, name
    settings = ok(cli, "admin", "config", "show")
    keys = json.dumps(settings, ensure_ascii=False)
    for key in (
        "major_dispute.approvers",
        "major_dispute.extensions_max",
        "major_dispute.due_days_max",
    ):
        assert key in keys, key
