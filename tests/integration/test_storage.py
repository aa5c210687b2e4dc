"""Storage guarantees: numbering, transactions, version checks, schema, SQLite settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from casework.api import Casework
from casework.domain.steps import Step, advance
from casework.errors import Conflict
from casework.storage import schema
from casework.storage.db import BUILD_MMAP_BYTES, open_engine, run_write
from casework.storage.tables import cases, events, metadata
from casework.storage.uow import UnitOfWork, write
from tests import petitions as P
from tests.helpers import FrozenClock, dump


def test_case_numbers_per_prefix_office_and_year(cw: Casework) -> None:
    clerk = cw.acting("clerk_pz")
    nos = [
        clerk.register("petition", "panzhou", f"t{i}", at="2020-05-01")["case_no"] for i in range(3)
    ]
    assert nos == [f"XF-2020-panzhou-0000{i}" for i in (1, 2, 3)]
    assert clerk.register("mediation", "panzhou", "m", at="2020-05-01")["case_no"] == (
        "TJ-2020-panzhou-00001"
    )
    assert clerk.register("petition", "panzhou", "old", at="2019-12-31T23:00")["case_no"] == (
        "XF-2019-panzhou-00001"
    )
    other = cw.acting("clerk_sm").register("petition", "shanmei", "s", at="2020-05-01")
    assert other["case_no"] == "XF-2020-shanmei-00001"


def test_refused_registration_does_not_use_up_a_number(cw: Casework) -> None:
    clerk = cw.acting("clerk_pz")
    with pytest.raises(Exception, match="check digit"):
        clerk.register("petition", "panzhou", "t", ["petitioner:张三:110101199003074515"])
    assert clerk.register("petition", "panzhou", "t")["case_no"].endswith("-00001")


def test_stale_version_is_refused_and_writes_nothing(cw: Casework) -> None:
    clerk = cw.acting("clerk_pz")
    case_no = clerk.register("petition", "panzhou", "t", at="2020-05-01")["case_no"]
    P.accept(cw, case_no, "2020-05-02")
    P.doc(cw, P.TOWN_CLERK, case_no, "reply", "2020-05-02")
    before = dump(cw.engine)

    def work(uow: UnitOfWork) -> None:
        stale = uow.cases.get(case_no)  # read at version 5
        # Another writer moves the case after it was read (on this connection: on PostgreSQL
        # the row read is locked against every other one until this unit of work ends).
        moved = cases.update().where(cases.c.case_no == case_no)
        uow.conn.execute(moved.values(version=cases.c.version + 1))
        step = Step(case_no, "reply", {"outcome": "support"}, at="2020-05-03")
        uow.cases.save(advance(stale, step, uow.users.actor("sup_pz"), uow))

    with pytest.raises(Conflict, match="changed") as caught:
        write(cw.engine, cw.clock, cw.machines, work)
    assert caught.value.field == "case_no" and caught.value.value == case_no
    assert case_no in caught.value.reason
    assert dump(cw.engine) == before


def test_failure_inside_a_unit_of_work_rolls_back_everything(cw: Casework) -> None:
    case_no = cw.acting("clerk_pz").register("petition", "panzhou", "t")["case_no"]
    before = dump(cw.engine)

    def work(conn: Any) -> None:
        conn.execute(cases.update().where(cases.c.case_no == case_no).values(state="handling"))
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        run_write(cw.engine, work)
    assert dump(cw.engine) == before


def test_registration_is_the_first_event(cw: Casework) -> None:
    case_no = cw.acting("clerk_pz").register("petition", "panzhou", "t", at="2020-05-01")["case_no"]
    with cw.engine.connect() as conn:
        rows = conn.execute(
            select(events.c.seq, events.c.trigger, events.c.from_state, events.c.to_state)
            .select_from(events.join(cases, events.c.case_id == cases.c.id))
            .where(cases.c.case_no == case_no)
        ).all()
    assert [tuple(r) for r in rows] == [(1, "register", None, "registered")]


# SQLite's reflection leaves out an index on an expression (migration 0022's), so Alembic
# cannot compare it there: PostgreSQL's run of this test does.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_models_and_migrations_agree(cw: Casework) -> None:
    assert schema.script_head() == schema.SCHEMA_HEAD
    with cw.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_init_is_idempotent(db_url: str, clock: FrozenClock) -> None:
    first = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    assert len(first.last_init["offices_added"]) == 32
    assert first.last_init["admin_created"] == "admin"
    before = dump(first.engine)
    again = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    assert again.last_init["offices_added"] == [] and again.last_init["admin_created"] is None
    assert dump(again.engine) == before
    first.close()
    again.close()


def test_only_a_build_skips_waiting_for_the_disk(tmp_path: Path) -> None:
    """Every database waits for the disk at each commit (synchronous=FULL) and reads pages by
    copy; only the demo's build (``durable=False``) does neither, until ``make_durable``."""
    for durable, synchronous, mapped in ((True, 2, 0), (False, 0, BUILD_MMAP_BYTES)):
        engine = open_engine(str(tmp_path / f"{durable}.db"), must_exist=False, durable=durable)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == synchronous
            assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == mapped
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        engine.dispose()


def test_sqlite_runs_in_wal_mode_and_writes_take_the_lock_at_begin(
    cw: Casework, db_url: str
) -> None:
    if cw.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with cw.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000

    def work(conn: Any) -> None:
        # While this write transaction is open, nobody else can even begin one.
        other = sqlite3.connect(db_url, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()

    run_write(cw.engine, work)
