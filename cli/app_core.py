"""The root command group: turns every refusal into one line and the right exit code, and
imports a command's module only when that command runs.

Only Typer's public names are used (``typer``, ``typer.core``, ``typer.main``, ``typer.models``):
Typer vendors Click since 0.26 and its Click is private.
"""

from __future__ import annotations

import copy
import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

import typer
from typer.core import HAS_RICH, MarkupMode, TyperCommand, TyperGroup, TyperOption
from typer.models import CommandInfo

from cli.output import damage_warnings, error

# A command as Typer builds it: a single command, or a group of commands.
Command = TyperCommand | TyperGroup
C = TypeVar("C")


@dataclass(frozen=True)
class Lazy:
    """A root command kept in ``module``: a ``typer.Typer`` group or a command function.

    ``help`` is the line ``casework --help`` shows for it, so that listing the commands imports
    none of them; a test checks it against the command's own help.
    """

    module: str
    attribute: str
    help: str

    def load(self, name: str) -> Command:
        """Import the module and build the command as ``add_typer`` or ``command`` would.

        A group's own commands are built when one of them is used, not all of them up front.
        """
        target = getattr(importlib.import_module(self.module), self.attribute)
        holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        holder.callback()(_nothing)
        if not isinstance(target, typer.Typer):
            holder.command(name)(target)
            return hinting(command(typer.main.get_group(holder).commands[name]), name)
        # The group itself from a copy without its commands, then its commands on demand.
        bare = copy.copy(target)
        bare.registered_commands = []
        holder.add_typer(bare, name=name)
        group = typer.main.get_group(holder).commands[name]
        assert isinstance(group, TyperGroup)
        builders: dict[str, Callable[[], Command]] = {}
        for info in target.registered_commands:
            assert info.callback is not None
            sub = info.name or typer.main.get_command_name(info.callback.__name__)
            builders[sub] = functools.partial(
                _built,
                info,
                f"{name} {sub}",
                holder.pretty_exceptions_short,
                holder.rich_markup_mode,
            )
        hinting(group, name)
        group.commands = _Commands(builders, group.commands)
        return group


def command(built: object) -> Command:
    """A command Typer built (``get_group(...).commands[name]``), as the type it has."""
    assert isinstance(built, TyperCommand | TyperGroup), built
    return built


def _built(info: CommandInfo, path: str, short: bool, markup: MarkupMode) -> Command:
    made = typer.main.get_command_from_info(
        info, pretty_exceptions_short=short, rich_markup_mode=markup
    )
    return hinting(command(made), path)


_typer_option_type = TyperOption.display_type_rich


def _option_type(self: TyperOption, ctx: Any) -> str | None:
    """An option's value type in the help, none for a flag: it takes no value, and Typer's
    `<bool>` beside `--json` or `--help` reads as if it wanted one (issue 17)."""
    return None if self.is_flag else _typer_option_type(self, ctx)


TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]


def hinting(cmd: Command, path: str) -> Command:
    """The command (``path`` below the root, such as ``case advance``), with its refusals
    printed in its own terms: the field at fault said as the option that sets it (``--at``,
    ``--set days=...``). A group passes it on to the commands it holds already."""
    if isinstance(cmd, TyperGroup):
        for name, inner in list(cmd.commands.items()):
            cmd.commands[name] = hinting(command(inner), f"{path} {name}")
    if cmd.callback is not None:
        cmd.callback = _with_hints(cmd.callback, cmd, path)
    return cmd


def _with_hints(callback: Callable[..., object], cmd: Command, path: str) -> Callable[..., object]:
    @functools.wraps(callback)
    def with_hints(*args: object, **kwargs: object) -> object:
        from casework.errors import CaseworkError

        try:
            with damage_warnings():
                return callback(*args, **kwargs)
        except CaseworkError as exc:
            from cli.errors import option_for, reason_of, with_hint

            error(with_hint(reason_of(exc), option_for(exc.field, path, cmd.params)))
            raise typer.Exit(exc.exit_code) from None

    return with_hints


def _nothing() -> None:
    """The throw-away holder's callback (it makes ``get_group`` build a group)."""


class _Commands(MutableMapping[str, C]):
    """A group's ``commands``: every name known up front, each command built on first use."""

    def __init__(self, lazy: Mapping[str, Callable[[], C]], eager: Mapping[str, C]) -> None:
        self._loaded: dict[str, C] = {}
        self._lazy: dict[str, Callable[[], C]] = dict(lazy)
        self._order = list(self._lazy)
        for name, cmd in eager.items():
            self[name] = cmd

    def __getitem__(self, name: str) -> C:
        cmd = self._loaded.get(name)
        if cmd is None:
            cmd = self._loaded[name] = self._lazy[name]()
        return cmd

    def __setitem__(self, name: str, cmd: C) -> None:
        if name not in self._order:
            self._order.append(name)
        self._loaded[name] = cmd

    def __delitem__(self, name: str) -> None:
        if name not in self._order:
            raise KeyError(name)
        self._order.remove(name)
        self._loaded.pop(name, None)
        self._lazy.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, name: object) -> bool:
        return name in self._order

    def built(self) -> list[str]:
        """The names of the commands built so far."""
        return list(self._loaded)


