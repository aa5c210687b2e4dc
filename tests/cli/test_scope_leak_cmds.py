"""Issue 14 point 4 on the command line: ``subsidy sheet``, ``subsidy figures`` and ``subsidy
check`` by a town user show their own office only, another office asked for is refused in one
line (exit 1, nothing written), and ``case register``'s ``related`` shows another office's case
by number, office and state."""

from __future__ import annotations

import json

import pytest

from casework.api import Casework
from tests import petitions as P
from tests.api.test_scope_leaks import PANZHOU_MARKS, TwoTowns, two_towns_approved
from tests.cli.checks import error_line
from tests.helpers import VALID_ID, Cli, dump

Q = ["--quarter", "2020Q3"]
YEAR = ["--from", "2020-01-01", "--to", "2020-12-31"]


@pytest.fixture
def towns(cw: Casework) -> TwoTowns:
    return two_towns_approved(cw)


def shown(cli: Cli, *args: str, user: str) -> str:
    result = cli(*args, user=user)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_town_clerk_sees_their_own_offices_claims_only(cli: Cli, towns: TwoTowns) -> None:
    for args in (
        ("subsidy", "sheet", *Q),
        ("subsidy", "sheet", *Q, "--json"),
        ("subsidy", "sheet", *Q, "--csv"),
        ("subsidy", "figures", *YEAR, "--json"),
    ):
        out = shown(cli, *args, user="clerk_sm")
        assert [m for m in PANZHOU_MARKS if m in out] == [], (args, out)
        assert towns.panzhou_claim not in out
    sheet = json.loads(shown(cli, "subsidy", "sheet", *Q, "--json", user="clerk_sm"))
    assert (sheet["total_cases"], sheet["total_amount"]) == (1, 500)
    assert [m["mediator"] for m in sheet["by_mediator"]] == ["med_sm"]
    figures = shown(cli, "subsidy", "figures", *YEAR, user="clerk_sm")
    assert "纳入以案定补 1 件, 500 元" in figures
    check = json.loads(
        shown(cli, "subsidy", "check", towns.shanmei_case, "--json", user="clerk_sm")
    )
    assert check["case_no"] == towns.shanmei_case


def test_a_city_user_still_sees_every_office(cli: Cli, towns: TwoTowns) -> None:
    sheet = json.loads(shown(cli, "subsidy", "sheet", *Q, "--json", user="sup_justice"))
    assert [o["office"] for o in sheet["by_office"]] == ["panzhou", "shanmei"]
    assert sheet["total_amount"] == 800
    assert "纳入以案定补 2 件, 800 元" in shown(cli, "subsidy", "figures", *YEAR, user="viewer1")
    one = json.loads(
        shown(cli, "subsidy", "sheet", *Q, "--office", "panzhou", "--json", user="sup_justice")
    )
    assert one["total_amount"] == 300
    check = shown(cli, "subsidy", "check", towns.panzhou_case, "--json", user="sup_justice")
    assert json.loads(check)["case_no"] == towns.panzhou_case


def test_another_office_is_refused_in_one_line_and_nothing_written(
    cw: Casework, cli: Cli, towns: TwoTowns
) -> None:
    before = dump(cw.engine)
    line = error_line(
        cli("subsidy", "sheet", *Q, "--office", "panzhou", user="clerk_sm"), hint="--office"
    )
    assert "panzhou" in line and "clerk_sm" in line and "med_pz" not in line
    check = error_line(cli("subsidy", "check", towns.panzhou_case, *Q, user="clerk_sm"))
    assert towns.panzhou_case in check and "med_pz" not in check
    # the same refusal as case show of that case
    case_show = error_line(cli("case", "show", towns.panzhou_case, user="clerk_sm"))
    assert check.split(" (")[0] == case_show.split(" (")[0]
    assert dump(cw.engine) == before


def test_register_shows_another_offices_related_case_without_title_or_score(
    cw: Casework, cli: Cli
) -> None:
    person = f"petitioner:陈某:{VALID_ID}"
    theirs = P.register(
        cw, "2020-03-01", "shanmei", "clerk_sm", title="山美拖欠工资", parties=(person,)
    )
    args = ["case", "register", "petition", "--office", "panzhou", "--title", "山美拖欠工资"]
    args += ["--party", person, "--set", "channel=letter", "--at", "2020-03-02"]
    found = json.loads(shown(cli, *args, "--json", user="clerk_pz"))["related"]
    assert [(r["case_no"], r["office"], r["state"]) for r in found] == [
        (theirs, "shanmei", "registered")
    ]
    assert (found[0]["title"], found[0]["similarity"]) == (None, None)
    # registered again: now panzhou's first case (title and score shown) comes before theirs
    table = shown(cli, *args, user="clerk_pz")
    # At 80 columns the related cases print as records, a blank line between them.
    row = next(block for block in table.split("\n\n") if theirs in block)
    assert "—" in row and "他单位" in row and "1.00" not in row, row
    assert "山美" not in table.split(theirs, 1)[1]
