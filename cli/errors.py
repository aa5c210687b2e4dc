"""Refusals and usage errors on the command line: one line, the option to fix at its end.

casework's errors name the field at fault (``at``, ``value.days``, ``party.id_number``), never
a flag; here each field is said as what the user typed for it in the command that ran
(``--at``, ``--set days=...``, ``--party``, ``CASE_NO``), and the hint ends the line:
``案件 XF-2020-panzhou-00001：时间 ... 早于本案上一步 ... (--at)``. A field the running command
has no parameter for gives no hint.

Typer's own usage errors (a missing option, an unknown one) are said Chinese first with
Typer's English beside: ``缺少选项 Missing option '--office'.``
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import typer
from typer.core import TyperArgument

if TYPE_CHECKING:
    from casework.errors import CaseworkError

# Fields set by the root command's options, whatever command runs; and by the environment.
ROOT_FIELDS = {
    "user": "--as",
    "database": "--db",
    "server": "--server",
    "CASEWORK_NOW": "CASEWORK_NOW",
    # The clock a step is recorded by: the system's, or the one CASEWORK_NOW freezes.
    "clock": "CASEWORK_NOW",
}

# Fields the library names otherwise than the parameter that sets them (a parameter's name or,
# for an option, its flag without dashes).
ALIASES = {
    "party.role": "party",
    "party.name": "party",
    "party.id_number": "party",
    "party.phone": "party",
    "document": "doc_kind",
    "holiday_file": "file",
}

# Per command (its path below the root), fields said otherwise than everywhere else.
BY_COMMAND: Mapping[str, Mapping[str, str]] = {
    # The figures' XLSX file is the only output file `stats` writes through the library.
    "stats": {"out": "xlsx"},
    # The form's file is given as --output (the contract's name; --out is its alias).
    "report mediation-form": {"out": "output"},
    # Tier names and amounts are given as TIER=YUAN arguments.
    "subsidy scale set": {"tier": "amounts", "amount": "amounts"},
    # An office's parent set as a dated setting (office.parent.CODE) is the setting's VALUE.
    "config set": {"parent": "value"},
    # A password is never an argument: it is read from the terminal or standard input.
    "user passwd": {"password": "password_stdin"},
    # A correction names the party by --party N and its values by options of their own.
    "case correct": {"party.name": "name", "party.id_number": "id_number", "party.phone": "phone"},
}

# Values of a step that have an option of their own beside --set (``supervise``'s note).
OWN_OPTION = frozenset({"note"})


class Param(Protocol):
    """What is read of a command's parameter (Typer's options and arguments)."""

    @property
    def name(self) -> str | None: ...

    @property
    def opts(self) -> Sequence[str]: ...

    @property
    def metavar(self) -> str | None: ...


def option_for(field: str | None, command: str, params: Iterable[Param]) -> str | None:
    """What the user types to set ``field`` in ``command`` (``case advance``, ``stats``), given
    the command's parameters: an option (``--at``), a value of ``--set`` (``--set days=...``),
    an argument's metavar (``CASE_NO``), a root option (``--as``); None when it has none."""
    if not field:
        return None
    if field in ROOT_FIELDS:
        return ROOT_FIELDS[field]
    listed = list(params)
    name = BY_COMMAND.get(command, {}).get(field) or ALIASES.get(field, field)
    if name.startswith("value."):
        return _value_option(name.removeprefix("value."), listed)
    if name.startswith("attr."):  # a user's attribute: ``--attr KEY=...``
        return f"--attr {name.removeprefix('attr.')}=..." if "--attr" in _flags(listed) else None
    return _parameter(name, listed)


def _flags(params: Iterable[Param]) -> set[str]:
    return {opt for p in params if not isinstance(p, TyperArgument) for opt in p.opts}


def _value_option(name: str, params: list[Param]) -> str | None:
    """A value of a step: ``--set NAME=...`` where the command takes --set, else the option
    that gives it (``subsidy approve --tier``)."""
    flags = _flags(params)
    own = "--" + name.replace("_", "-")
    if "--set" in flags and (name not in OWN_OPTION or own not in flags):
        return f"--set {name}=..."
    return own if own in flags else None


def _parameter(name: str, params: list[Param]) -> str | None:
    """The option ``--name`` of the command, else its parameter called ``name``."""
    flag = "--" + name.replace("_", "-")
    if flag in _flags(params):
        return flag
    for p in params:
        if p.name == name:
            return shown(p)
    return None


def shown(param: Param) -> str:
    """A parameter as its help shows it: an argument's metavar (``CASE_NO``), an option's
    first long flag."""
    if isinstance(param, TyperArgument):
        return (param.metavar or (param.name or "").upper()).removesuffix("...")
    longs = [o for o in param.opts if o.startswith("--")]
    return (longs or list(param.opts) or [param.name or ""])[0]


def reason_of(exc: CaseworkError) -> str:
    """A refusal's reason, naming the rule of the procedure that refused (``GuardFailed.rule``)
    when the reason does not name it already: ``... (规则 rule: case_file)``. Scripts may match
    on the rule's name."""
    from casework.errors import GuardFailed

    if not isinstance(exc, GuardFailed) or not exc.rule:
        return exc.reason
    if re.search(rf"(?<!\w){re.escape(exc.rule)}(?!\w)", exc.reason):
        return exc.reason
    return f"{exc.reason} (规则 rule: {exc.rule})"


def with_hint(reason: str, option: str | None) -> str:
    """The refusal's one line, ending with the option to fix: ``... (--at)``; a reason that
    names the option already is left as it is."""
    if option is None or re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", reason):
        return reason
    return f"{reason} ({option})"


# -- usage errors -----------------------------------------------------------------------------

# The beginnings of Typer's usage messages, said in Chinese first.
USAGE_ZH = (
    ("Missing option", "缺少选项"),
    ("Missing argument", "缺少参数"),
    ("Missing parameter", "缺少参数"),
    ("Missing command", "缺少子命令"),
    ("No such option", "没有此选项"),
    ("No such command", "没有此命令"),
    ("Invalid value", "取值无效"),
    ("Got unexpected extra argument", "多余的参数"),
    ("Option", "选项用法有误"),  # "Option '--limit' requires an argument." and the like
)
# More exact words for some of them, by what they say.
USAGE_DETAIL = (
    ("valid integer", "取值应为整数"),
    ("requires an argument", "选项缺少取值"),
    ("does not take a value", "选项不接受取值"),
)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def usage_line(exc: typer.TyperException) -> str:
    """A usage error as one line: ours (already Chinese first) with the option at its end,
    Typer's with the Chinese beside its English."""
    if isinstance(exc, typer.BadParameter) and _CJK.search(exc.message):
        return with_hint(exc.message, _hint_of(exc))
    text = " ".join(exc.format_message().split())
    for english, chinese in USAGE_ZH:
        if text.startswith(english):
            chinese = next((zh for en, zh in USAGE_DETAIL if en in text), chinese)
            return f"{chinese} {text}"
    return text if _CJK.search(text) else f"用法有误 {text}"


def _hint_of(exc: typer.BadParameter) -> str | None:
    hint = exc.param_hint
    if isinstance(hint, str):
        return hint.strip("'")
    if hint:
        return " / ".join(hint)
    return None if exc.param is None else shown(exc.param)