class Formatter(Protocol):
    """What the plain (``TYPER_USE_RICH=0``) help page's command list writes to."""

    def section(self, name: str) -> AbstractContextManager[None]: ...

    def write_dl(self, rows: Sequence[tuple[str, str]]) -> None: ...


class CaseworkGroup(TyperGroup):
    """A Typer group whose errors are one line on stderr, never a traceback.

    Subclasses list their commands in ``lazy``; a command's module is imported when it runs,
    when its help is asked for, or when ``commands`` is walked, never to list the commands.
    """

    lazy: ClassVar[Mapping[str, Lazy]] = {}
    # Typer's own context type, so that the root's context is the `typer.Context` it is
    # annotated as here.
    context_class = typer.Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lazy = {n: functools.partial(e.load, n) for n, e in self.lazy.items()}
        self.commands = _Commands(lazy, self.commands)

    def list_commands(self, ctx: object) -> list[str]:
        """The names in order of declaration, none of them built."""
        return list(self.commands)

    def get_help(self, ctx: object) -> str:
        """The root page. With Rich, drawn here with the few pieces it uses (Typer's own
        drawing imports Markdown and traceback support); the commands' lines come from
        ``lazy``."""
        assert isinstance(ctx, typer.Context)
        if not HAS_RICH or self.rich_markup_mode is None:
            return super().get_help(ctx)
        from cli.help import print_root_help

        print_root_help(self, ctx, self.listing())
        return ""

    def format_commands(self, ctx: object, formatter: Formatter) -> None:
        """The plain (TYPER_USE_RICH=0) command list, from the lazy table."""
        rows = self.listing()
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def listing(self) -> list[tuple[str, str]]:
        """(name, one line of help) for each command, in order."""
        from cli.help import first_paragraph

        rows = []
        for name in self.commands:
            entry = self.lazy.get(name)
            if entry is not None:
                rows.append((name, entry.help))
                continue
            cmd = self.commands[name]
            if not cmd.hidden:
                rows.append((name, first_paragraph(cmd.short_help or cmd.help or "")))
        return rows

    def invoke(self, ctx: object) -> Any:
        # Typer turns Ctrl-C into a silent exit 130 before `_run` could see it: said here.
        assert isinstance(ctx, typer.Context)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise typer.Exit(_interrupted()) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> int:
        code = self._run(args, prog_name, complete_var, windows_expand_args, extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        windows_expand_args: bool,
        extra: dict[str, Any],
    ) -> int:
        from casework.errors import CaseworkError

        try:
            if args is None:
                args = sys.argv[1:]
            if not all(a.isascii() for a in args):
                from cli.numbers import typed_numbers

                args = typed_numbers(self, args)
            rv = super().main(
                args=args,
                prog_name=prog_name or "casework",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except CaseworkError as exc:
            # Refusals inside a command are said by `hinting`; none is raised outside one.
            from cli.errors import reason_of

            error(reason_of(exc))
            return exc.exit_code
        except typer.TyperException as exc:
            return _usage_error(exc)
        except typer.Exit as exc:
            return exc.exit_code
        except KeyboardInterrupt:
            return _interrupted()
        except typer.Abort:
            error("已中止 aborted")
            return 1
        except BrokenPipeError:
            return 1
        except Exception as exc:
            if os.environ.get("CASEWORK_DEBUG") == "1":
                raise
            return _internal_error(exc)
        return rv if isinstance(rv, int) else 0


def _interrupted() -> int:
    """Ctrl-C: one line and exit 130 (128 + SIGINT). A step's or an import's transaction is
    open until it commits, so an interrupted one rolls back whole (docs/cli.md, Exit codes)."""
    error("已中断 interrupted: nothing was written")
    return 130


def _usage_error(exc: typer.TyperException) -> int:
    """A usage error's one line on stderr (exit 2). A group run without a command shows its
    help page instead (``no_args_is_help``)."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        page = exc.format_message()
        if page.strip():
            sys.stdout.write(page + "\n")
        return exc.exit_code
    from cli.errors import usage_line

    error(usage_line(exc))
    return exc.exit_code


def _internal_error(exc: Exception) -> int:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    error(
        f"内部错误 internal error ({type(exc).__name__}): {first}; "
        "set CASEWORK_DEBUG=1 for a traceback"
    )
    return 1
