"""Random cells of a copy corrupted behind casework's back (issue 15 point 7): ``audit verify``
reports the damage without failing, and every listing keeps working (the damaged case may be
left out, with a warning); ``case show`` of a damaged case says what is damaged."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from casework.api import Casework
from casework.errors import Damaged, DamagedRows
from casework.read.damage import CHECKS
from tests import mediations as M
from tests import petitions as P
from tests.databases import (
    build_staffed,
    fresh_name,
    pg_admin,
    pg_base_or_none,
    pg_url_of_database,
)
from tests.helpers import Cli, FrozenClock, drop_event_guards

CLOCK = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
PARTY = "petitioner:陈某:110101199003074514:13800138000"
# The text columns whose value a procedure names: any other must only not be NULL, which the
# SQLite schema itself refuses.
NAMED = {("cases", "state"), ("events", "trigger"), ("events", "to_state")}
CELLS = [
    (table, column, check)
    for table, checks in CHECKS.items()
    for column, check in checks
    if check != "text" or (table, column) in NAMED
]
HUGE = "x" * 100_000

# Garbage each kind of column can never read as a valid value (so every corruption is damage).
GARBAGE: dict[str, st.SearchStrategy[object]] = {
    "text": st.text(max_size=30).map(lambda t: "zz-" + t),
    "int": st.one_of(
        st.sampled_from(["abc", "1.5", "", "{}", HUGE]), st.text(max_size=20).map(lambda t: t + "x")
    ),
    "object": st.one_of(
        st.sampled_from(["{oops", "[1, 2]", '"text"', "5", "null", "true", "", HUGE]),
        st.text(max_size=30).map(lambda t: "{" + t),
    ),
    "instant": st.one_of(
        st.sampled_from(
            ["garbage", "", "2020-13-45 00:00:00", "2020-02-30 10:00:00", "24:00", HUGE]
        ),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.text(max_size=30).map(lambda t: "!" + t),
    ),
    "day": st.one_of(
        st.sampled_from(["someday", "", "2020-02-30", "2021-02-29", "2020-00-10", HUGE]),
        st.integers(min_value=-(10**6), max_value=10**6),
        st.text(max_size=20).map(lambda t: "!" + t),
    ),
    "sealed": st.one_of(
        st.sampled_from(["v1:AAAA", "v1:", "110101199003074514", "v1:" + "A" * 40, HUGE]),
        st.text(max_size=30).map(lambda t: "v1:" + t),
    ),
}
GARBAGE["event_data"] = GARBAGE["object"]


@dataclass(frozen=True)
class World:
    path: str
    cases: tuple[str, ...]


@cache
def _world() -> World:
    """The SQLite world, built once for every example."""
    path = os.path.join(tempfile.mkdtemp(prefix="cw-damaged-"), "casework.db")
    return World(path, _build(path))


def _build(path: str) -> tuple[str, ...]:
    """A staffed database with petitions and mediations in several states, parties with ID
    numbers and phones, documents and a correction: built once, copied per example."""
    clock = FrozenClock(CLOCK)
    build_staffed(path, clock)
    cw = Casework(path, clock=clock)
    clerk = cw.acting("clerk_pz")
    numbers = []
    for n, day in enumerate(("2020-10-01", "2020-10-05", "2020-11-02")):
        no = clerk.register("petition", "panzhou", f"欠薪{n}", [PARTY], at=day)["case_no"]
        numbers.append(no)
        if n:
            P.accept(cw, no, day)
    P.reply(cw, numbers[1], "2020-10-20")
    clerk.correct(numbers[2], [("party", "1.phone", "13900139000")], "录入错误", at="2020-11-03")
    numbers.append(M.accepted(cw, at="2020-10-10"))
    numbers.append(M.register(cw, at="2020-11-05"))
    cw.close()
    return tuple(numbers)


def _corrupt(path: str, table: str, column: str, row: int, value: object) -> None:
    """One cell overwritten as an insider with the file would: with the sqlite3 module, its
    foreign keys and the events' guards off."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
        target = ids[row % len(ids)]
        conn.execute(f'UPDATE {table} SET "{column}" = ? WHERE id = ?', (value, target))
    finally:
        conn.close()


