"""What a database holds, whether the demo built it, and replacing one that it did.

The demo year builds only a database it created itself: one with no casework schema yet, or
one it marked as its own when it built it (a ``settings`` row holding the year, the seed and,
once built, how many cases, events and users it made). It replaces only such a database, and
only while it still holds exactly what the demo made: a database with users or cases of its
own is never replaced.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine

from casework.storage.db import database_url, open_engine, sqlite_path
from casework.storage.tables import cases, events, metadata, settings, users

DEMO_KEY = "demo.database"
# A test suite's mark on the databases it builds (tests/databases.py): on them, as on the
# demo's, a frozen clock (CASEWORK_NOW) is honoured whatever accounts they hold.
TEST_KEY = "test.database"
FROZEN_REFUSED = (
    "CASEWORK_NOW 只用于测试或演示数据库：此数据库有设了密码的账户，不能冻结时钟 "
    "(a frozen clock is refused on a database with real accounts; unset CASEWORK_NOW)"
)


@dataclass(frozen=True)
class DemoMark:
    """The demo's mark on a database it built: ``state`` is building or built."""

    year: int
    seed: int
    state: str
    cases: int = 0
    events: int = 0
    users: int = 0

    def as_text(self) -> str:
        return json.dumps(self.__dict__, separators=(",", ":"))


@dataclass(frozen=True)
class Contents:
    """What a database holds, as far as the demo is concerned."""

    schema: bool
    cases: int = 0
    events: int = 0
    users: int = 0
    mark: DemoMark | None = None

    def untouched(self) -> bool:
        """A demo database holding exactly what the demo made (or one still being built)."""
        mark = self.mark
        if mark is None:
            return False
        if mark.state != "built":
            return True
        return (self.cases, self.events, self.users) == (mark.cases, mark.events, mark.users)


def contents(engine: Engine) -> Contents:
    """What the database holds: no schema, or its counts and the demo's mark."""
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        if "alembic_version" not in names or "cases" not in names:
            return Contents(schema=False)
        count = {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (cases, events, users)
        }
        row = conn.execute(select(settings.c.value).where(settings.c.key == DEMO_KEY)).first()
    mark = None
    if row is not None:
        try:
            mark = DemoMark(**json.loads(row.value))
        except (ValueError, TypeError):
            mark = None
    return Contents(True, count["cases"], count["events"], count["users"], mark)


def set_mark(engine: Engine, mark: DemoMark, at: datetime) -> None:
    """Mark the database as the demo's own (replacing an earlier mark)."""
    _mark(engine, DEMO_KEY, mark.as_text(), "demo", at)


def _mark(engine: Engine, key: str, value: str, by: str, at: datetime) -> None:
    """A mark is a setting like any other, in the admin log too: a mark added behind
    casework's back (which would let a frozen clock in) is found by ``audit verify``."""
    # Imported here: every command with a frozen clock asks ``frozen_clock_refusal``, only the
    # demo and the tests' databases set a mark.
    from casework.storage.adminlog import append
    from casework.storage.settings import set_setting

    with engine.begin() as conn:
        act = set_setting(conn, None, key, value, (by, at))
        append(conn, (by, at), [act], (by, None))


def wipe(target: str, engine: Engine) -> Engine:
    """Replace a demo database by an empty one: its SQLite file is removed, or its casework
    tables dropped on PostgreSQL. Returns an engine on the empty database."""
    engine.dispose()
    path = sqlite_path(database_url(target))
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return open_engine(target, must_exist=False, durable=False)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    return engine


def mark_test(engine: Engine, at: datetime) -> None:
    """Mark a database as a test suite's own (its frozen clocks are honoured)."""
    _mark(engine, TEST_KEY, "{}", "tests", at)


def frozen_clock_refusal(engine: Engine) -> str | None:
    """Why a frozen clock may not be used on this database, or None: it is refused on one
    with real accounts (a user with a password) unless the demo or a test suite marked it.
    A clerk who could set CASEWORK_NOW would otherwise back-date what ``--as-of`` trusts, or
    date a step years ahead, after which nobody could act on the case (issue 15 point 5)."""
    with engine.connect() as conn:
        seen = inspect(conn)
        names = set(seen.get_table_names())
        if "users" not in names or "settings" not in names:
            return None  # no schema yet: `init` is making it
        if "password_hash" not in {c["name"] for c in seen.get_columns("users")}:
            return None  # from before accounts (migration 0010): nobody has a password
        keys = select(settings.c.key).where(settings.c.key.in_([DEMO_KEY, TEST_KEY]))
        if conn.execute(keys).first() is not None:
            return None
        real = select(users.c.username).where(users.c.password_hash.is_not(None)).limit(1)
        return FROZEN_REFUSED if conn.execute(real).first() is not None else None
