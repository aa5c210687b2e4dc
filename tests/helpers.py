"""Test helpers: a movable frozen clock, standard staff, database dumps, CLI invocation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from typer.testing import CliRunner, Result

from casework.api import Casework
from casework.storage.tables import metadata
from casework.time.local import CST


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime) -> None:
        self.now = at

    def __call__(self) -> datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = datetime.fromisoformat(text).replace(tzinfo=CST).astimezone(UTC)

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


# username, name, role, office
STAFF: Sequence[tuple[str, str, str, str | None]] = (
    ("clerk_pz", "潘州登记员", "clerk", "panzhou"),
    ("sup_pz", "潘州所长", "supervisor", "panzhou"),
    ("med_pz", "潘州调解员", "mediator", "panzhou"),
    ("med2_pz", "潘州调解员二", "mediator", "panzhou"),
    ("clerk_sm", "山美登记员", "clerk", "shanmei"),
    ("sup_sm", "山美所长", "supervisor", "shanmei"),
    ("med_sm", "山美调解员", "mediator", "shanmei"),
    ("sup_city", "信访局科长", "supervisor", "city-petition"),
    ("clerk_city", "信访局登记员", "clerk", "city-petition"),
    ("leader1", "包案领导", "leader", "city-rule-of-law"),
    ("viewer1", "统计员", "viewer", "city-justice"),
    # The justice bureau reviews the towns' petitions (their offices' parent, petition.md).
    ("sup_justice", "司法局科长", "supervisor", "city-justice"),
    ("clerk_justice", "司法局登记员", "clerk", "city-justice"),
)

VALID_ID = "110101199003074514"
VALID_ID_2 = "440981198512120010"


def add_staff(cw: Casework) -> None:
    admin = cw.acting("admin")
    for username, name, role, office in STAFF:
        admin.add_user(username, name, role, office)


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every casework table, in a stable order: equal dumps, equal content."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


def drop_event_guards(conn: Connection) -> None:
    """What an insider who owns the database does before editing its history behind
    casework's back: drop the triggers that keep events (migration 0015) and the admin log
    (migration 0016) append-only."""
    for table in ("events", "admin_log"):
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


# The acting user of a run that names none (``cli(..., user=NOBODY)``).
NOBODY = ""


@dataclass
class Cli:
    """Runs the casework command against one database with a frozen clock.

    A run that ends in an internal error (an exception casework did not expect, turned into an
    ``internal error`` line) or in an exception the command did not handle fails the test
    there, whatever the test expects of the run: no test passes over a traceback.
    """

    db: str
    clock: FrozenClock

    def __call__(self, *args: str, user: str | None = None, stdin: bytes | None = None) -> Result:
        """``user`` is the acting user: the admin when not given (every read on the CLI needs
        one since issue 14), none with ``user=NOBODY``; ``stdin`` what standard input holds."""
        from cli.main import app

        acting = "admin" if user is None else user
        argv = [*(["--as", acting] if acting else []), *args]
        env = {
            "CASEWORK_DB": self.db,
            "CASEWORK_NOW": self.clock.now.isoformat(),
            "CASEWORK_USER": None,
            "CASEWORK_DEBUG": None,
        }
        result = CliRunner().invoke(app, argv, env=env, input=stdin)
        unexpected = result.exception is not None and not isinstance(result.exception, SystemExit)
        if unexpected or "internal error" in result.stderr + result.stdout:
            pytest.fail(
                f"casework {' '.join(argv)} ended in an internal error:\n{result.stderr}"
                f"{result.exception!r}",
                pytrace=False,
            )
        return result


def dump_digest(engine: Engine) -> str:
    """The SHA-256 of a database's dump, leaving out the demo's mark on its own databases."""
    import hashlib
    import json

    rows = dump(engine)
    rows["settings"] = [r for r in rows["settings"] if "'demo.database'" not in r]
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
