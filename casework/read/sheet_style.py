"""The form of every worksheet casework writes: widths from the text as displayed, a bold
frozen header with an autofilter, typed cells and a print setup a finance office can use.

A column is as wide as its widest cell as the spreadsheet shows it: CJK and full-width
characters take two columns, a number is measured as its format prints it (``1,234,567.00``,
``97.78%``, ``¥1,100.00``) and bold text a little wider, so a totals row never shows ``###``.
Wider than ``MAX_WIDTH`` a column stops growing and its long cells wrap. The header row is
frozen, filtered and repeated on every printed page; a wide table prints landscape; every
table prints one page wide with its page numbers in the footer.

openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from casework.time.local import CST

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as SheetCell
    from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
RATE_FORMAT = "0.00%"
YUAN_FORMAT = "¥#,##0.00"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
FOOTER = "第 &P 页 共 &N 页"
MAX_WIDTH = 60  # wider than this a column wraps its long cells instead
LINE_HEIGHT = 15  # points a line of 11-point text takes
MIN_WIDTH = 6
BOLD = 1.1  # bold glyphs are about a tenth wider
PAD = 2  # the cell's margins and the filter button
WIDE_COLUMNS = 8  # more columns than this, or wider than WIDE_WIDTH, prints landscape
WIDE_WIDTH = 100
HEADER_FILL = "DDEBF7"
SAMPLE = 1000  # a streamed sheet's widths come from its header and first rows

Value = str | int | float | Decimal | date | datetime | None


@dataclass(frozen=True, slots=True)
class Formatted:
    """A number to be shown in a format of its own (a rate in a column of counts)."""

    value: int | float
    number_format: str


Written = Value | Formatted


class Sheet(Protocol):
    """What the print setup sets on a worksheet, written whole or streamed (openpyxl's
    write-only sheet is no ``Worksheet``)."""

    page_setup: Any
    sheet_properties: Any
    print_options: Any
    print_title_rows: str | None
    oddFooter: Any
    evenFooter: Any


class _CharWidths(dict[str, int]):
    """Columns each character takes, found once per character: an export measures the same
    few thousand characters millions of times."""

    def __missing__(self, ch: str) -> int:
        if unicodedata.combining(ch):
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        self[ch] = width
        return width


_CHAR_WIDTHS = _CharWidths()


def text_width(text: str) -> int:
    """Columns the text takes on screen: wide and full-width characters two, combining marks
    none, the widest line of a text of several."""
    if text.isascii():  # no wide characters nor combining marks: a column each
        return max(map(len, text.split("\n")))
    widths = _CHAR_WIDTHS.__getitem__
    return max(sum(map(widths, line)) for line in text.split("\n"))


_DECIMALS = re.compile(r"0\.(0+)")


def shown(value: object, number_format: str = "General") -> str:
    """The value as a spreadsheet prints it in this number format (the formats of this
    module and General)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if "h" in number_format else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if number_format == "General":
        return str(value) if isinstance(value, int) else f"{value:.10g}"
    places = _DECIMALS.search(number_format)
    digits = len(places.group(1)) if places else 0
    number = value * 100 if "%" in number_format else value
    body = f"{number:,.{digits}f}" if "," in number_format else f"{number:.{digits}f}"
    prefix = "¥" if number_format.startswith("¥") else ""
    suffix = "%" if "%" in number_format else ("元" if '"元"' in number_format else "")
    return prefix + body + suffix


def local(value: datetime) -> datetime:
    """An instant as the local wall-clock time a spreadsheet shows (it knows no offsets)."""
    if value.tzinfo is None:
        return value
    return value.astimezone(CST).replace(tzinfo=None)


def typed(cell: SheetCell, number_format: str | None = None) -> None:
    """A date or time cell given its format, a number its column's (unless it has one)."""
    value = cell.value
    if isinstance(value, datetime):
        cell.value = local(value)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif _plain_number(value) and number_format is not None and cell.number_format == "General":
        cell.number_format = number_format


