"""Text for fixed-width output (a terminal, a plain-text report): display widths and line
wrapping that never splits a number, a code or an English word.

A line may break at a space, between two Chinese characters, or where Chinese meets Latin
text; never inside a run of Latin letters, digits and their punctuation (``1,932``,
``XF-2020-panzhou-00001``, ``dispute_type=neighbour,``), so that what a reader copies is
what was printed. Chinese closing punctuation stays with the character before it and opening
punctuation with the one after (no line starts with ``，`` or ends with ``（``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Chinese punctuation that may not start a line, and that may not end one.
NO_LINE_START = frozenset("，。、；：？！）》」』】〕…,.;:?!)%")
NO_LINE_END = frozenset("（《「『【〔(")


def char_width(ch: str) -> int:
    """The columns a character takes: two for wide (CJK) characters, none for combining marks
    and format characters, one otherwise (as terminals and Rich count them)."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """The columns ``text`` takes on one line."""
    return sum(char_width(ch) for ch in text)


@dataclass(frozen=True)
class Atom:
    """A piece a line never breaks inside: ``text[start:end]``; ``spaced``: whitespace
    separates it from the piece before (kept when both stay on one line, dropped at a break)."""

    start: int
    end: int
    spaced: bool


def _pieces(text: str) -> Iterator[Atom]:
    """Each wide character alone, each run of narrow non-space characters whole (a ``key=``
    apart from its value)."""
    start, gap = -1, False
    for i, ch in enumerate(text):
        wide = char_width(ch) == 2
        if start >= 0 and (ch.isspace() or wide):
            yield Atom(start, i, gap)
            start, gap = -1, False
        if ch.isspace():
            gap = True
        elif wide:
            yield Atom(i, i + 1, gap)
            gap = False
        elif start < 0:
            start = i
        if ch == "=" and start >= 0:  # key=value breaks after the key (a value's boundary)
            yield Atom(start, i + 1, gap)
            start, gap = -1, False
    if start >= 0:
        yield Atom(start, len(text), gap)


def atoms(text: str) -> list[Atom]:
    """The unbreakable pieces of one line of ``text``, punctuation glued to its neighbour."""
    out: list[Atom] = []
    for piece in _pieces(text):
        glued = out and not piece.spaced
        if glued and (text[out[-1].end - 1] in NO_LINE_END or text[piece.start] in NO_LINE_START):
            out[-1] = Atom(out[-1].start, piece.end, out[-1].spaced)
        else:
            out.append(piece)
    return out


def longest_atom(text: str) -> int:
    """The narrowest width ``text`` wraps into without breaking a piece."""
    return max(
        (display_width(line[a.start : a.end]) for line in text.split("\n") for a in atoms(line)),
        default=0,
    )


def _fold(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """A piece wider than the whole line, cut into lines of ``width`` (a last resort: tables
    and reports size their columns so that this never happens to a number or a code)."""
    spans, first, used = [], start, 0
    for i in range(start, end):
        w = char_width(text[i])
        if i > first and used + w > width:
            spans.append((first, i))
            first, used = i, 0
        used += w
    return [*spans, (first, end)]


def line_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where one line of ``text`` breaks to fit ``width`` columns: each output line as the
    span ``(start, end)`` of ``text`` it shows (the whitespace at a break left out)."""
    spans: list[tuple[int, int]] = []
    first, last = -1, -1
    for atom in atoms(text):
        if first >= 0 and display_width(text[first : atom.end]) <= width:
            last = atom.end
            continue
        if first >= 0:
            spans.append((first, last))
        first, last = atom.start, atom.end
        if display_width(text[first:last]) > width:
            *full, (first, last) = _fold(text, first, last, width)
            spans += full
    if first >= 0:
        spans.append((first, last))
    return spans or [(0, 0)]


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` columns; its own line breaks kept."""
    return [
        part[start:end]
        for part in text.split("\n")
        for start, end in line_spans(part, max(width, 1))
    ]
