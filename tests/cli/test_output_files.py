"""Output files (issue 17 points 5 and 6): none replaced without ``--force``, none left half
written, and ``-`` for standard output."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from casework.api import Casework
from tests.api.test_import import MEDIATION_HEADER, MEDIATION_ROWS, _csv
from tests.helpers import Cli, FrozenClock

OLD = "旧文件 old file\n"

# (arguments before the file, the option that names it, arguments after, file name, user)
WRITERS = [
    (["export", "cases"], "--out", [], "x.csv", "sup_city"),
    (["export", "cases"], "--out", [], "x.xlsx", "sup_city"),
    (["export", "cases"], "--out", [], "x.json", "sup_city"),
    (["stats"], "--csv", [], "s.csv", "sup_city"),
    (["stats"], "--xlsx", [], "s.xlsx", "sup_city"),
    (["report", "annual", "--format", "md"], "--out", [], "r.md", "sup_city"),
    (["report", "monthly", "--month", "2020-11", "--format", "xlsx"], "--out", [], "m.xlsx", None),
    (
        ["report", "mediation-form", "--from", "2020-01-01", "--to", "2020-11-30"],
        "--output",
        ["--format", "json"],
        "f.json",
        None,
    ),
    (["subsidy", "sheet", "--quarter", "2020Q3"], "--out", [], "q.xlsx", None),
    (["subsidy", "sheet", "--quarter", "2020Q3"], "--out", [], "q.csv", None),
]


@pytest.mark.parametrize(("before", "option", "after", "name", "user"), WRITERS)
def test_an_existing_file_is_refused_then_replaced_with_force(
    cli: Cli,
    tmp_path: Path,
    before: list[str],
    option: str,
    after: list[str],
    name: str,
    user: str | None,
) -> None:
    folder = tmp_path / "out"  # apart from the database's files
    folder.mkdir()
    path = folder / name
    path.write_text(OLD, "utf-8")
    refused = cli(*before, option, str(path), *after, user=user)
    assert refused.exit_code == 1, refused.stdout + refused.stderr
    [line] = refused.stderr.splitlines()
    field = option.removeprefix("--")
    assert line.startswith(f"Error: 输出文件 {field} '{path}' 已存在，须明确要求才替换"), line
    assert line.endswith("(--force)"), line
    assert path.read_text("utf-8") == OLD
    assert sorted(p.name for p in folder.iterdir()) == [name]

    replaced = cli(*before, option, str(path), *after, "--force", user=user)
    assert replaced.exit_code == 0, replaced.stderr
    assert path.read_bytes() != OLD.encode()
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no partial file left


def test_an_earlier_rejects_file_is_refused_before_anything_is_imported(
    cw: Casework, cli: Cli, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    bad = list(MEDIATION_ROWS[0])
    bad[6] = "家务事"  # not a dispute type
    ledger = _csv(tmp_path / "台账.csv", MEDIATION_HEADER, [list(MEDIATION_ROWS[1]), bad])
    rejects = tmp_path / "台账.rejects.csv"
    rejects.write_text(OLD, "utf-8")
    refused = cli("import", "mediation", str(ledger), "--skip-bad", user="sup_pz")
    assert refused.exit_code == 1
    [line] = refused.stderr.splitlines()
    assert "输出文件 rejects" in line and line.endswith("(--force)"), line
    assert rejects.read_text("utf-8") == OLD
    assert cw.acting("sup_pz").cases(kind="mediation") == []
    done = cli("import", "mediation", str(ledger), "--skip-bad", "--force", user="sup_pz")
    assert done.exit_code == 0, done.stderr
    assert rejects.read_text("utf-8-sig").startswith("原行号 row")


def test_a_failure_midway_leaves_the_old_file_and_no_partial(
    cw: Casework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casework.read import export

    cw.acting("clerk_pz").register("petition", "panzhou", "拖欠工资", at="2020-05-01")
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "x.csv"
    path.write_text(OLD, "utf-8")

    def broken(*args: object, **kwargs: object) -> export.Table:
        def crashing() -> Iterator[list[export.Cell]]:
            yield ["XF-1", "petition"]
            raise MemoryError  # as a crash while the rows are written

        return export.Table(["case_no", "kind"], ["案件编号", "类型"], crashing(), 0)

    monkeypatch.setattr(export, "stream_cases", broken)
    with pytest.raises(MemoryError):
        cw.acting("sup_city").export_cases(str(path), force=True)
    assert path.read_text("utf-8") == OLD
    assert [p.name for p in folder.iterdir()] == ["x.csv"]


def test_export_to_standard_output(cw: Casework, cli: Cli) -> None:
    cw.acting("clerk_pz").register("petition", "panzhou", "=1+2", at="2020-05-01")
    as_csv = cli("export", "cases", "--out", "-", "--json", user="sup_city")
    assert as_csv.exit_code == 0, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0][0] == "案件编号" and rows[1][rows[0].index("案件标题")] == "'=1+2"
    assert json.loads(as_csv.stderr)["rows"] == 1  # the summary keeps off standard output
    as_json = cli("export", "cases", "--out", "-", "--format", "json", user="sup_city")
    assert json.loads(as_json.stdout)[0]["title"] == "=1+2"
    assert "exported 1 cases" in as_json.stderr
    # Through a pipe (as CliRunner's output is), XLSX goes to standard output as the file.
    as_xlsx = cli("export", "cases", "--out", "-", "--format", "xlsx", user="sup_city")
    assert as_xlsx.exit_code == 0, as_xlsx.stderr
    book = load_workbook(io.BytesIO(as_xlsx.stdout_bytes))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("案件标题") + 1).value == "=1+2"
    unknown = cli("export", "cases", "--out", "-", "--format", "pdf", user="sup_city")
    assert unknown.exit_code == 1 and "--format" in unknown.stderr


def test_stats_csv_and_report_to_standard_output(cli: Cli) -> None:
    stats = cli("stats", "--csv", "-", user="sup_city")
    assert stats.exit_code == 0, stats.stderr
    rows = list(csv.reader(io.StringIO(stats.stdout)))
    assert rows[0] == ["指标 metric", "值 value"] and len(rows) > 5  # the CSV alone
    report = cli("report", "annual", "--format", "json", "--out", "-", user="sup_city")
    assert report.exit_code == 0 and json.loads(report.stdout)["year"] == 2020
    anchor = cli("audit", "anchor", "--out", "-")
    assert anchor.exit_code == 0 and "digest" in json.loads(anchor.stdout)


def test_xlsx_is_not_written_to_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from casework.errors import InvalidData
    from casework.storage.outfiles import binary_stdout

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    with pytest.raises(InvalidData, match="不写到终端"):
        binary_stdout()
