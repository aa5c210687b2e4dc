"""Files read by the command line held to their limits (issue 17 point 5): a crafted XLSX ledger
(1 MB on disk, 160 MB of shared strings: once "internal error (MemoryError)") and a holiday
file over 1 MiB (once cut there silently) are refused in one line, fast, nothing written."""

from __future__ import annotations

import time
from pathlib import Path

from casework.api import Casework
from tests.cli.checks import error_line
from tests.cli.test_deadline_cmds import HOLIDAYS_2027
from tests.crafted import crafted_xlsx
from tests.helpers import Cli, dump


def test_a_crafted_xlsx_ledger_is_refused_in_one_line(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    path = crafted_xlsx(tmp_path / "in" / "台账.xlsx", filler_mib=150, level=1)
    assert path.stat().st_size < 1_500_000
    before = dump(cw.engine)
    started = time.monotonic()
    args = ["import", "mediation", str(path), "--skip-bad"]
    line = error_line(cli(*args, user="sup_pz"), 1, "FILE")
    assert time.monotonic() - started < 3.0
    assert "'台账.xlsx'" in line and "(over the limit)" in line, line
    assert dump(cw.engine) == before
    assert [p.name for p in path.parent.iterdir()] == ["台账.xlsx"]  # no rejects file


def test_a_holiday_file_over_a_mebibyte_is_refused_not_cut(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "2027.txt"
    # Good lines first: cut at 1 MiB, the file used to be added without its end.
    path.write_text(HOLIDAYS_2027 + "# 注释\n" * 150_000, encoding="utf-8")
    before = dump(cw.engine)
    line = error_line(cli("calendar", "add", str(path), user="admin"), 1, "FILE")
    assert f"有 {path.stat().st_size:,} 字节" in line and "1 MiB" in line, line
    assert dump(cw.engine) == before


def test_a_holiday_file_of_too_many_lines_is_refused(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "2027.txt"
    path.write_text(HOLIDAYS_2027 + "#\n" * 10_000, encoding="utf-8")
    before = dump(cw.engine)
    line = error_line(cli("calendar", "add", str(path), user="admin"), 1, "FILE")
    assert "有 10,003 行，超过上限 10,000 行 (over 10,000 lines)" in line, line
    assert dump(cw.engine) == before
    path.write_text(HOLIDAYS_2027 + "#\n" * 9_997, encoding="utf-8")  # 10,000 lines fit
    assert cli("calendar", "add", str(path), user="admin").exit_code == 0
