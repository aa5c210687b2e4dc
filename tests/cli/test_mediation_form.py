"""``casework report mediation-form`` (cli/report_cmds.py): the Ministry's form filled from
the metric catalogue, its ties, its formats and its refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from casework.api import Casework
from tests.api.test_mediation_stats import real_world
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock
from tests.office import libreoffice_rows, shown_number

MARCH = ("--from", "2020-03-01", "--to", "2020-03-31")


@pytest.fixture
def real(cw: Casework, clock: FrozenClock) -> dict[str, str]:
    return real_world(cw, clock)


def rows(form: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {(s["title"], r["label"]): r for s in form["sections"] for r in s["rows"]}


def test_the_form_as_json_names_each_figures_metric(
    cli: Cli, cw: Casework, real: dict[str, str]
) -> None:
    result = cli("report", "mediation-form", *MARCH, "--format", "json")
    assert result.exit_code == 0, result.stderr
    form = json.loads(result.stdout)
    assert form["title"] == "人民调解工作统计表（2020年3月）"
    assert form["failed"] == [] and all(t["ok"] for t in form["ties"])
    got = rows(form)
    assert got[("三、来源", "调解纠纷")]["value"] == 4
    assert got[("三、来源", "主动调解")]["value"] == 1
    assert got[("三、来源", "接受委托移送调解")]["value"] == 2
    assert got[("四、类型", "邻里")]["value"] == 1
    assert got[("四、类型", "互联网")]["value"] == 0
    assert len([k for k in got if k[0] == "四、类型"]) == 18
    results = {label: r["value"] for (title, label), r in got.items() if title == "五、结果"}
    assert results == {
        "调解成功": 2,
        "调解成功率": 50.0,
        "口头协议": 1,
        "书面协议": 1,
        "协议涉及金额": 2.0,  # 20,000 yuan in 万元
        "履行": 1,
        "司法确认": 1,
    }
    assert got[("六、防激化", "防止民转刑（件）")]["metrics"] == ["prevention.criminal.cases"]
    assert got[("六、防激化", "防止民转刑（人）")]["value"] == 5
    # Each figure's metric leads to its cases, and they give the figure.
    for (_, _label), row in got.items():
        if len(row["metrics"]) == 1 and row["unit"] == "件":
            explained = cw.explain(row["metrics"][0], "2020-03-01", "2020-03-31")
            assert explained["value"] == row["value"], row


def test_text_and_markdown_and_a_file(cli: Cli, real: dict[str, str], tmp_path: Path) -> None:
    text = cli("report", "mediation-form", *MARCH, "--as-of", "2020-03-31")
    assert text.exit_code == 0, text.stderr
    assert (
        "人民调解工作统计表（2020年3月）（2020-03-01至2020-03-31，截至2020-03-31）" in text.stdout
    )
    assert "调解成功率：50.00%" in text.stdout and "协议涉及金额：2.00万元" in text.stdout
    assert "✓ 四、类型 = 调解纠纷：4 / 4" in text.stdout
    out = tmp_path / "form.md"
    md = cli("report", "mediation-form", *MARCH, "--format", "md", "--output", str(out))
    assert md.exit_code == 0 and "已写入" in md.stdout
    written = out.read_text("utf-8")
    assert written.startswith("# 人民调解工作统计表") and "| 调解成功 | 2 | 件 |" in written


def test_xlsx_keeps_numbers_and_a_frozen_bold_header(
    cli: Cli, real: dict[str, str], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "form.xlsx"
    made = cli("report", "mediation-form", *MARCH, "--format", "xlsx", "--output", str(out))
    assert made.exit_code == 0, made.stderr
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]] == ["栏目", "项目", "数值", "单位", "指标 metric"]
    assert all(c.font.bold for c in sheet[2])
    values = {(r[0], r[1]): r[2] for r in sheet.iter_rows(min_row=3, values_only=True) if r}
    assert values[("五、结果", "调解成功")] == 2 and isinstance(
        values[("五、结果", "调解成功")], int
    )
    assert values[("五、结果", "协议涉及金额")] == 2.0
    assert sheet.column_dimensions["B"].width >= 30


def test_xlsx_opens_in_libreoffice(cli: Cli, real: dict[str, str], tmp_path: Path) -> None:
    """LibreOffice Calc reads the workbook with every figure of the JSON form (skipped, with
    the reason, where LibreOffice is not installed; .ci/run installs it)."""
    out = tmp_path / "form.xlsx"
    made = cli("report", "mediation-form", *MARCH, "--format", "xlsx", "--output", str(out))
    assert made.exit_code == 0, made.stderr
    form = json.loads(cli("report", "mediation-form", *MARCH, "--format", "json").stdout)
    calc = libreoffice_rows(out, tmp_path)
    read = {(r[0], r[1]): r[2] for r in calc[2:] if len(r) >= 3 and r[0] != "核对" and r[1]}
    want = {(s["title"], r["label"]): r["value"] for s in form["sections"] for r in s["rows"]}
    assert read.keys() == want.keys()
    for key, value in want.items():
        assert read[key] == "" if value is None else shown_number(read[key]) == value, key
    assert read[("五、结果", "调解成功")] == "2"  # A and B of the world agreed


def test_a_failed_tie_is_named_and_exits_1(
    cli: Cli, cw: Casework, real: dict[str, str], clock: FrozenClock
) -> None:
    from tests import mediations as M

    clock.set("2020-03-30T16:00")
    untyped = M.register(cw, "2020-03-30T10:00", values={"source": "application"})
    M.accept(cw, untyped, "2020-03-30T10:00")
    clock.set("2020-12-01T10:00")
    result = cli("report", "mediation-form", *MARCH, "--format", "json")
    assert result.exit_code == 1
    form = json.loads(result.stdout)  # the form is still printed, its failure named
    assert form["failed"] == ["四、类型 = 调解纠纷"]
    assert result.stderr.splitlines() == [
        "Error: 核对不符 tie failed：四、类型 = 调解纠纷（4 ≠ 5，mediation.mediated）"
    ]


def test_stationed_rooms_count_where_the_setting_puts_them(
    cw: Casework, clock: FrozenClock
) -> None:
    admin = cw.acting("admin")
    admin.add_committee(
        "gz-gd",
        "高州市公安局派驻调解室",
        "stationed",
        "city-justice",
        subtype="police",
        since="2019-01-01",
    )
    form = rows(cw.mediation_form("2020-03-01", "2020-03-31"))
    town = form[("一、组织", "乡镇(街道)调委会")]
    assert "org.committees.stationed" in town["metrics"]
    assert ("一、组织", "派驻调解室") not in form and ("一、组织", "派驻调委会") not in form
    admin.config_set("form.stationed_row", "派驻", "2020-01-01")
    apart = rows(cw.mediation_form("2020-03-01", "2020-03-31"))
    assert apart[("一、组织", "派驻调委会")]["value"] == 1
    assert apart[("一、组织", "乡镇(街道)调委会")]["value"] == town["value"] - 1


def test_usage_errors_and_refusals(cli: Cli, tmp_path: Path) -> None:
    line = error_line(cli("report", "mediation-form", *MARCH, "--format", "pdf"), 2, "--format")
    assert "'pdf'" in line and "json" in line
    error_line(cli("report", "mediation-form", *MARCH, "--format", "xlsx"), 2, "--output")
    error_line(cli("report", "mediation-form", "--from", "2020-03-01"), 2)
    bad = cli("report", "mediation-form", "--from", "2020-03-01", "--to", "2020-02-30")
    assert "2020-02-30" in error_line(bad, 1, "--to")
    late = cli("report", "mediation-form", "--from", "2020-03-31", "--to", "2020-03-01")
    error_line(late, 1, "--to")
    out = tmp_path / "form.txt"
    wrong = cli("report", "mediation-form", *MARCH, "--format", "xlsx", "--output", str(out))
    error_line(wrong, 1, "--output")
    assert not out.exists()


def test_stats_by_source_and_explain_a_committee_figure(cli: Cli, real: dict[str, str]) -> None:
    by = cli("stats", *MARCH, "--by", "source", "--metric", "mediation.mediated", "--json")
    assert by.exit_code == 0, by.stderr
    rows = {r["key"]: r["metrics"]["mediation.mediated"] for r in json.loads(by.stdout)["rows"]}
    assert rows == {"application": 1, "initiative": 1, "referred": 2}
    table = cli("stats", "explain", "org.committees.subdistrict", *MARCH, "--office", "panzhou")
    assert table.exit_code == 0, table.stderr
    assert "committee" in table.stdout and "panzhou-tj" in table.stdout
    bad = cli("stats", *MARCH, "--by", "colour")
    assert "committee_type" in error_line(bad, 1, "--by")
