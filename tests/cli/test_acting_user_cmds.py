"""Every read on the CLI names its acting user (issue 14 point 4): without ``--as`` or
CASEWORK_USER a read is a one-line usage error (exit 2) before the database is opened; the
operator commands that read nothing of an office run without one (docs/cli.md, "Acting user")."""

from __future__ import annotations

import json

import pytest

from tests.helpers import NOBODY, Cli

READS = [
    ["case", "show", "XF-2020-panzhou-00001"],
    ["case", "list"],
    ["case", "history", "XF-2020-panzhou-00001"],
    ["due"],
    ["export", "cases", "--out", "x.json"],
    ["stats", "--from", "2020-01-01", "--to", "2020-11-30"],
    ["stats", "explain", "petition.registered", "--from", "2020-01-01", "--to", "2020-11-30"],
    ["user", "list"],
    ["subsidy", "sheet", "--quarter", "2020Q3"],
    ["subsidy", "figures", "--from", "2020-01-01", "--to", "2020-11-30"],
    ["subsidy", "check", "TJ-2020-panzhou-00001", "--quarter", "2020Q3"],
    ["report", "monthly", "--month", "2020-11"],
    ["committee", "list"],
    ["mediator", "list"],
    ["screening", "list"],
]
OPERATOR = [["config", "show"], ["calendar", "show"], ["audit", "verify"], ["office", "list"]]


@pytest.mark.parametrize("args", READS, ids=[" ".join(a[:2]) for a in READS])
def test_a_read_without_an_acting_user_is_a_usage_error(cli: Cli, args: list[str]) -> None:
    result = cli(*args, user=NOBODY)
    assert result.exit_code == 2, result.stdout
    [line] = result.stderr.strip().splitlines()
    assert "需要指定操作用户" in line and "(an acting user is required)" in line
    assert result.stdout == ""


@pytest.mark.parametrize("args", OPERATOR, ids=[" ".join(a) for a in OPERATOR])
def test_operator_commands_need_no_acting_user(cli: Cli, args: list[str]) -> None:
    result = cli(*args, user=NOBODY)
    assert result.exit_code == 0, result.stderr


def test_another_offices_case_is_answered_as_an_unknown_one(cli: Cli) -> None:
    """A town user's show, advance or correct of another town's case says exactly what an
    unknown number says, with its exit code: neither the office nor the case's being there."""
    done = cli(
        *("case", "register", "petition", "--office", "panzhou", "--title", "拖欠工资"),
        *("--set", "channel=letter", "--json"),
        user="clerk_pz",
    )
    theirs = json.loads(done.stdout)["case_no"]
    unknown = theirs[:-5] + "09999"
    for who, args in (
        ("clerk_sm", ["case", "show", "{}"]),
        ("clerk_sm", ["case", "correct", "{}", "--title", "x", "--reason", "误录"]),
    ):
        other = cli(*[a.format(theirs) for a in args], user=who)
        none = cli(*[a.format(unknown) for a in args], user=who)
        assert other.exit_code == none.exit_code != 0
        assert other.stderr.replace(theirs, unknown) == none.stderr
        assert "只能处理本单位" not in other.stderr and "属于" not in other.stderr
