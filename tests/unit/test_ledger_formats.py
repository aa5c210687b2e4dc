"""The ledger reader's formats (issue 17 point 4): .xls and .ods by python-calamine, CSV in
UTF-16 and GB18030, tab- and semicolon-separated text, each read like the CSV and XLSX it
stands for; a file in no encoding tried refused in one line naming it and what was tried."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from casework.errors import InvalidData
from casework.ledger.readers import open_ledger

DATA = Path(__file__).parent.parent / "data"

HEADER = ["台账编号", "登记日期", "案件标题", "当事人"]
# The mediation ledger of tests/api/test_import.py (tests/data/make_ledgers.py): a title row,
# then the header in row 2; row 5's 登记日期 and row 6's 受理日期 (column 8) are date cells.
FIXTURE_ROWS = [
    (3, "TJ19-001", "2020-03-02", "邻里排水纠纷"),
    (4, "TJ19-002", "2020/3/5", "土地边界纠纷"),
    (5, "TJ19-003", "2020-03-07T09:30:00", "拖欠货款纠纷"),
    (6, "TJ19-004", "2020-03-09", "婚约财产纠纷"),
]


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with open_ledger(str(path)) as (header, rows):
        return header, list(rows)


@pytest.mark.parametrize("name", ["mediation.xls", "mediation.ods"])
def test_xls_and_ods_read_like_xlsx(name: str, tmp_path: Path) -> None:
    title, (second, *rows) = _read(DATA / name)
    assert title[0] == "潘州街道人民调解台账（2020年）" and not any(title[1:])
    header = second[1]
    assert (
        second[0] == 2 and header[:4] == HEADER and header[-1] == "卷宗材料" and len(header) == 18
    )
    assert [(n, c[0], c[1], c[2]) for n, c in rows] == FIXTURE_ROWS
    assert rows[3][1][7] == "2020-03-10"  # a date cell, as the XLSX reader gives it
    assert rows[0][1][4] == "110101199003074514"  # a text cell of digits stays whole
    # The content decides, not the name: an .xls saved under .xlsx's name is still read.
    shutil.copy(DATA / name, tmp_path / "renamed.xlsx")
    assert _read(tmp_path / "renamed.xlsx") == (title, [second, *rows])


def test_a_sheet_starting_below_and_right_keeps_its_row_and_column_numbers(
    tmp_path: Path,
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["C3"], sheet["D3"], sheet["C4"], sheet["D4"] = "案件标题", "登记日期", "甲", "2020-01-02"
    book.save(tmp_path / "a.xlsx")
    expected = (["", "", "案件标题", "登记日期"], [(4, ["", "", "甲", "2020-01-02"])])
    assert _read(tmp_path / "a.xlsx") == expected
    ods = DATA / "offset.ods"
    assert _read(ods) == expected


TEXT = "案件标题{d}登记日期{d}当事人\r\n邻里纠纷{d}2020-01-02{d}张三、李四\r\n"
EXPECTED = (["案件标题", "登记日期", "当事人"], [(2, ["邻里纠纷", "2020-01-02", "张三、李四"])])


@pytest.mark.parametrize(
    ("name", "delimiter", "encoding", "bom"),
    [
        ("utf16.txt", "\t", "utf-16-le", codecs.BOM_UTF16_LE),  # Excel's "Unicode text"
        ("utf16be.csv", ",", "utf-16-be", codecs.BOM_UTF16_BE),
        ("utf16-nobom.csv", "\t", "utf-16-le", b""),
        ("bom.csv", ",", "utf-8", codecs.BOM_UTF8),
        ("plain.tsv", "\t", "utf-8", b""),
        ("tabs.csv", "\t", "utf-8", b""),
        ("semicolons.csv", ";", "utf-8", b""),
        ("gbk.tsv", "\t", "gb18030", b""),
        ("gbk.csv", ",", "gb18030", b""),
    ],
)
def test_text_ledgers_in_every_encoding_and_delimiter(
    tmp_path: Path, name: str, delimiter: str, encoding: str, bom: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(bom + TEXT.format(d=delimiter).encode(encoding))
    assert _read(path) == EXPECTED


def test_a_tab_separated_xls_export_is_read_as_text(tmp_path: Path) -> None:
    # Many systems' "导出Excel" writes tab-separated text named .xls.
    path = tmp_path / "导出.xls"
    path.write_bytes(TEXT.format(d="\t").encode("gb18030"))
    assert _read(path) == EXPECTED


def test_a_title_row_does_not_decide_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text("潘州街道人民调解台账（2020年）\n" + TEXT.format(d="\t"), encoding="utf-8")
    title = ["潘州街道人民调解台账（2020年）"]  # the importer looks below it for the header
    assert _read(path) == (title, [(2, EXPECTED[0]), (3, EXPECTED[1][0][1])])


def test_a_quoted_cell_holding_commas_in_a_semicolon_file(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('"案件标题";"登记日期"\n"甲,乙";2020-01-02\n', encoding="utf-8")
    assert _read(path) == (["案件标题", "登记日期"], [(2, ["甲,乙", "2020-01-02"])])


def test_an_undecodable_file_is_refused_naming_it_and_what_was_tried(tmp_path: Path) -> None:
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"\x80\xff\xfe\x81" * 100 + b"\n")
    with pytest.raises(InvalidData) as refused, open_ledger(str(path)):
        pass
    reason = refused.value.reason
    assert "\n" not in reason and "'乱码.csv'" in reason
    assert "UTF-8" in reason and "UTF-16" in reason and "GB18030" in reason


def test_binary_garbage_named_xls_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InvalidData, match="not a readable XLS file"), open_ledger(str(path)):
        pass
