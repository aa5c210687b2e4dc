"""How each format writes an export's cells: text in CSV, JSON values, typed XLSX cells (a
date a spreadsheet filters as a date, an amount it sums), and the refusal of a text too long
for an XLSX cell, which a spreadsheet would otherwise cut."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from casework.errors import InvalidData
from casework.read.export_labels import Cell
from casework.read.sheet_style import Value
from casework.time.local import local_iso

if TYPE_CHECKING:
    pass

# What one XLSX cell holds at most (Excel's limit, in UTF-16 units); openpyxl silently cuts
# longer text, and a cut 办理经过 no longer re-imports.
XLSX_CELL_LIMIT = 32767


def csv_text(value: Cell) -> str:
    """A cell as CSV text: an instant in local time with its offset, a day as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def json_value(value: object) -> object:
    """What ``json.dumps`` cannot write itself: instants and days as ISO text."""
    if isinstance(value, datetime):
        return local_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def text_length(text: str) -> int:
    """A text's length as a spreadsheet counts it (UTF-16 units)."""
    return len(text.encode("utf-16-le")) // 2


def long_cell(row: Sequence[Cell]) -> tuple[int, int] | None:
    """The first text of a row too long for an XLSX cell: its index and length."""
    for i, value in enumerate(row):
        if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT // 2:
            length = text_length(value)
            if length > XLSX_CELL_LIMIT:
                return i, length
    return None


def too_long(case: str, header: str, length: int) -> InvalidData:
    """The refusal of an XLSX export with a text over the cell limit, naming case and column."""
    return InvalidData(
        f"案件 {case[:40]} 的「{header}」有 {length} 个字符，超过 XLSX 单元格上限 "
        f"{XLSX_CELL_LIMIT} (too long for an XLSX cell)；请导出为 .csv 或 .json (export as "
        ".csv or .json)",
        field="out",
        value=case[:40],
    )


def xlsx_value(value: Cell) -> Value:
    """A cell as a streamed sheet takes it (read.sheet_stream types dates and keeps ``=`` text
    as text): an instant to the second, an object or a list as its JSON text."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False)
    return value
