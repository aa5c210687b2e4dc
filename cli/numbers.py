"""Whole-number options as typed (issue 17 point 4): ``--limit ５０`` is ``--limit 50``.

Typer reads an ``int`` option's value as ASCII digits only. Before it does, the value of each
whole-number option of the command being run is folded by casework.typed (full-width digits,
ideographic spaces), and only when the folded value is a whole number: any other value, and
every other option's (a title, a name), goes to the command as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from casework.typed import typed

_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")
_NUMBERS = (int, int | None)


def typed_numbers(root: Any, args: Sequence[str]) -> list[str]:
    """``args`` with the values of the run command's whole-number options folded."""
    out = list(args)
    if all(a.isascii() for a in out):
        return out  # the common case, at no cost
    cmd, i = root, 0
    # Typer's commands (its own copy of click's): a group has ``commands``.
    while hasattr(cmd, "commands") and i < len(out):
        if out[i].startswith("-"):
            i += 1 if _is_flag(cmd, out[i]) else 2
            continue
        sub = cmd.commands.get(out[i])
        if sub is None:
            return out  # an unknown command: Typer says so
        cmd, i = sub, i + 1
    numbers = {o for p in cmd.params if _annotation(p) in _NUMBERS for o in p.opts}
    for j in range(i, len(out)):
        flag, eq, value = out[j].partition("=")
        if eq and flag in numbers:
            out[j] = f"{flag}={_folded(value)}"
        elif out[j] in numbers and j + 1 < len(out):
            out[j + 1] = _folded(out[j + 1])
    return out


def _folded(value: str) -> str:
    folded = typed(value)
    return folded.strip() if _WHOLE.fullmatch(folded) else value


def _is_flag(cmd: Any, token: str) -> bool:
    """Whether a group's option ``token`` takes no value (``--version``), or gives it after
    ``=`` or is not one of the group's (left for Typer to refuse)."""
    if "=" in token:
        return True
    for p in cmd.params:
        if token in p.opts:
            return bool(getattr(p, "is_flag", False))
    return True


def _annotation(param: Any) -> object:
    """The Python type an option was declared with (Typer keeps it on the parameter)."""
    return getattr(getattr(param, "type_descriptor", None), "annotation", None)
