"""Every workbook casework writes, read back with openpyxl (issue 17 point 1): column widths
from the displayed text (CJK double, numbers as formatted, totals bold and whole), a bold frozen
filtered header, real numbers (rates as percentages, never the text "97.78%"), print setup (one
page wide, landscape when wide, the header repeated, page numbers); and each opens in
LibreOffice and converts to PDF (skipped, with the reason, without LibreOffice)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from casework.api import Casework
from tests.api.test_mediation_stats import real_world
from tests.helpers import Cli, FrozenClock
from tests.office import libreoffice_pdf
from tests.sheets import assert_table_form, assert_totals_show, needed, width_of

MARCH = ("--from", "2020-03-01", "--to", "2020-03-31")


@pytest.fixture
def real(cw: Casework, clock: FrozenClock) -> dict[str, str]:
    return real_world(cw, clock)


def written(cli: Cli, args: tuple[str, ...], out: Path) -> Any:
    made = cli(*args)
    assert made.exit_code == 0, made.stderr
    return load_workbook(out)


def stats_book(cli: Cli, tmp: Path, *extra: str) -> Any:
    out = tmp / "stats.xlsx"
    return written(cli, ("stats", *MARCH, *extra, "--xlsx", str(out)), out).active


def test_rates_in_the_statistics_sheet_are_numbers_shown_as_percentages(
    cli: Cli, real: dict[str, str], tmp_path: Path
) -> None:
    sheet = stats_book(cli, tmp_path)
    cells = {r[0].value: r[1] for r in sheet.iter_rows(min_row=3)}
    rate = cells["调解成功率 mediation.success_rate"]
    assert isinstance(rate.value, float) and 0 < rate.value <= 1, rate.value
    assert rate.number_format == "0.00%"
    count = cells["调解纠纷 mediation.mediated"]
    assert isinstance(count.value, int) and count.number_format == "#,##0"
    assert_table_form(sheet, 2, landscape=False)
    assert width_of(sheet, rate) >= needed(rate)
    assert sheet.column_dimensions["A"].width >= 24  # 调解成功率 counted double


def test_a_statistics_sheet_by_office_prints_landscape(
    cli: Cli, real: dict[str, str], tmp_path: Path
) -> None:
    sheet = stats_book(cli, tmp_path, "--by", "office")
    assert sheet.max_column > 8
    assert_table_form(sheet, 2, landscape=True)


def header_row(sheet: Any, first: str) -> int:
    return next(r[0].row for r in sheet.iter_rows() if r[0].value == first)


def test_the_monthly_report_sheet(cli: Cli, real: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "2020-03.xlsx"
    args = ("report", "monthly", "--month", "2020-03", "--format", "xlsx", "--out", str(out))
    sheet = written(cli, args, out).active
    top = header_row(sheet, "单位")
    assert_table_form(sheet, top, landscape=True)  # eleven columns
    assert_totals_show(sheet)
    assert_totals_show(sheet, "镇（街道）小计")
    # 潘州街道司法所 (7 characters, 14 columns) against a header of 4 CJK characters
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["B"].width


def test_the_annual_report_wraps_its_sentences_across_the_table(
    cli: Cli, real: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "2020.xlsx"
    args = ("report", "annual", "--year", "2020", "--format", "xlsx", "--out", str(out))
    sheet = written(cli, args, out).active
    top = header_row(sheet, "单位")
    width = sheet.max_column
    merged = {str(r) for r in sheet.merged_cells.ranges}
    sentences = [r for r in range(2, top - 1) if sheet.cell(r, 1).value]
    assert sentences, "no paragraph above the table"
    for row in sentences:  # the paragraph and each section's sentence (一(七)3 ...)
        assert f"A{row}:{get_column_letter(width)}{row}" in merged, (row, merged)
        assert sheet.cell(row, 1).alignment.wrap_text
        assert sheet.row_dimensions[row].height >= 19


def test_the_mediation_form_sheet(cli: Cli, real: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    args = ("report", "mediation-form", *MARCH, "--format", "xlsx", "--output", str(out))
    sheet = written(cli, args, out).active
    assert_table_form(sheet, 2)
    rates = [r[2] for r in sheet.iter_rows(min_row=3) if r[3].value == "%"]
    assert rates and all(c.number_format == "0.00%" for c in rates if c.value is not None)
    assert all(0 <= c.value <= 1 for c in rates if c.value is not None)
    money = [r[2] for r in sheet.iter_rows(min_row=3) if r[3].value == "万元"]
    assert money and all(c.number_format == "#,##0.00" for c in money)


def test_the_case_export_sheet(cli: Cli, real: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "cases.xlsx"
    sheet = written(cli, ("export", "cases", "--out", str(out)), out)["案件"]
    assert_table_form(sheet, 1, landscape=True)
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}6"
    # the case number column as wide as a case number; the long JSON columns capped and wrapped
    first = sheet["A2"]
    assert width_of(sheet, first) >= needed(first)
    header = [c.value for c in sheet[1]]
    history = sheet.cell(1, header.index("办理经过") + 1).column_letter
    assert sheet.column_dimensions[history].width == 60
    widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
    assert max(widths) == 60


KINDS = {
    "stats": ("stats", *MARCH, "--xlsx"),
    "stats-by-office": ("stats", *MARCH, "--by", "office", "--xlsx"),
    "monthly": ("report", "monthly", "--month", "2020-03", "--format", "xlsx", "--out"),
    "annual": ("report", "annual", "--year", "2020", "--format", "xlsx", "--out"),
    "form": ("report", "mediation-form", *MARCH, "--format", "xlsx", "--output"),
    "export": ("export", "cases", "--out"),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_workbook_converts_to_pdf_in_libreoffice(
    cli: Cli, real: dict[str, str], tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"{kind}.xlsx"
    made = cli(*KINDS[kind], str(out))
    assert made.exit_code == 0, made.stderr
    pdf = libreoffice_pdf(out, tmp_path)
    assert pdf.pages >= 1
    setup = load_workbook(out).active.page_setup.orientation
    assert pdf.landscape == (pdf.pages if setup == "landscape" else 0), (kind, setup)
