"""Fixtures: every database test runs on SQLite, and on PostgreSQL when CASEWORK_TEST_PG is set.

An empty database is a SQLite file or a PostgreSQL schema of its own (dropped afterwards), so
runs never see each other's data. A test that asks for ``cw`` (or ``cli``) gets a staffed
database copied from a session template instead (tests/databases.py): a database of its own
on PostgreSQL, dropped afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from casework.api import Casework
from casework.domain.accounts import CHEAP_HASHES_ENV
from casework.services.admin import InitResult
from tests.databases import (
    PG_ENV,
    Templates,
    fresh_name,
    pg_admin,
    pg_base_or_none,
    pg_url_of_database,
    pg_url_with_schema,
)
from tests.helpers import Cli, FrozenClock

# One personal-data key (casework.storage.personal) for every test database, so that a copy of
# a session template opens like its template; tests/api/test_encryption.py unsets it to try
# the key file, a missing key and a wrong one.
TEST_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
os.environ.setdefault("CASEWORK_KEY", TEST_KEY)
# argon2's cheapest parameters for the suite's passwords (casework.domain.accounts): the
# standard ones cost a tenth of a second a hash, minutes over the suite's logins;
# tests/api/test_accounts.py checks the standard ones and the rehash with the variable unset.
os.environ.setdefault(CHEAP_HASHES_ENV, "1")


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"), pg_base_or_none())
    yield made
    made.drop()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FrozenClock, templates: Templates
) -> Iterator[str]:
    """A fresh database: empty, or staffed when the test asks for ``cw``."""
    staffed = "cw" in request.fixturenames
    if request.param == "sqlite":
        path = os.path.join(str(tmp_path), "casework.db")
        if staffed:
            request.node.stash[INIT] = templates.sqlite_copy(path, clock)
        yield path
        return
    base = pg_base_or_none()
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://user@host/db")
    admin = pg_admin(base)
    if staffed:
        name = fresh_name("cw")
        request.node.stash[INIT] = templates.pg_copy(admin, name, clock)
        drop, url = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', pg_url_of_database(base, name)
    else:
        name = fresh_name("cw")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        drop, url = f'DROP SCHEMA "{name}" CASCADE', pg_url_with_schema(base, name)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(drop))
        admin.dispose()


INIT = pytest.StashKey[InitResult]()


@pytest.fixture
def cw(request: pytest.FixtureRequest, db_url: str, clock: FrozenClock) -> Iterator[Casework]:
    """An initialised database with Gaozhou's offices and a standard staff."""
    api = Casework(db_url, clock=clock)
    api.last_init = request.node.stash[INIT]
    yield api
    api.close()


@pytest.fixture
def cli(cw: Casework, db_url: str, clock: FrozenClock) -> Cli:
    return Cli(db_url, clock)
