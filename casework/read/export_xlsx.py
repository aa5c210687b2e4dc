"""Writing tables as XLSX workbooks: Chinese headers, numbers as numbers, rates as percentages,
in the form of ``sheet_style`` (widths, a frozen filtered header, print setup).

openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from casework.errors import InvalidData
from casework.read.shapes import Figure, StatsJSON
from casework.read.sheet_style import (
    COUNT_FORMAT,
    RATE_FORMAT,
    YUAN_FORMAT,
    Formatted,
    Layout,
    Written,
    append,
    finish,
)
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


def number(value: Written) -> Written:
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
    rows: Sequence[Sequence[Written]],
    force: bool = False,
) -> None:
    """One sheet: a title row, a header row, the rows; numbers stay numbers, in the form of
    ``sheet_style``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    check_xlsx_path(path, force)
    book = Workbook()
    sheet = book.active
    sheet.title = "统计"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    append(sheet, header)
    for row in rows:
        append(sheet, [number(v) for v in row])
    finish(sheet, Layout(header_row=2, repeat_from=1))
    save_book(book, path, force)


def figure_cell(name: str, label: str, value: Figure) -> Written:
    """A figure as a cell: a rate (a percentage) as a fraction shown ``0.00%``, an amount in
    yuan in the yuan format, a count with separators, none as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return Formatted(round(value / 100, 6), RATE_FORMAT)
    if name.endswith(".amount") or "（元）" in label:
        return Formatted(value, YUAN_FORMAT)
    return Formatted(value, COUNT_FORMAT)


def stats_table(result: StatsJSON) -> tuple[list[str], list[list[Written]]]:
    """``casework stats`` as a table: metrics down; one column, or one per group across."""
    labels = result.get("labels", {})
    grouped = result.get("rows")
    if grouped is None:
        metrics = result.get("metrics", {})
        return ["指标 metric", "值 value"], [
            [f"{label} {n}", figure_cell(n, label, metrics.get(n))] for n, label in labels.items()
        ]
    header = ["指标 metric", *[r["key"] for r in grouped]]
    body: list[list[Written]] = [
        [f"{label} {n}", *[figure_cell(n, label, r["metrics"].get(n)) for r in grouped]]
        for n, label in labels.items()
    ]
    return header, body


def write_stats(path: str, result: StatsJSON, force: bool = False) -> None:
    """``casework stats --xlsx``: the figures as numbers, rates as percentages."""
    header, body = stats_table(result)
    write_table(path, f"统计 {result['from']}..{result['to']}", header, body, force)


def titled_table(
    ws: Worksheet,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Written]],
    money_col: int,
) -> None:
    """A titled table on a sheet: a title row, a header row, the rows, the last of them its
    totals in bold; amounts of the money column (counted from 1) in yuan (``¥#,##0.00``)."""
    from openpyxl.styles import Font

    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    append(ws, headers)
    for row in rows:
        append(ws, row)
    finish(ws, Layout(header_row=2, totals=1, repeat_from=1, formats={money_col: YUAN_FORMAT}))