def _listings_work(cw: Casework) -> None:
    """Every listing answers: the damaged case may be left out (with a warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DamagedRows)
        cw.cases()
        cw.cases(kind="petition", state="handling")
        cw.cases(overdue=True, as_of="2021-06-01")
        cw.search(cw.search_filter(party="陈某"))
        cw.search(cw.search_filter(sort="state"))
        cw.due(within=60, as_of="2020-11-20")
        cw.acting("sup_pz").desk(as_of="2020-11-20")
        cw.stats("2020-01-01", "2020-12-31", by="office")


def _damaged_copy_answers(url: str, numbers: tuple[str, ...], cell: tuple[str, str]) -> None:
    """On a corrupted copy: the audit reports the cell, the listings answer, each case shows
    or is refused saying so, and the CLI's audit and list exit as they should."""
    table, column = cell
    cw = Casework(url, clock=FrozenClock(CLOCK))
    try:
        audit = cw.verify()
        assert not audit["ok"]
        assert any(f"{table}.{column}" in f["problem"] for f in audit["findings"]), audit
        _listings_work(cw)
        for number in numbers:
            try:
                cw.show(number)
            except Damaged as refused:
                assert number in refused.reason and "\n" not in refused.reason
        cli = Cli(url, FrozenClock(CLOCK))
        verified = cli("audit", "verify", "--json")
        assert verified.exit_code == 1 and not json.loads(verified.stdout)["ok"]
        listed = cli("case", "list")
        assert listed.exit_code == 0 and listed.stderr.count("\n") <= 1
    finally:
        cw.close()


@settings(
    max_examples=int(os.environ.get("DAMAGE_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    cell=st.sampled_from(CELLS),
    row=st.integers(min_value=0, max_value=200),
    data=st.data(),
)
def test_random_damage_is_reported_and_listings_keep_working(
    cell: tuple[str, str, str], row: int, data: st.DataObject
) -> None:
    table, column, check = cell
    value = data.draw(GARBAGE[check], label="garbage")
    world = _world()
    folder = tempfile.mkdtemp(prefix="cw-damaged-copy-")
    path = os.path.join(folder, "casework.db")
    shutil.copyfile(world.path, path)
    try:
        _corrupt(path, table, column, row, value)
        _damaged_copy_answers(path, world.cases, (table, column))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- PostgreSQL: its columns hold only values of their type, so the garbage is what they hold
# but casework cannot read (infinity, a BC date, JSON that is not an object, a NULL once the
# column's NOT NULL is dropped, a state no procedure has, a sealed value the key cannot open).


def _pg_text(prefix: str, size: int) -> st.SearchStrategy[object]:
    return st.text(max_size=size).filter(lambda t: "\x00" not in t).map(lambda t: prefix + t)


PG_GARBAGE: dict[str, st.SearchStrategy[object]] = {
    "text": _pg_text("zz-", 30),
    "int": st.none(),
    "object": st.sampled_from(["[1, 2]", '"text"', "5", "null", "true", "[]", None]),
    "instant": st.sampled_from(
        ["infinity", "-infinity", "0044-03-15 00:00:00+00 BC", "12000-01-01 00:00:00+00", None]
    ),
    "day": st.sampled_from(["infinity", "-infinity", "0044-03-15 BC", "12000-01-01", None]),
    "sealed": st.one_of(
        st.sampled_from(["v1:AAAA", "v1:", "110101199003074514"]), _pg_text("v1:", 60)
    ),
}
PG_GARBAGE["event_data"] = PG_GARBAGE["object"]
PG_TYPES = {"int": "integer", "object": "jsonb", "event_data": "jsonb", "instant": "timestamptz"}
PG_TYPES |= {"day": "date", "text": "text", "sealed": "text"}


@pytest.fixture(scope="module")
def pg_world() -> Iterator[tuple[str, Engine, tuple[str, ...]]]:
    """The PostgreSQL world: a template database built once for the module, dropped after."""
    base = pg_base_or_none()
    if base is None:
        pytest.skip("PostgreSQL tests need CASEWORK_TEST_PG=postgresql+psycopg://user@host/db")
    admin, name = pg_admin(base), fresh_name("cwdmg")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base, admin, (name, *_build(pg_url_of_database(base, name)))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_corrupt(url: str, table: str, column: str, check: str, row: int, value: object) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            drop_event_guards(conn)
            conn.execute(text(f'ALTER TABLE {table} ALTER COLUMN "{column}" DROP NOT NULL'))
            ids = conn.execute(text(f"SELECT id FROM {table} ORDER BY id")).scalars().all()
            conn.execute(
                text(
                    f'UPDATE {table} SET "{column}" = CAST(:v AS {PG_TYPES[check]}) WHERE id = :i'
                ),
                {"v": value, "i": ids[row % len(ids)]},
            )
    finally:
        engine.dispose()


@settings(
    max_examples=int(os.environ.get("DAMAGE_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    cell=st.sampled_from(CELLS),
    row=st.integers(min_value=0, max_value=200),
    data=st.data(),
)
def test_random_damage_on_postgresql(
    pg_world: tuple[str, Engine, tuple[str, ...]],
    cell: tuple[str, str, str],
    row: int,
    data: st.DataObject,
) -> None:
    base, admin, (template, *numbers) = pg_world
    table, column, check = cell
    value = data.draw(PG_GARBAGE[check], label="garbage")
    name = fresh_name("cwdmg")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = pg_url_of_database(base, name)
    try:
        _pg_corrupt(url, table, column, check, row, value)
        _damaged_copy_answers(url, tuple(numbers), (table, column))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
