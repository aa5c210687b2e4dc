"""What the root options set for every command: the database, the acting user, the clock."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from casework.api import Casework
    from casework.clock import Clock


@dataclass
class Settings:
    db: str | None
    user: str | None

    def database(self) -> str:
        """--db, else CASEWORK_DB, else casework.db in the user's application directory."""
        if self.db:
            return self.db
        env = os.environ.get("CASEWORK_DB")
        if env:
            return env
        return os.path.join(typer.get_app_dir("casework"), "casework.db")

    def clock(self) -> Clock:
        """The system clock, or the instant frozen in CASEWORK_NOW (for tests and replays)."""
        from casework.clock import fixed_clock, system_clock

        frozen = os.environ.get("CASEWORK_NOW")
        if not frozen:
            return system_clock
        from casework.time.local import parse_when

        return fixed_clock(parse_when(frozen, "CASEWORK_NOW"))

    def open(self) -> Casework:
        """The API on the chosen database, acting as the chosen user; what it records (the
        reveal log, the admin log) says it came through the CLI, by which system account."""
        import getpass

        from casework.api import Casework
        from casework.services.accounts import Channel

        cw = Casework(self.database(), user=self.user, clock=self.clock())
        try:
            os_user: str | None = getpass.getuser()[:64]
        except (OSError, KeyError):  # no login name in the environment nor the password database
            os_user = None
        cw.channel = Channel("cli", os_user)
        return cw


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


def parse_sets(pairs: list[str] | None, option: str = "--set") -> dict[str, str]:
    """``KEY=VALUE`` pairs from a repeated option (``--set``, ``--label``) or argument; a usage
    error (exit 2) says which pair is wrong, Chinese first, with ``option`` at its end."""
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise typer.BadParameter(
                f"值 {pair[:60]!r} 应写作 名称=值 (must be KEY=VALUE)", param_hint=option
            )
        if key in out:
            raise typer.BadParameter(
                f"名称 {key[:40]!r} 给了两次 (is given twice)", param_hint=option
            )
        out[key] = value
    return out
