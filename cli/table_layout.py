"""How wide each column of a terminal table is, so that the table fits the terminal and no
number, code or English word in it is split across lines (issue 17 point 2).

A column is never narrower than its longest unbreakable piece (casework.read.text_wrap); a
column of numbers is as wide as its widest number and right-aligned. What is left of the width
goes to the columns whose text would otherwise wrap, the narrowest first. A table that cannot
fit so is said not to fit: the caller lays it out another way (cli/output.py prints its rows
as records; ``stats`` turns a wide grouping on its side).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from casework.read.text_wrap import display_width, longest_atom

# A cell of a column of figures: 1,932 · -3 · 97.78% · — (no figure).
NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?%?|—|-|")


def is_number_column(cells: Sequence[str]) -> bool:
    """Whether every cell is a figure (or empty), and one at least is."""
    return any(c.strip() for c in cells) and all(NUMBER.fullmatch(c.strip()) for c in cells)


def overhead(columns: int) -> int:
    """The columns a table (cli/output.py: no outer rules) takes besides its cells: a space
    either side of each cell and a rule between two."""
    return 3 * columns - 1


@dataclass(frozen=True)
class Measure:
    """A column's narrowest width (its longest unbreakable piece, or its widest number), the
    width of its longest cell, and its widest (its header's too)."""

    least: int
    cells: int
    most: int
    numeric: bool


def measure(header: str, cells: Sequence[str]) -> Measure:
    numeric = is_number_column(cells)
    lines = [line for text in cells for line in text.split("\n")]
    longest = max((display_width(line) for line in lines), default=0)
    most = max([longest, *(display_width(line) for line in header.split("\n"))])
    # A header the caller broke into lines keeps them; another wraps like a cell.
    head = max(display_width(h) for h in header.split("\n")) if "\n" in header else None
    head = longest_atom(header) if head is None else head
    if numeric:  # a figure never wraps
        least = max([head, *(display_width(c) for c in cells)])
    else:
        least = max([head, *(longest_atom(text) for text in cells)])
    least = max(least, 1)
    return Measure(least, max(least, longest), max(least, most), numeric)


def widths(measures: Sequence[Measure], width: int) -> list[int] | None:
    """Each column's width in a table at most ``width`` wide, or None when even the narrowest
    layout is wider."""
    room = width - overhead(len(measures))
    sizes = [m.least for m in measures]
    if sum(sizes) > room:
        return None
    # The narrowest column whose cells would wrap gets the next column of room (a rule, a
    # title), up to its longest cell; then the headers that would wrap.
    for goal in ([m.cells for m in measures], [m.most for m in measures]):
        for _ in range(room - sum(sizes)):
            short = [i for i, want in enumerate(goal) if sizes[i] < want]
            if not short:
                break
            sizes[min(short, key=lambda i: sizes[i])] += 1
    return sizes
