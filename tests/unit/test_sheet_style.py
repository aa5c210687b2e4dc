"""The form of every workbook casework writes (casework.read.sheet_style, issue 17 point 1):
widths from the displayed text, typed cells, a frozen filtered header and the print setup;
the subsidy payout sheet, whose 合计 showed ### on all three sheets and whose detail sheet
printed on 161 portrait pages with no repeated header."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from casework.read.shapes import MediatorTotal, OfficeTotal, SheetJSON, SheetRow
from tests.sheets import assert_table_form, assert_totals_show, needed, width_of


def payout(claims: int) -> SheetJSON:
    """A quarter's sheet of many claims across two offices (a large 合计, as a city's is)."""
    rows = [
        SheetRow(
            office="panzhou" if i % 2 else "shanmei",
            office_name="潘州街道司法所" if i % 2 else "山美街道司法所",
            mediator=f"med_{i % 7}",
            mediator_name=f"调解员{i % 7}",
            claim=f"粤0981补2020{i:05d}",
            mediation_case=f"粤0981调2020{i:05d}",
            tier="complex",
            tier_label="疑难复杂纠纷",
            amount=800,
            state="approved",
            payable=800,
            capped=False,
            example=False,
        )
        for i in range(claims)
    ]
    total = 800 * claims
    return SheetJSON(
        quarter="2020Q3",
        claims=rows,
        by_office=[
            OfficeTotal(
                office="panzhou", office_name="潘州街道司法所", cases=claims // 2, amount=total // 2
            ),
            OfficeTotal(
                office="shanmei", office_name="山美街道司法所", cases=claims // 2, amount=total // 2
            ),
        ],
        by_mediator=[
            MediatorTotal(
                office="panzhou",
                mediator="med_1",
                mediator_name="调解员1",
                cases=claims,
                amount=total,
            )
        ],
        total_cases=claims,
        total_amount=total,
        example=False,
        heading="以案定补发放明细 2020Q3",
    )


def test_the_subsidy_totals_show_on_all_three_sheets(tmp_path: Path) -> None:
    from casework.read.subsidy import write_xlsx

    out = tmp_path / "2020Q3.xlsx"
    write_xlsx(payout(1600), str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["明细", "按单位", "按调解员"]
    for sheet in book:
        assert_totals_show(sheet)
        money = [c for c in sheet[3] if c.column == sheet.max_column - (sheet.title == "明细")]
        assert isinstance(money[0].value, int) and "¥" in money[0].number_format, sheet.title
    total = book["明细"]["I1603"]
    assert total.value == 1_280_000 and total.font.b
    assert width_of(book["明细"], total) >= needed(total) > len("1280000") * 1.6


def test_the_detail_sheet_prints_landscape_one_page_wide_with_its_header_repeated(
    tmp_path: Path,
) -> None:
    from casework.read.subsidy import write_xlsx

    out = tmp_path / "2020Q3.xlsx"
    write_xlsx(payout(1600), str(out))
    book = load_workbook(out)
    assert_table_form(book["明细"], 2, landscape=True)
    assert book["明细"].print_title_rows == "$1:$2"  # the heading and the header on every page
    assert_table_form(book["按单位"], 2, landscape=False)
    assert_table_form(book["按调解员"], 2)
    # the filter leaves the totals row out: sorting keeps 合计 at the foot
    assert book["明细"].auto_filter.ref == "A2:J1602"


def test_widths_count_cjk_double_and_numbers_as_formatted(tmp_path: Path) -> None:
    from casework.read.sheet_style import (
        RATE_FORMAT,
        YUAN_FORMAT,
        Formatted,
        Layout,
        append,
        finish,
        shown,
        text_width,
    )

    assert text_width("调解成功率") == 10 and text_width("success") == 7
    assert text_width("４４０９") == 8 and text_width("é") == 1
    assert shown(1234567, "#,##0.00") == "1,234,567.00"
    assert shown(0.9778, RATE_FORMAT) == "97.78%" and shown(1100, YUAN_FORMAT) == "¥1,100.00"
    book = Workbook()
    sheet = book.active
    append(sheet, ["调解成功", "success", "登记时间", "备注"])
    append(
        sheet,
        [Formatted(0.9778, RATE_FORMAT), 3, datetime(2020, 3, 1, 1, 30, tzinfo=UTC), "长" * 80],
    )
    append(sheet, ["=1+2", 12, date(2020, 3, 2), "x"])
    finish(sheet, Layout(formats={2: "#,##0"}))
    out = tmp_path / "t.xlsx"
    book.save(out)
    sheet = load_workbook(out).active
    assert width_of(sheet, sheet["A1"]) > width_of(sheet, sheet["B1"])  # CJK against ASCII
    assert sheet["A2"].value == 0.9778 and sheet["A2"].number_format == "0.00%"
    assert sheet["B2"].number_format == "#,##0"
    assert sheet["C2"].value == datetime(2020, 3, 1, 9, 30)  # local time, as a date cell
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["C3"].is_date and sheet["C3"].number_format == "yyyy-mm-dd"
    assert sheet["A3"].value == "=1+2" and sheet["A3"].data_type == "s"  # text, not a formula
    assert width_of(sheet, sheet["D2"]) == 60 and sheet["D2"].alignment.wrap_text
    # 160 columns of text in a column of 60 wrap to three lines: the row is as tall as them
    # (LibreOffice keeps a row's default height, and the text would print over the next row).
    assert sheet.row_dimensions[2].height == 3 * 15 + 2
    assert sheet.row_dimensions[3].height is None
    assert_table_form(sheet, 1, landscape=False)


def test_a_streamed_table_has_the_same_form(tmp_path: Path) -> None:
    from casework.read.sheet_stream import stream_table

    out = tmp_path / "cases.xlsx"
    rows = [["粤0981调2020001", date(2020, 3, 1), datetime(2020, 3, 1, 2, tzinfo=UTC), "=A1"]]
    rows += [[f"c{i}", date(2020, 3, 2), None, "长" * 90] for i in range(20)]
    assert stream_table(str(out), "案件", ["案件编号", "登记日期", "登记时间", "标题"], rows) == 21
    sheet = load_workbook(out)["案件"]
    assert_table_form(sheet, 1, landscape=True)  # wider than 100 in all
    assert sheet.auto_filter.ref == "A1:D22"
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == datetime(2020, 3, 1, 10) and sheet["C2"].is_date
    assert sheet["D2"].data_type == "s" and sheet["D2"].value == "=A1"
    assert sheet["D3"].alignment.wrap_text and width_of(sheet, sheet["D3"]) == 60
    assert width_of(sheet, sheet["A2"]) >= needed(sheet["A2"])


def test_the_payout_sheet_prints_in_libreoffice_one_page_wide_landscape(tmp_path: Path) -> None:
    """1,600 claims: one page wide, landscape, about 40 rows a page (skipped, with the reason,
    without LibreOffice); the two summary sheets a portrait page each."""
    from casework.read.subsidy import write_xlsx
    from tests.office import libreoffice_pdf

    out = tmp_path / "2020Q3.xlsx"
    write_xlsx(payout(1600), str(out))
    pdf = libreoffice_pdf(out, tmp_path)
    assert pdf.landscape == pdf.pages - 2 and pdf.pages <= 1600 // 30, pdf
