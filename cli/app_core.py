"""The root command group: turns every refusal into one line and the right exit code, and
imports a command's module only when that command runs.
"""

from __future__ import annotations

import copy
import functools
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import typer

# Typer vendors Click since 0.26; its exception types live here.
from typer import Abort, Exit
from typer._click import Command, Context, HelpFormatter
from typer._click.exceptions import ClickException
from typer.core import HAS_RICH, TyperGroup

from cli.output import error


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
        """Import the module and build the Click command as ``add_typer`` or ``command`` would.

        A group's own commands are built when one of them is used, not all of them up front.
        """
        target = getattr(importlib.import_module(self.module), self.attribute)
        holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        holder.callback()(_nothing)
        if not isinstance(target, typer.Typer):
            holder.command(name)(target)
            return hinting(typer.main.get_group(holder).commands[name])
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
                holder.pretty_exceptions_short,
                holder.rich_markup_mode,
            )
        group.commands = _Commands(builders, {n: hinting(c) for n, c in group.commands.items()})
        return group


def _built(info: Any, short: bool, markup: Any) -> Command:
    return hinting(
        typer.main.get_command_from_info(
            info, pretty_exceptions_short=short, rich_markup_mode=markup
        )
    )


def hinting(cmd: Command) -> Command:
    """The command, with its refusals printed in its own terms: the field at fault said as
    the option that sets it (``--at``, ``--set days=...``). Groups pass it to their commands."""
    sub = getattr(cmd, "commands", None)
    if isinstance(sub, dict):
        for name, inner in list(sub.items()):
            sub[name] = hinting(inner)
        return cmd
    invoke = cmd.invoke

    def invoke_with_hints(ctx: Context) -> Any:
        from casework.errors import CaseworkError

        try:
            return invoke(ctx)
        except CaseworkError as exc:
            from cli.errors import option_for, with_hint

            error(with_hint(exc.reason, option_for(exc.field, list(cmd.params))))
            raise Exit(exc.exit_code) from None

    cmd.invoke = invoke_with_hints  # type: ignore[method-assign]
    return cmd


def _nothing() -> None:
    """The throw-away holder's callback (it makes ``get_group`` build a group)."""


class _Commands(MutableMapping[str, Command]):
    """A group's ``commands``: every name known up front, each command built on first use."""

    def __init__(
        self, lazy: Mapping[str, Callable[[], Command]], eager: Mapping[str, Command]
    ) -> None:
        self._loaded: dict[str, Command] = {}
        self._lazy: dict[str, Callable[[], Command]] = dict(lazy)
        self._order = list(self._lazy)
        for name, cmd in eager.items():
            self[name] = cmd

    def __getitem__(self, name: str) -> Command:
        cmd = self._loaded.get(name)
        if cmd is None:
            cmd = self._loaded[name] = self._lazy[name]()
        return cmd

    def __setitem__(self, name: str, cmd: Command) -> None:
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


class CaseworkGroup(TyperGroup):
    """A Typer group whose errors are one line on stderr, never a traceback.

    Subclasses list their commands in ``lazy``; a command's module is imported when it runs,
    when its help is asked for, or when ``commands`` is walked, never to list the commands.
    """

    lazy: ClassVar[Mapping[str, Lazy]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lazy = {n: functools.partial(e.load, n) for n, e in self.lazy.items()}
        self.commands = _Commands(lazy, self.commands)

    def list_commands(self, ctx: Context) -> list[str]:
        """The names in order of declaration (TyperGroup's version loads every command)."""
        return list(self.commands)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        if not HAS_RICH or self.rich_markup_mode is None:
            super().format_help(ctx, formatter)
            return
        from cli.help import print_root_help

        print_root_help(self, ctx, self._listing(ctx))

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The plain (TYPER_USE_RICH=0) command list, from the lazy table."""
        rows = self._listing(ctx)
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _listing(self, ctx: Context) -> list[tuple[str, str]]:
        from cli.help import first_paragraph

        rows = []
        for name in self.list_commands(ctx):
            entry = self.lazy.get(name)
            if entry is not None:
                rows.append((name, entry.help))
                continue
            cmd = self.commands[name]
            if not cmd.hidden:
                rows.append((name, first_paragraph(cmd.short_help or cmd.help or "")))
        return rows

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code = self._run(args, prog_name, complete_var, extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        extra: dict[str, Any],
    ) -> int:
        from casework.errors import CaseworkError

        try:
            rv = super().main(
                args=args,
                prog_name=prog_name or "casework",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except CaseworkError as exc:
            from cli.errors import option_for, with_hint

            error(with_hint(exc.reason, option_for(exc.field, list(self.params))))
            return exc.exit_code
        except ClickException as exc:
            error(exc.format_message())
            return 2
        except Exit as exc:
            return exc.exit_code
        except (Abort, KeyboardInterrupt):
            error("aborted")
            return 1
        except BrokenPipeError:
            return 1
        except Exception as exc:
            if os.environ.get("CASEWORK_DEBUG") == "1":
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            error(
                f"internal error ({type(exc).__name__}): {first}; "
                "set CASEWORK_DEBUG=1 for a traceback"
            )
            return 1
        return rv if isinstance(rv, int) else 0
