"""The cells of every CSV file casework writes, made safe to open in a spreadsheet, and read
back as they were.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and
some strip a leading tab or carriage return first): a case title such as
``=HYPERLINK("http://…")`` would become a live link, ``+cmd|' /C calc'!A0`` a command.
OWASP's rule (CSV injection) is applied: such a text cell gets a leading ``'``, which both
Excel and LibreOffice Calc show as text. A text cell that already starts with ``'`` gets one
more, so that the import, which removes exactly one leading ``'``, reads every cell back as
it was written. ID numbers and phones are text too: a spreadsheet would read
``440902199001011234`` as the number 4.40902199001011E+17 and ``06681234567`` without its
leading zero, so in their columns a cell of digits only is marked as well (a masked
``4409**********1234`` is text already).

Numbers stay numbers: ints and floats are written as they are, and so is a text cell that is
a plain number (``-3``, ``1,234``, ``-12.5%``), which no spreadsheet reads as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

MARK = "'"
# A formula, or a formula behind a tab or carriage return some spreadsheets strip first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})*(?:\.\d+)?%?|-?\d+(?:\.\d+)?%?")


def safe_cell(value: object, text: bool = False) -> object:
    """The value as a CSV cell: a text cell a spreadsheet would run as a formula (or, with
    ``text``, one of digits only, which it would read as a number: an ID number, a phone)
    with a leading ``'``; anything else as it is."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(MARK) or (text and value.isdigit()):
        return MARK + value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return MARK + value
    return value


def safe_row(row: Iterable[object], text_columns: Collection[int] = ()) -> list[object]:
    """A row's cells made safe; digits at ``text_columns`` (0-based) marked as text."""
    return [safe_cell(v, i in text_columns) for i, v in enumerate(row)]


def unmark(cell: str) -> str:
    """A cell as read back: one leading ``'`` (the mark ``safe_cell`` adds) removed."""
    return cell[1:] if cell.startswith(MARK) else cell


def unmarked(cells: Sequence[str]) -> list[str]:
    """A row's cells as read back (see ``unmark``)."""
    return [unmark(c) for c in cells]


class _Writable(Protocol):
    def write(self, s: str, /) -> object: ...


class SafeWriter:
    """``csv.writer`` whose every row is made safe (see ``safe_row``): the one way casework
    writes a CSV file."""

    def __init__(self, fh: _Writable, text_columns: Collection[int] = ()) -> None:
        self._out = csv.writer(fh)
        self.text_columns = frozenset(text_columns)

    def writeheader(self, row: Iterable[object]) -> None:
        """A header row: its names are never marked as text, only made safe."""
        self._out.writerow(safe_row(row))

    def writerow(self, row: Iterable[object]) -> None:
        self._out.writerow(safe_row(row, self.text_columns))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(
    header: Iterable[object], body: Iterable[Iterable[object]], text_columns: Collection[int] = ()
) -> str:
    """A table as the text of a CSV file, its cells made safe."""
    out = io.StringIO()
    writer = SafeWriter(out, text_columns)
    writer.writeheader(header)
    writer.writerows(body)
    return out.getvalue()
