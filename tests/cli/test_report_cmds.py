"""``casework report annual`` and ``report monthly`` (cli/report_cmds.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli


@pytest.fixture
def some_cases(cw: Casework) -> None:
    clerk = cw.acting("clerk_pz")
    for day in ("2020-03-01", "2020-11-02"):
        clerk.register("petition", "panzhou", "信访", at=day)


def test_annual_and_monthly_in_each_format(cli: Cli, some_cases: None, tmp_path: Path) -> None:
    text = cli("report", "annual", "--year", "2020")
    assert text.exit_code == 0, text.stderr
    assert "高州市2020年法治政府建设年度报告" in text.stdout
    md = cli("report", "monthly", "--month", "2020-11", "--format", "md")
    assert md.exit_code == 0 and md.stdout.startswith("# ") and "| " in md.stdout
    out = tmp_path / "2020.md"
    written = cli("report", "annual", "--format", "md", "--out", str(out))
    assert written.exit_code == 0 and out.read_text("utf-8").startswith("# ")
    xlsx = tmp_path / "2020-11.xlsx"
    made = cli("report", "monthly", "--month", "2020-11", "--format", "xlsx", "--out", str(xlsx))
    assert made.exit_code == 0 and xlsx.exists()


def test_report_usage_errors_and_refusals(cli: Cli, tmp_path: Path) -> None:
    line = error_line(cli("report", "annual", "--format", "pdf"), 2, "--format")
    assert "'pdf'" in line and "xlsx" in line
    error_line(cli("report", "annual", "--format", "xlsx"), 2, "--out")
    error_line(cli("report", "monthly"), 2)
    line = error_line(cli("report", "monthly", "--month", "2020-13"), 1, "--month")
    assert "2020-13" in line
    error_line(cli("report", "annual", "--out", "/nonexistent/dir/r.txt"), 1, "--out")
    args = ["report", "annual", "--format", "xlsx", "--out", str(tmp_path / "r.txt")]
    error_line(cli(*args), 1, "--out")
