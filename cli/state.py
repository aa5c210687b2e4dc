"""What the root options set for every command: the database, the acting user, the clock."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from casework.api import Casework
    from casework.clock import Clock


NO_USER = "需要指定操作用户 --as USERNAME 或 CASEWORK_USER (an acting user is required)"


@dataclass
class Settings:
    db: str | None
    user: str | None
    # --server (or CASEWORK_SERVER): commands go through that server's JSON API (cli/remote.py).
    server: str | None = None

    def database(self) -> str:
        """--db, else CASEWORK_DB, else casework.db in the user's application directory."""
        if self.server:  # init, demo, serve ... work on a database, never through a server
            from cli.remote import unsupported

            unsupported()
        from casework.runtime import started

        # Every command that works on a database asks for it once its modules are imported
        # (``open`` once the API has loaded the procedures too): start-up ends here.
        started()
        return self.path()

    def path(self) -> str:
        """The database ``database`` names, start-up not ended."""
        if self.db:
            return self.db
        env = os.environ.get("CASEWORK_DB")
        if env:
            return env
        return os.path.join(typer.get_app_dir("casework"), "casework.db")

    def frozen(self) -> bool:
        """Whether CASEWORK_NOW freezes the clock (honoured on test and demo databases and
        on those without real accounts only: ``Casework.refuse_frozen_clock``)."""
        return bool(os.environ.get("CASEWORK_NOW"))

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
        from casework.runtime import started

        if self.server:
            started()
            return self.remote()
        import getpass

        from casework.api import Casework
        from casework.services.channel import Channel

        cw = Casework(self.path(), user=self.user, clock=self.clock())
        started()
        if self.frozen():
            cw.refuse_frozen_clock()
        try:
            os_user: str | None = getpass.getuser()[:64]
        except (OSError, KeyError):  # no login name in the environment nor the password database
            os_user = None
        cw.channel = Channel("cli", os_user)
        return cw

    def reader(self) -> Casework:
        """The API for a read: every read is scoped to the acting user's office and role
        (issue 14 point 4), so one must be named; without, a usage error (exit 2) before the
        database is opened. Operator commands that read nothing of an office (``config show``,
        ``calendar show``, ``audit verify`` ...) use :meth:`open` (docs/cli.md, "Acting user").
        Through ``--server`` the token's user is the acting user."""
        if not self.user and not self.server:  # through a server, the token's user acts
            raise typer.BadParameter(NO_USER, param_hint="--as")
        return self.open()

    def remote(self) -> Casework:
        """The server's JSON API in the API's place, as CASEWORK_TOKEN's user: the commands call
        the same methods and get the same shapes (cli/remote.py)."""
        from typing import cast

        from cli.remote import Remote

        return cast("Casework", Remote(self.server or "", os.environ.get("CASEWORK_TOKEN")))


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
