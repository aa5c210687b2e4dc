"""``casework import hotline FILE``: the 12345 platform's ledger imported by an operator, a bad
row refused in one line naming row and column, and ``export cases --kind hotline`` imported
into a new database with the same orders."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, add_staff, dump
from tests.hotline import LEDGER_HEADER, LEDGER_ROWS, LEDGER_STATES, add_hotline_staff


def _ledger(path: Path, rows: list[list[str]]) -> str:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(LEDGER_HEADER)
        out.writerows(rows)
    return str(path)


def _states(cli: Cli) -> list[str]:
    listed = json.loads(cli("case", "list", "--kind", "hotline", "--json", user="op1").stdout)
    return [r["state"] for r in sorted(listed, key=lambda r: r["case_no"])]


def test_a_platform_ledger_is_imported_once_and_exported_back(
    cw: Casework, cli: Cli, tmp_path: Path, clock: FrozenClock
) -> None:
    add_hotline_staff(cw)
    ledger = _ledger(tmp_path / "工单.csv", [list(r) for r in LEDGER_ROWS])
    result = cli("import", "hotline", ledger, "--json", user="op1")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["existing"], summary["bad"]) == (5, 0, 0)
    again = cli("import", "12345工单", ledger, user="op1")
    assert again.exit_code == 0 and "5 already imported" in again.stdout
    assert _states(cli) == list(LEDGER_STATES)

    out = tmp_path / "导出.xlsx"
    exported = cli("export", "cases", "--kind", "hotline", "--out", str(out), user="sup_hot")
    assert exported.exit_code == 0, exported.stderr
    target = Casework.initialise(str(tmp_path / "new.db"), offices="gaozhou", clock=clock)
    add_staff(target)
    add_hotline_staff(target)
    target.close()
    into = Cli(str(tmp_path / "new.db"), clock)
    assert into("import", "hotline", str(out), user="op1").exit_code == 0
    assert _states(into) == _states(cli)


def test_a_bad_row_is_refused_in_one_line_and_nothing_written(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    add_hotline_staff(cw)
    rows = [list(r) for r in LEDGER_ROWS]
    rows[2][LEDGER_HEADER.index("办结时间")] = "2020-11-01"  # before the call of 11-03
    before = dump(cw.engine)
    result = cli("import", "hotline", _ledger(tmp_path / "工单.csv", rows), user="op1")
    line = error_line(result, 1, stdout=True)
    assert "1" in line and "未导入任何内容" in line
    [reported] = result.stdout.splitlines()
    assert reported.startswith("row 4, 办结时间: ") and "早于「来电时间」" in reported
    assert dump(cw.engine) == before
