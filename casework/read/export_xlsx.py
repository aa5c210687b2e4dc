"""Writing tables as XLSX workbooks: Chinese headers, a bold header row, numbers as numbers.

openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from casework.errors import InvalidData
from casework.storage.outfiles import STDOUT, binary_stdout, check_new, save_book

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int | float | None


def check_xlsx_path(path: str, force: bool = False) -> None:
    """Refuse an output path that is not .xlsx, whose folder does not exist, or that exists
    (unless ``force``); ``-`` is standard output (casework.storage.outfiles)."""
    if path == STDOUT:
        binary_stdout()
        return
    check_new(path, force)
    if not path.lower().endswith(".xlsx"):
        raise InvalidData(
            f"输出文件 out {path[:200]!r} 应以 .xlsx 结尾 (must end in .xlsx)",
            field="out",
            value=path[:200],
        )
    check_folder(path)


def check_folder(path: str) -> None:
    """Refuse an output path whose folder does not exist."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InvalidData(
            f"文件夹 folder {folder} 不存在 (does not exist)", field="out", value=path[:200]
        )


def number(value: Cell) -> Cell:
    """Digits (with thousands separators) as a number, anything else as it is."""
    if isinstance(value, str):
        text = value.replace(",", "")
        if text.isdigit():
            return int(text)
    return value


def write_table(
    path: str,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    force: bool = False,
) -> None:
    """One sheet: a title row, a header row, the rows; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    check_xlsx_path(path, force)
    book = Workbook()
    sheet = book.active
    sheet.title = "统计"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([number(v) for v in row])
    sheet.column_dimensions["A"].width = 36
    save_book(book, path, force)


def titled_table(
    ws: Worksheet,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    money_col: int,
) -> None:
    """A titled table on a sheet: a title row, a header row, the rows, the last of them its
    totals in bold; amounts of the money column (counted from 1) as ``#,##0.00``."""
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(list(row))
    for cell in ws[ws.max_row]:
        cell.font = bold
    for line in ws.iter_rows(min_row=3, min_col=money_col, max_col=money_col):
        for cell in line:
            cell.number_format = "#,##0.00"
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column[1:]) if len(column) > 1 else 8
        ws.column_dimensions[column[0].column_letter].width = min(max(width * 1.6, 8), 40)
    ws.freeze_panes = "A3"
