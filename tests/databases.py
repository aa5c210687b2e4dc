"""Test databases: empty ones, and staffed ones copied from a template built once per session.

A staffed database (Gaozhou's offices and tests.helpers.STAFF) took 0.15 s on SQLite and 0.3 s
on PostgreSQL to build for each of about 1,300 tests: the migrations' DDL and the staff's
steps. It is built once per session and clock instant instead, then copied for each test: a
file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL (30-50 ms). A copy holds
exactly what ``Casework.initialise`` and ``add_staff`` write at that instant, so a test cannot
tell it from a database built for it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from casework.api import Casework
from casework.services.admin import InitResult
from casework.storage.lifecycle import mark_test
from tests.helpers import FrozenClock, add_staff

PG_ENV = "CASEWORK_TEST_PG"
# A test's commit does not wait for the server to flush its log to disk: what a test checks of
# a transaction (atomicity, isolation, a killed client's work rolled back) does not depend on
# the flush, which only a crash of the server itself would show; the suite's many small
# transactions spent much of their time waiting for it on this machine's disk.
NO_FLUSH_WAIT = "-csynchronous_commit=off"


def pg_url_with_schema(base: str, schema: str) -> str:
    """The server's URL with every statement resolved in ``schema`` first."""
    url = make_url(base)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema} {NO_FLUSH_WAIT}"})
    return url.render_as_string(hide_password=False)


def pg_url_of_database(base: str, database: str) -> str:
    url = make_url(base).set(drivername="postgresql+psycopg", database=database)
    url = url.update_query_dict({"options": NO_FLUSH_WAIT})
    return url.render_as_string(hide_password=False)


def pg_admin(base: str) -> Engine:
    """An engine on the server's own database, outside transactions (CREATE DATABASE needs it)."""
    url = make_url(base).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def fresh_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def build_staffed(target: str, clock: FrozenClock) -> InitResult:
    api = Casework.initialise(target, offices="gaozhou", clock=clock)
    add_staff(api)
    mark_test(api.engine, clock.now)  # the suite's frozen clocks (CASEWORK_NOW) are honoured
    api.close()
    return api.last_init


@dataclass
class Templates:
    """Staffed template databases of one test session, one per backend and clock instant."""

    folder: Path
    pg_base: str | None
    sqlite_files: dict[datetime, tuple[Path, InitResult]] = field(default_factory=dict)
    pg_databases: dict[datetime, tuple[str, InitResult]] = field(default_factory=dict)

    def sqlite_copy(self, path: str, clock: FrozenClock) -> InitResult:
        if clock.now not in self.sqlite_files:
            made = self.folder / f"staffed-{len(self.sqlite_files)}.db"
            init = build_staffed(str(made), clock)
            # The copy is of the main file alone: fold the write-ahead log into it first.
            with sqlite3.connect(made) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.sqlite_files[clock.now] = (made, init)
        made, init = self.sqlite_files[clock.now]
        shutil.copyfile(made, path)
        return init

    def pg_copy(self, admin: Engine, database: str, clock: FrozenClock) -> InitResult:
        assert self.pg_base is not None
        if clock.now not in self.pg_databases:
            name = fresh_name("cwtpl")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            init = build_staffed(pg_url_of_database(self.pg_base, name), clock)
            self.pg_databases[clock.now] = (name, init)
        name, init = self.pg_databases[clock.now]
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{name}"'))
        return init

    def drop(self) -> None:
        if not self.pg_databases or self.pg_base is None:
            return
        admin = pg_admin(self.pg_base)
        with admin.connect() as conn:
            for name, _ in self.pg_databases.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_base_or_none() -> str | None:
    return os.environ.get(PG_ENV) or None


@contextmanager
def shared_database(
    backend: str, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[str, FrozenClock]]:
    """A staffed database for the tests of one module (copied from the session's template, as
    the ``cw`` fixture's are), with the ``clock`` fixture's instant; dropped afterwards."""
    clock = FrozenClock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC))
    if backend == "sqlite":
        url = str(tmp_path_factory.mktemp("shared") / "casework.db")
        templates.sqlite_copy(url, clock)
        yield url, clock
        return
    base = pg_base_or_none()
    if base is None:
        pytest.skip("PostgreSQL tests need CASEWORK_TEST_PG=postgresql+psycopg://user@host/db")
    admin, name = pg_admin(base), fresh_name("cw")
    templates.pg_copy(admin, name, clock)
    try:
        yield pg_url_of_database(base, name), clock
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
