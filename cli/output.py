"""All terminal output: JSON documents, Rich tables and panels, one-line errors; and the
text files the CLI writes itself (CSV, reports).

The only module of the CLI that imports rich, and only when a table is drawn.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from cli.table_layout import Measure


def console() -> Console:
    from rich.console import Console

    # No emoji codes: a case's own text such as "见 :memo:" is printed as written, and Rich's
    # emoji table (a few milliseconds to load) stays off the start-up path.
    return Console(soft_wrap=False, highlight=False, emoji=False)


def print_json(data: object) -> None:
    """One JSON document on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_json_rows(rows: Iterable[object]) -> int:
    """A JSON array on stdout written a row at a time, as :func:`print_json` writes the
    list (a listing of a million cases is never held whole); returns the rows written."""
    import textwrap

    count = 0
    for row in rows:
        text = json.dumps(row, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write(("[\n" if count == 0 else ",\n") + textwrap.indent(text, "  "))
        count += 1
    sys.stdout.write("\n]\n" if count else "[]\n")
    return count


def error(message: str) -> None:
    """One line on stderr."""
    line = " ".join(str(message).split())
    sys.stderr.write(f"Error: {line}\n")


@contextmanager
def damage_warnings() -> Iterator[None]:
    """Rows a listing left out because they are damaged (casework.errors.DamagedRows), each
    said once as one line on stderr as it happens (``--json`` output on stdout stays one
    document; under ``serve``, a line of the server's log); other warnings as Python shows
    them. Nothing is kept but the lines said, however long the command runs."""
    import warnings

    from casework.errors import DamagedRows

    said: set[str] = set()
    shown = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not issubclass(category, DamagedRows):
            shown(message, category, filename, lineno, file, line)
            return
        text = " ".join(str(message).split())
        if text not in said:
            said.add(text)
            sys.stderr.write(text + "\n")

    with warnings.catch_warnings():
        warnings.simplefilter("always", DamagedRows)
        warnings.showwarning = show
        yield


def write_text(
    path: str,
    text: str,
    field: str,
    encoding: str = "utf-8",
    force: bool = False,
) -> None:
    """Write ``text`` to a new file (``-``: standard output), replacing one only if ``force``;
    one that exists or cannot be written is a refusal naming ``field`` (the option that gave
    the path). The file appears only when complete (casework.storage.outfiles)."""
    from casework.storage.outfiles import write_text as write

    write(path, text, force, field, encoding)


def written(path: str, message: str) -> None:
    """Say that a file was written: on stdout, or on stderr when the file went to stdout."""
    if path == "-":
        sys.stderr.write(message + "\n")
    else:
        line(message)


def summary_json(path: str, data: object) -> None:
    """A command's JSON summary: on stdout, or on stderr when its file went to stdout."""
    if path == "-":
        sys.stderr.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        print_json(data)


def width() -> int:
    """The terminal's width (``COLUMNS`` when set, 80 when output is not a terminal)."""
    return console().width


def _texts(rows: Iterable[Sequence[object]]) -> list[list[Text]]:
    """Each cell as Rich text: cells hold Rich markup (a state's colour, a status)."""
    from rich.text import Text

    return [[Text.from_markup("" if v is None else str(v), emoji=False) for v in r] for r in rows]


def _wrapped(text: Text, size: int) -> Text:
    """``text`` broken into lines of ``size`` columns at the places casework.read.text_wrap
    allows (never inside a number or a code), its styles kept."""
    from rich.text import Text

    from casework.read.text_wrap import line_spans

    lines: list[Text] = []
    offset = 0
    for part in text.plain.split("\n"):
        lines += [text[offset + a : offset + b] for a, b in line_spans(part, size)]
        offset += len(part) + 1
    return Text("\n").join(lines)


def _measures(columns: Sequence[tuple[str, str]], texts: list[list[Text]]) -> list[Measure]:
    from cli.table_layout import measure

    return [measure(h, [r[i].plain for r in texts]) for i, (h, _) in enumerate(columns)]


def fits(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]) -> bool:
    """Whether :func:`table` would draw these rows as a table within the terminal's width
    (else it prints each row as a record)."""
    from cli.table_layout import widths

    return widths(_measures(columns, _texts(rows)), width()) is not None


