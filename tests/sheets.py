"""Reading a written workbook's form back with openpyxl: the width a value needs as a
spreadsheet displays it, measured here on its own (not by the code under test), and the checks
every table casework writes must pass (issue 17 point 1)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

BOLD = 1.1  # bold glyphs are about a tenth wider than regular ones


def displayed(value: object, number_format: str) -> str:
    """A value as a spreadsheet shows it in the formats casework uses."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if "%" in number_format:
        return f"{value * 100:.2f}%"
    if "0.00" in number_format:
        text = f"{value:,.2f}" if "," in number_format else f"{value:.2f}"
    elif "," in number_format:
        text = f"{value:,}"
    else:
        text = str(value)
    return ("¥" if "¥" in number_format else "") + text + ("元" if "元" in number_format else "")


def columns_of(text: str) -> int:
    """Screen columns: wide and full-width characters two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def needed(cell: Any) -> float:
    """The width a cell needs to show its value whole (bold wider)."""
    width = columns_of(displayed(cell.value, cell.number_format))
    return width * (BOLD if cell.font.b else 1)


def width_of(sheet: Any, cell: Any) -> float:
    return float(sheet.column_dimensions[cell.column_letter].width or 0)


def totals_row(sheet: Any, label: str = "合计") -> tuple[Any, ...]:
    rows = [r for r in sheet.iter_rows() if r[0].value == label]
    assert rows, f"no {label} row on {sheet.title}"
    return rows[-1]


def assert_totals_show(sheet: Any, label: str = "合计") -> None:
    """Every cell of the totals row is bold and its column wide enough for it (no ###)."""
    for cell in totals_row(sheet, label):
        if cell.value is None or cell.value == "":
            continue
        assert cell.font.b, (sheet.title, cell.coordinate)
        assert width_of(sheet, cell) >= needed(cell), (
            sheet.title,
            cell.coordinate,
            displayed(cell.value, cell.number_format),
            width_of(sheet, cell),
        )


def assert_table_form(sheet: Any, header_row: int, landscape: bool | None = None) -> None:
    """A bold header frozen below it and filtered, printed one page wide with the header
    repeated on every page and page numbers in the footer."""
    header = [c for c in sheet[header_row] if c.value is not None]
    assert header and all(c.font.b for c in header), sheet.title
    assert sheet.freeze_panes == f"A{header_row + 1}", (sheet.title, sheet.freeze_panes)
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith(f"A{header_row}:")
    setup = sheet.page_setup
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0, sheet.title
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    titles = (sheet.print_title_rows or "").replace("$", "")
    assert titles.endswith(f":{header_row}"), (sheet.title, titles)
    assert "&P" in (sheet.oddFooter.center.text or "") and "&N" in sheet.oddFooter.center.text
    if landscape is not None:
        assert setup.orientation == ("landscape" if landscape else "portrait"), sheet.title
    for cell in header:
        assert width_of(sheet, cell) >= min(needed(cell), 60), (sheet.title, cell.value)
