"""A table in plain text within a width: the first column (names) on the left, the figures
right-aligned under headers that wrap; columns that do not fit go to a further table with the
first column repeated, so that no line is wider than asked and no figure is split.
"""

from __future__ import annotations

from collections.abc import Sequence

from casework.read.text_wrap import display_width, longest_atom, wrap

GAP = "  "


def _header_width(header: str, figures: int) -> int:
    """A figures column's width: its widest figure, its header over two lines at most."""
    half = (display_width(header) + 1) // 2 + 1
    return max(figures, longest_atom(header), min(half, display_width(header)))


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(width - display_width(text), 0)
    return space + text if right else text + space


def _parts(widths: Sequence[int], width: int) -> list[list[int]]:
    """The figure columns (1..) of each table: as many as fit beside the first column."""
    parts: list[list[int]] = [[]]
    used = widths[0]
    for i in range(1, len(widths)):
        need = len(GAP) + widths[i]
        if parts[-1] and used + need > width:
            parts.append([])
            used = widths[0]
        parts[-1].append(i)
        used += need
    return parts


def _render(header: list[str], rows: list[list[str]], widths: list[int]) -> list[str]:
    heads = [wrap(h, w) for h, w in zip(header, widths, strict=True)]
    height = max(len(h) for h in heads)
    lines = []
    for n in range(height):  # a header's lines at the bottom, over its column
        cells = [h[n - height + len(h)] if n >= height - len(h) else "" for h in heads]
        lines.append(_line(cells, widths))
    return lines + [_line(r, widths) for r in rows]


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    padded = [_pad(c, w, right=i > 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
    return GAP.join(padded).rstrip()


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> list[list[str]]:
    """The table as one or more blocks of lines, each at most ``width`` columns wide when the
    first column and one figure column fit."""
    body = [[str(v) for v in r] for r in rows]
    first = max(display_width(r[0]) for r in [list(header), *body])
    widths = [first] + [
        _header_width(header[i], max(display_width(r[i]) for r in body) if body else 0)
        for i in range(1, len(header))
    ]
    blocks = []
    for part in _parts(widths, width):
        columns = [0, *part]
        blocks.append(
            _render(
                [header[i] for i in columns],
                [[r[i] for i in columns] for r in body],
                [widths[i] for i in columns],
            )
        )
    return blocks
