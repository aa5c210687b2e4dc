"""Fixtures: every database test runs on SQLite, and on PostgreSQL when CASEWORK_TEST_PG is set.

Each PostgreSQL test gets a schema of its own (dropped afterwards), so runs never see each
other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casework.api import Casework
from tests.helpers import Cli, FrozenClock, add_staff

PG_ENV = "CASEWORK_TEST_PG"


def _pg_url_with_schema(base: str, schema: str) -> str:
    url = make_url(base)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield os.path.join(str(tmp_path), "casework.db")
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://user@host/db")
    schema = "cw_" + uuid.uuid4().hex[:12]
    admin = create_engine(make_url(base).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_url_with_schema(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC))


@pytest.fixture
def cw(db_url: str, clock: FrozenClock) -> Iterator[Casework]:
    """An initialised database with Gaozhou's offices and a standard staff."""
    api = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    add_staff(api)
    yield api
    api.close()


@pytest.fixture
def cli(cw: Casework, db_url: str, clock: FrozenClock) -> Cli:
    return Cli(db_url, clock)
