"""``casework due`` and ``casework calendar`` (cli/deadline_cmds.py)."""

from __future__ import annotations

import json
import os

import pytest

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli, dump

HOLIDAYS_2027 = (
    "2027-01-01..2027-01-03 holiday 元旦\n2027-02-06..2027-02-13 holiday 春节\n"
    "2027-02-14 workday 春节调休\n"
)


@pytest.fixture
def late(cw: Casework) -> str:
    """A petition registered on 2020-10-01 and never accepted: late by December."""
    return cw.acting("clerk_pz").register("petition", "panzhou", "逾期", at="2020-10-01")["case_no"]


def test_due_lists_what_is_late(cli: Cli, late: str) -> None:
    rows = json.loads(cli("due", "--json").stdout)
    row = next(r for r in rows if r["case_no"] == late)
    assert row["overdue"] is True and row["status"] == "overdue"
    assert set(row) >= {"case_no", "kind", "office", "state", "date", "rule", "days_left"}
    by_label = json.loads(cli("due", "--kind", "信访事项", "--json").stdout)
    assert by_label == json.loads(cli("due", "--kind", "petition", "--json").stdout)
    assert json.loads(cli("due", "--kind", "人民调解", "--json").stdout) == []
    table = cli("due", "--office", "panzhou", "--as-of", "2020-12-01")
    assert table.exit_code == 0 and late in table.stdout and "超期" in table.stdout


@pytest.mark.parametrize(
    "args,hint",
    [
        (["due", "--within", "-1"], "--within"),
        (["due", "--office", "atlantis"], "--office"),
        (["due", "--kind", "lawsuit"], "--kind"),
        (["due", "--as-of", "2020-02-30"], "--as-of"),
    ],
    ids=["within", "office", "kind", "as_of"],
)
def test_due_refusals_name_their_option(cli: Cli, args: list[str], hint: str) -> None:
    error_line(cli(*args), 1, hint)


def test_calendar_add_and_show(cw: Casework, cli: Cli, tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(str(tmp_path), "2027.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HOLIDAYS_2027)
    before = dump(cw.engine)
    line = error_line(cli("calendar", "add", path, user="clerk_pz"), 1, "--as")
    assert "admin" in line and dump(cw.engine) == before
    added = cli("calendar", "add", path, user="admin")
    assert added.exit_code == 0 and "2027" in added.stdout
    coverage = json.loads(cli("calendar", "show", "--json").stdout)
    assert coverage["last"] == 2027
    shown = cli("calendar", "show")
    assert shown.exit_code == 0 and "chinesecalendar" in shown.stdout and "2027" in shown.stdout


def test_calendar_add_refusals_name_the_file(cli: Cli, tmp_path: os.PathLike[str]) -> None:
    error_line(cli("calendar", "add", "/nonexistent/h.txt", user="admin"), 1, "FILE")
    bad = os.path.join(str(tmp_path), "bad.txt")
    with open(bad, "w", encoding="utf-8") as fh:
        fh.write("2027-13-01 holiday 不存在\n")
    error_line(cli("calendar", "add", bad, user="admin"), 1, "FILE")
    error_line(cli("calendar", "add", user="admin"), 2)
