"""Refusals on the command line: an error's field said as the option that sets it.

casework's errors name the field at fault (``at``, ``value.days``, ``party.id_number``), never
a flag; here each field is mapped to what the user typed for it in the command that ran
(``--at``, ``--set days=``, ``--party``), and the hint ends the one-line message.
"""

from __future__ import annotations

from typing import Any

# Fields whose option is not simply ``--<field>``.
SPECIAL = {
    "user": "--as",
    "database": "--db",
    "party": "--party",
    "party.role": "--party",
    "party.name": "--party",
    "party.id_number": "--party",
    "party.phone": "--party",
    "document": "DOC_KIND",
    "holiday_file": "FILE",
    "trigger": "TRIGGER",
    "case_no": "CASE_NO",
}


def option_for(field: str | None, params: list[Any]) -> str | None:
    """The option (or argument) of the running command that sets ``field``, if it has one.

    ``params`` are the command's Click parameters; a value of a step (``value.days``) is given
    with ``--set days=...`` where the command takes ``--set``.
    """
    if not field:
        return None
    opts = {opt for p in params for opt in getattr(p, "opts", ())}
    names = {getattr(p, "name", "") for p in params}
    if field.startswith("value."):
        name = field.removeprefix("value.")
        return f"--set {name}=..." if "--set" in opts else None
    wanted = SPECIAL.get(field) or "--" + field.replace("_", "-")
    if wanted in opts or wanted in ("--as", "--db"):
        return wanted
    if wanted.isupper() or field in names:
        return wanted if wanted.isupper() else field.upper()
    return None


def with_hint(reason: str, option: str | None) -> str:
    """The refusal's one line, ending with the option to fix: ``... (--at)``."""
    return reason if option is None else f"{reason} ({option})"
