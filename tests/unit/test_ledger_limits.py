"""The ledger reader's limits (issue 17 point 5, docs/import.md): file size, rows, columns, cell
length, and for a zip (XLSX, ODS) what it inflates to, each refused in one line naming the
limit and the file's own figure, before the file is read whole."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from casework.errors import InvalidData
from casework.ledger import limits, zipped
from casework.ledger.readers import open_ledger
from tests.crafted import crafted_xlsx


def _refusal(path: Path) -> str:
    with pytest.raises(InvalidData) as refused, open_ledger(str(path)) as (_, rows):
        list(rows)
    reason = refused.value.reason
    assert "\n" not in reason and refused.value.field == "file"
    return reason


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = crafted_xlsx(tmp_path / "bomb.xlsx", filler_mib=150, level=1)
    assert path.stat().st_size < 1_500_000  # small on disk, 160 MB inflated
    started = time.monotonic()
    reason = _refusal(path)
    assert time.monotonic() - started < 1.0
    assert "'xl/sharedStrings.xml'" in reason and "100:1" in reason, reason


def test_shared_strings_over_their_cap_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zipped, "MAX_RATIO", 10_000)  # a file that compresses like a real one
    path = crafted_xlsx(tmp_path / "strings.xlsx", filler_mib=70, level=1)
    reason = _refusal(path)
    assert "共享字符串 74.4 MiB (shared strings)" in reason and "64.0 MiB" in reason, reason


def test_what_a_zip_inflates_to_in_all_is_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zipped, "MAX_UNZIPPED", 1 << 20)
    path = crafted_xlsx(tmp_path / "big.xlsx", filler_mib=2, level=1)
    assert "解压后共 2.1 MiB (inflates to)" in _refusal(path)


def test_a_huge_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    path = crafted_xlsx(tmp_path / "dim.xlsx", dimension="A1:XFD1048576")
    started = time.monotonic()
    with open_ledger(str(path)) as (header, rows):
        assert (header, list(rows)) == (["案件标题", "登记日期"], [(2, ["甲", "2020-01-02"])])
    assert time.monotonic() - started < 1.0


def test_a_row_numbered_past_the_row_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 1000)
    far = '<row r="5000"><c r="A5000" t="s"><v>2</v></c></row>'
    reason = _refusal(crafted_xlsx(tmp_path / "far.xlsx", rows_xml=far))
    assert "超过 1,000 行 (has more than 1,000 rows)" in reason, reason
    csv_path = tmp_path / "long.csv"
    csv_path.write_text("案件标题,登记日期\n" + "甲,2020-01-02\n" * 1000, encoding="utf-8")
    assert "第 1,001 行" in _refusal(csv_path)


def test_a_cell_far_to_the_right_is_refused_by_the_column_limit(tmp_path: Path) -> None:
    wide = '<row r="3"><c r="XFD3" t="s"><v>2</v></c></row>'
    reason = _refusal(crafted_xlsx(tmp_path / "wide.xlsx", rows_xml=wide))
    assert "第 3 行 row 3 有 16,384 列，超过上限 200 列 (over 200 columns)" in reason, reason
    csv_path = tmp_path / "wide.csv"
    csv_path.write_text("案件标题,登记日期\n" + "x," * 300 + "\n", encoding="utf-8")
    assert "有 300 列" in _refusal(csv_path)
    # Empty cells after the last filled one do not count.
    padded = tmp_path / "padded.csv"
    padded.write_text("案件标题,登记日期" + "," * 500 + "\n甲,2020-01-02\n", encoding="utf-8")
    with open_ledger(str(padded)) as (_, rows):
        assert [n for n, _ in rows] == [2]


@pytest.mark.parametrize("length", [limits.MAX_TEXT_CELL + 1, limits.MAX_TEXT_CELL + 50_000])
def test_a_csv_cell_over_the_text_cell_limit_is_refused(tmp_path: Path, length: int) -> None:
    path = tmp_path / "long-cell.csv"
    path.write_text(f"案件标题,登记日期\n{'长' * length},2020-01-02\n", encoding="utf-8")
    reason = _refusal(path)
    assert "第 2 行 row 2" in reason and "(a cell over 4,194,304 characters)" in reason, reason


def test_a_csv_cell_longer_than_an_xlsx_cell_is_read_whole(tmp_path: Path) -> None:
    # An export too long for XLSX goes to CSV (its refusal says so) and must re-import.
    fits = tmp_path / "fits.csv"
    fits.write_text(f"案件标题,登记日期\n{'长' * 200_000},2020-01-02\n", encoding="utf-8")
    with open_ledger(str(fits)) as (_, rows):
        assert len(next(rows)[1][0]) == 200_000


def test_a_line_without_end_is_refused_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_LINE", 1000)
    path = tmp_path / "endless.csv"
    path.write_text("案件标题,登记日期\n" + "x" * 5000, encoding="utf-8")
    assert "第 2 行 line 2 超过 1,000 个字符" in _refusal(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1 << 20)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"\n" * (2 << 20))
    reason = _refusal(path)
    assert "'big.csv' 有 2.0 MiB，超过台账文件上限 1.0 MiB" in reason, reason
