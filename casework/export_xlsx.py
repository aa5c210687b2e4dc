"""Writing a plain table as an XLSX workbook with Chinese headers and a bold header row."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from casework.errors import InvalidData


def check_xlsx_path(path: str) -> None:
    """Refuse an output path that is not .xlsx or whose folder does not exist."""
    if not path.lower().endswith(".xlsx"):
        raise InvalidData(f"{path[:200]!r} must end in .xlsx")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InvalidData(f"folder {folder} does not exist")


def write_table(
    path: str, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """One sheet: a title row, a header row, the rows; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    check_xlsx_path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "统计"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_number(v) for v in row])
    sheet.column_dimensions["A"].width = 36
    book.save(path)


def _number(value: Any) -> Any:
    if isinstance(value, str):
        text = value.replace(",", "")
        if text.isdigit():
            return int(text)
    return value
