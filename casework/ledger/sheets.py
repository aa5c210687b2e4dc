"""Spreadsheet ledgers, first sheet only, as rows of text: XLSX streamed by openpyxl
(read-only), .xls and .ods by python-calamine. Each row is numbered as the spreadsheet shows
it and held to the limits of casework.ledger.limits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from casework.errors import CaseworkError, InvalidData
from casework.ledger.limits import check_row, shown
from casework.ledger.zipped import check_zip

Row = tuple[int, list[str]]  # (row number as a spreadsheet shows it, cells)
LABELS = {"xlsx": "XLSX", "xls": "XLS", "ods": "ODS"}


def unreadable(path: str, fmt: str, exc: BaseException) -> InvalidData:
    label = LABELS[fmt]
    return InvalidData(
        f"{shown(path)} 不是可读的 {label} 文件 (not a readable {label} file: "
        f"{type(exc).__name__})",
        field="file",
    )


def guarded(path: str, fmt: str, rows: Iterator[Row]) -> Iterator[Row]:
    """The rows, with whatever a damaged file raises while it is read turned into a refusal."""
    try:
        yield from rows
    except CaseworkError:
        raise
    except Exception as exc:  # the readers raise many kinds on a damaged file
        raise unreadable(path, fmt, exc) from None


def _filled(path: str, numbered: Iterator[tuple[int, list[str]]]) -> Iterator[Row]:
    for number, cells in numbered:
        check_row(path, number, cells)
        if any(cells):
            yield number, cells


@contextmanager
def xlsx_rows(path: str) -> Iterator[Iterator[Row]]:
    from openpyxl import load_workbook  # only imports need it

    check_zip(path, "XLSX")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # The declared dimension is not trusted: A1:XFD1048576 would pad every row.
        sheet.reset_dimensions()
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise unreadable(path, "xlsx", exc) from None
    try:
        values = sheet.iter_rows(values_only=True)
        numbered = ((n, [cell_text(v) for v in row]) for n, row in enumerate(values, start=1))
        yield guarded(path, "xlsx", _filled(path, numbered))
    finally:
        book.close()


@contextmanager
def calamine_rows(path: str, fmt: str) -> Iterator[Iterator[Row]]:
    """An .xls or .ods sheet. calamine's rows start at the sheet's first row, but their cells
    at the first filled column: the columns before it are put back."""
    from python_calamine import CalamineWorkbook

    if fmt == "ods":
        check_zip(path, "ODS")
    try:
        # By its content: from_path would go by the name, and an .xls may be named .xlsx.
        with open(path, "rb") as fh:
            book = CalamineWorkbook.from_filelike(fh)
        sheet = book.get_sheet_by_index(0)
        left = (sheet.start or (0, 0))[1]
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises its own kinds on a damaged file
        raise unreadable(path, fmt, exc) from None
    try:
        pad = [""] * left
        numbered = ((n, pad + [cell_text(v) for v in row]) for n, row in enumerate(rows, start=1))
        yield guarded(path, fmt, _filled(path, numbered))
    finally:
        book.close()


def cell_text(value: Any) -> str:
    """A cell as the ledger's text: dates in ISO form, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
