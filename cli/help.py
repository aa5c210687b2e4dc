"""``casework --help``: the root page in the layout Typer gives every other command's help.

Typer draws help through ``typer.rich_utils``, which imports Markdown and traceback support
(markdown-it, pygments) at module level and so costs more than the rest of the start-up. The
root page needs none of that: it draws the same usage line, help text, options panel and
commands panel with the few Rich pieces they use, and takes each command's one line of help from
the lazy table in :mod:`cli.main` without importing the command's module.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from os import getenv
from typing import TYPE_CHECKING

from typer.core import TyperArgument, TyperOption

if TYPE_CHECKING:
    import typer
    from rich.console import Console, RenderableType
    from rich.highlighter import RegexHighlighter
    from rich.table import Table
    from rich.text import Text
    from typer.core import TyperGroup

# The styles of typer.rich_utils, so that the root page looks like every other help page.
_THEME = {
    "option": "bold cyan",
    "switch": "bold green",
    "negative_option": "bold magenta",
    "negative_switch": "bold red",
    "types": "bold yellow",
    "types_sep": "dim",
    "usage": "yellow",
}
_OPTION_PATTERNS = [
    r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])",
    r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
    r"(?P<types>\<[^\>]+\>)",
    r"(?P<usage>Usage: )",
]
_TYPES_PATTERNS = [
    r"^(?P<types_sep>(\[|<))",
    r"(?P<types_sep>\|)",
    r"(?P<types_sep>(\]|>))(\.\.\.)?$",
]


def first_paragraph(text: str) -> str:
    """A command's line in a command list: its help up to the first blank line, on one line."""
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def print_root_help(
    group: TyperGroup, ctx: typer.Context, commands: Sequence[tuple[str, str]]
) -> None:
    """The help page of ``group`` with ``commands`` as (name, one-line help) pairs."""
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.text import Text

    highlight, highlight_types = _highlighters()
    console = _console(highlight)
    console.print(Padding(highlight(group.get_usage(ctx)), 1), style="bold")
    if group.help:
        console.print(Padding(_help_text(group.help, highlight), (0, 1, 1, 1)))
    options = _options(group, ctx, highlight, highlight_types)
    if options.row_count:
        console.print(Panel(options, border_style="dim", title=Text("Options"), title_align="left"))
    listing = _commands(commands, highlight)
    if listing.row_count:
        console.print(
            Panel(listing, border_style="dim", title=Text("Commands"), title_align="left")
        )


def _highlighters() -> tuple[RegexHighlighter, RegexHighlighter]:
    """Typer's highlighters of options and of types."""
    from rich.highlighter import RegexHighlighter

    class OptionHighlighter(RegexHighlighter):
        highlights = _OPTION_PATTERNS

    class TypesHighlighter(RegexHighlighter):
        highlights = _TYPES_PATTERNS

    return OptionHighlighter(), TypesHighlighter()


def _console(highlight: RegexHighlighter) -> Console:
    """A console set up as Typer sets up its help's."""
    from rich.console import Console
    from rich.theme import Theme

    width = getenv("TERMINAL_WIDTH")
    force = (
        True if getenv("GITHUB_ACTIONS") or getenv("FORCE_COLOR") or getenv("PY_COLORS") else None
    )
    if getenv("_TYPER_FORCE_DISABLE_TERMINAL"):
        force = False
    return Console(
        theme=Theme(_THEME),
        highlighter=highlight,
        emoji=False,
        force_terminal=force,
        width=int(width) if width else None,
    )


def _markup(text: str, style: str = "") -> Text:
    """Rich markup as Typer reads help, without emoji codes: loading their table alone costs
    more than drawing the page, and no help text here uses one."""
    from rich.text import Text

    return Text.from_markup(text, style=style, emoji=False)


def _help_text(help_text: str, highlight: RegexHighlighter) -> RenderableType:
    """The group's help: its first paragraph, then the rest dimmed."""
    from rich.console import Group
    from rich.text import Text

    first, *rest = inspect.cleandoc(help_text).split("\n\n")
    parts: list[RenderableType] = [highlight(_markup(" ".join(first.split())))]
    if rest:
        parts += [Text(""), highlight(_markup("\n\n".join(rest), "dim"))]
    return Group(*parts)


def _options(
    group: TyperGroup,
    ctx: typer.Context,
    highlight: RegexHighlighter,
    highlight_types: RegexHighlighter,
) -> Table:
    """The options panel's table: long flags, short flags, type, help."""
    from rich.table import Table
    from rich.text import Text

    options = Table(
        highlight=True, show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1)
    )
    for _ in range(5):
        options.add_column()
    # Typer's help column is a Columns renderable that takes all the spare width; so does this.
    options.add_column(ratio=1)
    for param in group.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        long = [o for o in param.opts if "--" in o]
        short = [o for o in param.opts if "--" not in o]
        kind = Text(style="bold yellow", overflow="fold")
        if isinstance(param, TyperOption | TyperArgument):
            kind.append(param.display_type_rich(ctx=ctx) or "")
        # Plain text, not markup: "[env: CASEWORK_DB]" is meant to be read, not taken as a style.
        help_text = " ".join(str(getattr(param, "help", None) or "").split())
        options.add_row(
            highlight(",".join(long)),
            highlight(",".join(short)),
            "",
            "",
            highlight_types(kind),
            highlight(Text(help_text)),
        )
    return options


def _commands(commands: Sequence[tuple[str, str]], highlight: RegexHighlighter) -> Table:
    """The commands panel's table: name, one line of help."""
    from rich.table import Table
    from rich.text import Text

    listing = Table(
        highlight=False, show_header=False, expand=True, box=None, pad_edge=False, padding=(0, 1)
    )
    listing.add_column(
        style="bold cyan", no_wrap=True, width=max((len(n) for n, _ in commands), default=0)
    )
    listing.add_column("Description", justify="left", no_wrap=False, ratio=10)
    for name, line in commands:
        listing.add_row(Text(name), highlight(_markup(line)))
    return listing
