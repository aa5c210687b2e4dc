"""The ledger reader streams its file, reads Excel's encodings and cell types."""

from __future__ import annotations

import csv
import os
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from casework.errors import InvalidData
from casework.ledger.readers import open_ledger
from casework.ledger.rows import parse_cell_time


def test_a_long_csv_is_read_row_by_row_not_whole(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["登记日期", "案件标题", "当事人"])
        for i in range(120_000):
            out.writerow(["2020-03-02", f"第{i}号纠纷，双方就宅基地边界发生争执", "张三、李四"])
    size = os.path.getsize(path)
    assert size > 6_000_000
    tracemalloc.start()
    try:
        count = 0
        with open_ledger(str(path)) as (header, rows):
            assert header == ["登记日期", "案件标题", "当事人"]
            for number, cells in rows:
                count += 1
                last = number, cells
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 120_000 and last[0] == 120_001
    # Reading the file whole would hold it (several times over, as str objects) at once.
    assert peak < size / 20, (peak, size)


def test_gb18030_csv_and_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        "案件标题,登记日期\r\n邻里纠纷,2020-01-02\r\n,\r\n土地纠纷,2020-01-03\r\n".encode("gb18030")
    )
    with open_ledger(str(path)) as (header, rows):
        assert header == ["案件标题", "登记日期"]
        assert list(rows) == [(2, ["邻里纠纷", "2020-01-02"]), (4, ["土地纠纷", "2020-01-03"])]


def test_xlsx_cells_as_text(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["案件标题", "登记日期", "涉及人数", "受理日期"])
    sheet.append(["甲", date(2020, 3, 2), 3, datetime(2020, 3, 4, 9, 30)])
    sheet.append([None, None, None, None])
    sheet.append(["乙", datetime(2020, 3, 5), 2.0, None])
    book.save(tmp_path / "a.xlsx")
    with open_ledger(str(tmp_path / "a.xlsx")) as (header, rows):
        assert header == ["案件标题", "登记日期", "涉及人数", "受理日期"]
        assert list(rows) == [
            (2, ["甲", "2020-03-02", "3", "2020-03-04T09:30:00"]),
            (4, ["乙", "2020-03-05", "2"]),  # up to its last filled cell
        ]


def test_broken_files_are_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with (
        pytest.raises(InvalidData, match="not a readable XLSX"),
        open_ledger(str(tmp_path / "bad.xlsx")),
    ):
        pass
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    with (
        pytest.raises(InvalidData, match="no header row"),
        open_ledger(str(tmp_path / "empty.csv")),
    ):
        pass


@pytest.mark.parametrize(
    ("text", "expected", "date_only"),
    [
        ("2020-03-02", "2020-03-01T16:00:00+00:00", True),
        ("2020/3/2", "2020-03-01T16:00:00+00:00", True),
        ("2020年3月2日", "2020-03-01T16:00:00+00:00", True),
        ("2020-03-02 09:30", "2020-03-02T01:30:00+00:00", False),
        ("2020-03-02T09:30:00+08:00", "2020-03-02T01:30:00+00:00", False),
    ],
)
def test_ledger_dates(text: str, expected: str, date_only: bool) -> None:
    at, only = parse_cell_time(text, "登记日期")
    assert at.astimezone(datetime.fromisoformat(expected).tzinfo).isoformat() == expected
    assert only is date_only


@pytest.mark.parametrize("text", ["2020-02-30", "3月2日", "next week", "2020-13-01"])
def test_bad_ledger_dates(text: str) -> None:
    with pytest.raises(InvalidData):
        parse_cell_time(text, "登记日期")
