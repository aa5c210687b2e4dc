"""``casework report annual`` and ``report monthly`` (cli/report_cmds.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock


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
    # the report's date: a date, in or after its year, not after today (the clock: 2020-12-01)
    error_line(cli("report", "annual", "--date", "2020-13-01"), 1, "--date")
    line = error_line(
        cli("report", "annual", "--year", "2020", "--date", "2019-12-31"), 1, "--date"
    )
    assert "2019-12-31" in line
    error_line(cli("report", "annual", "--year", "2020", "--date", "2020-12-02"), 1, "--date")
    error_line(cli("report", "annual", "--year", "2021"), 1, "--year")
    error_line(cli("report", "monthly", "--month", "2021-01"), 1, "--month")


def test_the_annual_report_is_dated_and_cut_at_its_date(
    cli: Cli, cw: Casework, clock: FrozenClock
) -> None:
    """Nothing past the report's date, every figure as of it (procedures/mediation.md,
    Wording): the petition recorded on 11-02 is in the text of 12-01 (today), not in that of
    10-31."""
    for day in ("2020-03-01", "2020-11-02", "2020-12-01"):
        clock.set(f"{day}T10:00")
        if day != "2020-12-01":
            cw.acting("clerk_pz").register("petition", "panzhou", "信访")
    today = cli("report", "annual", "--year", "2020")
    assert "（数据截至2020年12月1日）" in today.stdout
    assert "1月1日至12月1日登记信访事项2件" in today.stdout and "1-11月全市" in today.stdout
    earlier = cli("report", "annual", "--year", "2020", "--date", "2020-10-31", "--format", "md")
    assert earlier.exit_code == 0, earlier.stderr
    assert "1-10月登记信访事项1件" in earlier.stdout  # 10-31 ends its month
    assert (
        "2020年1-10月共调解纠纷0件" in earlier.stdout
        and "前三季度纳入以案定补案件0件" in earlier.stdout
    )
    assert "2020年1-10月各单位矛盾纠纷化解情况" in earlier.stdout
    assert earlier.stderr == ""
    data = json.loads(cli("report", "annual", "--year", "2020", "--format", "json").stdout)
    assert data["as_of"] == "2020-12-01" and data["notes"] == []
    # the paragraph wrapped at the terminal's width: whole once its lines are joined
    assert data["paragraph"] in "".join(today.stdout.splitlines())
    assert data["rows"][-1][0] == "合计"
