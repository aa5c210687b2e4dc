"""``casework export cases`` (cli/export_cmds.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import VALID_ID, Cli


@pytest.fixture
def world(cw: Casework) -> list[str]:
    clerk = cw.acting("clerk_pz")
    return [
        clerk.register("petition", "panzhou", "拖欠工资", [f"petitioner:陈某:{VALID_ID}"])[
            "case_no"
        ],
        clerk.register("mediation", "panzhou", "邻里纠纷", ["applicant:黄某"])["case_no"],
    ]


def test_export_writes_the_file_and_a_summary(cli: Cli, world: list[str], tmp_path: Path) -> None:
    out = tmp_path / "信访台账.csv"
    result = cli("export", "cases", "--out", str(out), "--kind", "信访事项", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) >= {"out", "rows", "columns", "revealed"}
    assert summary["rows"] == 1 and summary["revealed"] is False
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][0] == world[0] and VALID_ID not in "".join(rows[1])
    table = cli("export", "cases", "--out", str(tmp_path / "all.json"))
    assert table.exit_code == 0 and "exported 2 cases" in table.stdout


@pytest.mark.parametrize(
    "args,user,hint",
    [
        (["--reveal"], "clerk_pz", "--reveal"),
        (["--columns", "case_no,secret"], None, "--columns"),
        (["--office", "atlantis"], None, "--office"),
        (["--kind", "lawsuit"], None, "--kind"),
        (["--from", "2020-13-01"], None, "--from"),
        (["--to", "2020-13-01"], None, "--to"),
        (["--from", "2020-12-31", "--to", "2020-01-01"], None, "--to"),
    ],
    ids=["reveal", "columns", "office", "kind", "from", "to", "period"],
)
def test_export_refusals_name_their_option(
    cli: Cli, world: list[str], tmp_path: Path, args: list[str], user: str | None, hint: str
) -> None:
    out = tmp_path / "x.csv"
    error_line(cli("export", "cases", "--out", str(out), *args, user=user), 1, hint)
    assert not out.exists()


def test_an_output_file_casework_cannot_write_is_named(cli: Cli, tmp_path: Path) -> None:
    line = error_line(cli("export", "cases", "--out", str(tmp_path / "x.txt")), 1, "--out")
    assert ".csv" in line
    error_line(cli("export", "cases", "--out", "/nonexistent/dir/x.csv"), 1, "--out")
    error_line(cli("export", "cases"), 2)
