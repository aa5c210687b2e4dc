"""A table streamed to a workbook row by row (openpyxl's write-only mode), in the form of
``sheet_style``: a streamed sheet's columns are written before its rows, so their widths come
from the header and the first ``SAMPLE`` rows; every row's long cells still wrap.

openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import cache
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, NamedTuple

from casework.read.sheet_style import (
    BOLD,
    DATE_FORMAT,
    DATETIME_FORMAT,
    HEADER_FILL,
    MAX_WIDTH,
    MIN_WIDTH,
    PAD,
    SAMPLE,
    Layout,
    Sheet,
    Value,
    local,
    print_setup,
    shown,
    text_width,
)

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment


def value_width(value: Value) -> float:
    """The width a plain (not bold) cell of this value needs."""
    return text_width(shown(value, _format_of(value) or "General")) + PAD


def _format_of(value: Value) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return None


def sample_widths(header: Sequence[str], rows: Sequence[Sequence[Value]]) -> list[float]:
    """Each column's width: its bold header's and its widest sampled cell's, capped."""
    widths = [text_width(h) * BOLD + PAD for h in header]
    for row in rows:
        for i, value in enumerate(row[: len(widths)]):
            if value is not None:
                widths[i] = max(widths[i], value_width(value))
    return [round(min(max(w, MIN_WIDTH), MAX_WIDTH), 1) for w in widths]


def stream_table(
    out: str | IO[bytes], title: str, header: Sequence[str], rows: Iterable[Sequence[Value]]
) -> int:
    """One sheet named ``title`` written to ``out`` (a path or a binary file): the header, then
    the rows as they come; returns how many rows were written."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    ws = book.create_sheet(title)
    stream: Iterator[Sequence[Value]] = iter(rows)
    first = list(islice(stream, SAMPLE))
    widths = sample_widths(header, first)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    print_setup(ws, Layout(), widths)
    ws.append(_header_cells(ws, header))
    count = 0
    try:
        for row in chain(first, stream):
            ws.append([_cell(ws, v) for v in row])
            count += 1
    except BaseException:
        # The half-written workbook is finished into nothing, so that openpyxl removes its
        # temporary files rather than failing on them when collected.
        with contextlib.suppress(Exception), open(os.devnull, "wb") as sink:
            book.save(sink)
        raise
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{count + 1}"
    if isinstance(out, str):
        with open(out, "wb") as fh:
            book.save(fh)
    else:
        book.save(out)
    return count


def _header_cells(ws: Sheet, header: Sequence[str]) -> list[WriteOnlyCell]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    cells = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _cell(ws: Sheet, value: Value) -> Value | WriteOnlyCell:
    """A value as it is, or as a cell when it needs a format, must stay text or wraps."""
    if isinstance(value, datetime | date):
        cell = _openpyxl().cell(ws, value=local(value) if isinstance(value, datetime) else value)
        cell.number_format = _format_of(value) or DATE_FORMAT
        return cell
    if not isinstance(value, str):
        return value
    # Text typed "=1+2" is text in a case, not a formula for the spreadsheet to run.
    formula = value.startswith("=")
    # Half the cap in characters can never be too wide: most cells skip the measuring.
    wraps = len(value) * 2 + PAD > MAX_WIDTH and value_width(value) > MAX_WIDTH
    if not (formula or wraps):
        return value
    made = _openpyxl()
    cell = made.cell(ws, value=value)
    if formula:
        cell.data_type = "s"
    if wraps:
        cell.alignment = made.wrapped
    return cell


class _Made(NamedTuple):
    cell: Callable[..., WriteOnlyCell]  # a function in openpyxl, not a class
    wrapped: Alignment


@cache
def _openpyxl() -> _Made:
    """openpyxl's cell, and the alignment of a wrapped cell, imported once (not per cell)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    return _Made(WriteOnlyCell, Alignment(vertical="top", wrap_text=True))