def _plain_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def cell_width(cell: SheetCell) -> float:
    """The width a cell's value needs, as displayed, bold or not."""
    width = text_width(shown(cell.value, cell.number_format))
    return width * (BOLD if cell.font is not None and cell.font.b else 1) + PAD


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a table sits on its sheet: its header row (rows above it are titles), the
    totals rows at its foot, the first row repeated on every printed page (default: the
    header), and the number format of each numeric column (counted from 1)."""

    header_row: int = 1
    totals: int = 0
    repeat_from: int | None = None
    formats: Mapping[int, str] | None = None


def append(ws: Worksheet, values: Iterable[Written]) -> None:
    """A row of values, each ``Formatted`` one in its format, strings that look like formulas
    kept as text."""
    row = list(values)
    ws.append([v.value if isinstance(v, Formatted) else v for v in row])
    for cell, value in zip(ws[ws.max_row], row, strict=False):
        if isinstance(value, Formatted):
            cell.number_format = value.number_format
        elif isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"


def finish(ws: Worksheet, layout: Layout) -> None:
    """Give a written table its form: typed cells, bold header and totals, widths, frozen
    filtered header and print setup."""
    from openpyxl.styles import Font

    top, last = layout.header_row, ws.max_row
    formats = layout.formats or {}
    for line in ws.iter_rows(min_row=top + 1, max_row=last):
        for cell in line:
            typed(cell, formats.get(cell.column))
    _header(ws[top])
    for row in range(max(last - layout.totals + 1, top + 1), last + 1):
        for cell in ws[row]:
            cell.font = Font(bold=True)
    widths = _widths(ws, top)
    print_setup(ws, layout, widths)
    ws.freeze_panes = f"A{top + 1}"
    ws.auto_filter.ref = _filter_ref(len(widths), top, max(last - layout.totals, top))


def _header(cells: Iterable[SheetCell]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in cells:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _widths(ws: Worksheet, top: int) -> list[float]:
    """Each column's width from the header down (merged cells, such as a paragraph spread
    over the table, left out); cells too wide for ``MAX_WIDTH`` wrap."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    merged = {c for r in ws.merged_cells.ranges for c in _coordinates(r.bounds)}
    widths: list[float] = []
    tall: dict[int, int] = {}  # a row's most wrapped lines
    for col in range(1, ws.max_column + 1):
        need = float(MIN_WIDTH)
        for (cell,) in ws.iter_rows(min_row=top, min_col=col, max_col=col):
            if (cell.row, col) in merged or cell.value is None:
                continue
            width = cell_width(cell)
            if width > MAX_WIDTH:
                cell.alignment = Alignment(
                    horizontal=cell.alignment.horizontal, vertical="top", wrap_text=True
                )
                tall[cell.row] = max(tall.get(cell.row, 1), -(-int(width) // MAX_WIDTH))
            need = max(need, min(width, MAX_WIDTH))
        ws.column_dimensions[get_column_letter(col)].width = round(need, 1)
        widths.append(need)
    # LibreOffice keeps a row's default height on opening, so a wrapped cell would print over
    # the rows below it: the row is given the height of its lines.
    for row, lines in tall.items():
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
    return widths


def _coordinates(bounds: tuple[int, int, int, int]) -> Iterator[tuple[int, int]]:
    min_col, min_row, max_col, max_row = bounds
    for row in range(min_row, max_row + 1):
        for col in range(min_col, max_col + 1):
            yield row, col


def _filter_ref(columns: int, top: int, bottom: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"A{top}:{get_column_letter(max(columns, 1))}{bottom}"


def print_setup(ws: Sheet, layout: Layout, widths: Sequence[float]) -> None:
    """Landscape when wide, one page wide however long, the header on every page, page
    numbers in the footer."""
    from openpyxl.worksheet.properties import PageSetupProperties

    wide = len(widths) > WIDE_COLUMNS or sum(widths) > WIDE_WIDTH
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    first = layout.repeat_from or layout.header_row
    ws.print_title_rows = f"{first}:{layout.header_row}"
    ws.oddFooter.center.text = FOOTER
    ws.evenFooter.center.text = FOOTER