def table(
    title: str | None,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[object]],
    caption: str | None = None,
) -> None:
    """A Rich table within the terminal's width; columns are (header, style). Figures are
    right-aligned and never wrap; other cells wrap at spaces and between Chinese characters,
    never inside a number, a code or a word (cli/table_layout.py). Rows too wide for any
    such table are printed as records, a label and a value a line."""
    from rich.table import Table
    from rich.text import Text

    from cli.table_layout import widths

    texts = _texts(rows)
    measures = _measures(columns, texts)
    sizes = widths(measures, width())
    if sizes is None:
        _records(title, columns, texts)
        return
    # No outer rules: two columns more for the cells, all a table at 80 columns needs.
    t = Table(title=title, caption=caption, show_lines=False, show_edge=False)
    for (header, style), size, m in zip(columns, sizes, measures, strict=True):
        t.add_column(
            _wrapped(Text.from_markup(header, emoji=False), size),
            style=style or None,
            justify="right" if m.numeric else "left",
            width=size,
            no_wrap=True,
        )
    for row in texts:
        t.add_row(*[_wrapped(cell, size) for cell, size in zip(row, sizes, strict=True)])
    console().print(t)


def _records(
    title: str | None, columns: Sequence[tuple[str, str]], texts: list[list[Text]]
) -> None:
    """Rows as records: each a block of label and value lines, for a terminal too narrow for
    their table."""
    from rich.table import Table
    from rich.text import Text

    from casework.read.text_wrap import display_width

    out = console()
    label = max(display_width(h) for h, _ in columns)
    room = max(out.width - label - 2, 1)
    if title:
        out.print(_wrapped(Text.from_markup(title, emoji=False), out.width))
    for row in texts:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold cyan", no_wrap=True, width=label)
        grid.add_column(no_wrap=True, width=room)
        for (header, _), cell in zip(columns, row, strict=True):
            grid.add_row(header, _wrapped(cell, room))
        out.print(grid)
        out.print()


def escape(text: object) -> str:
    """Text of the case (a title, an organ's name) safe inside a line of Rich markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(str(text))


def line(text: str) -> None:
    """A line of Rich markup on stdout."""
    console().print(text)


def panel(title: str, body: Sequence[tuple[str, object]]) -> None:
    """A panel of label/value lines, the values wrapped to the terminal's width as table
    cells are (never inside a number or a code)."""
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from casework.read.text_wrap import display_width

    labels = [Text.from_markup(label, emoji=False) for label, _ in body]
    label = max((display_width(t.plain) for t in labels), default=0)
    room = max(width() - 4 - label - 2, 1)  # the panel's rules and padding, the grid's gap
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column(no_wrap=True)
    for text, (_, value) in zip(labels, body, strict=True):
        cell = Text.from_markup("" if value is None else str(value), emoji=False)
        grid.add_row(text, _wrapped(cell, room))
    console().print(Panel(grid, title=Text.from_markup(title, emoji=False), expand=False))


def state_text(state: str, label: str, terminal: bool = False) -> str:
    style = "green" if terminal else "yellow"
    return f"[{style}]{label} {state}[/{style}]"


class ProgressBar:
    """A Rich progress bar on stderr, so that --json output on stdout stays one document."""

    def __init__(
        self, description: str, total: int | None = None, rate_unit: str | None = None
    ) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            """Items per second, such as rows/s of an import."""

            def render(self, task: Task) -> Text:
                speed = task.finished_speed or task.speed
                return Text("" if speed is None else f"{speed:,.0f} {rate_unit}/s")

        err = Console(stderr=True)
        rate = [Rate()] if rate_unit else []
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            *rate,
            TimeElapsedColumn(),
            console=err,
            transient=True,
            # Scripts read stderr for the one-line error: draw only for a person at a terminal.
            disable=not err.is_terminal,
        )
        self._task = self._progress.add_task(description, total=total)

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def total(self, total: int) -> None:
        self._progress.update(self._task, total=total)

    def advance_to(self, done: int) -> None:
        self._progress.update(self._task, completed=done)
