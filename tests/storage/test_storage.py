"""Storage guarantees: numbering, transactions, version checks, schema, SQLite settings."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from casework.api import Casework
from casework.errors import Conflict
from casework.storage import schema
from casework.storage.db import run_write
from casework.storage.tables import cases, events, metadata
from tests.helpers import VALID_ID, FrozenClock, dump


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
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    case_no = clerk.register("petition", "panzhou", "t", at="2020-05-01")["case_no"]
    svc = sup._cases
    with cw.engine.connect() as conn:
        stale = svc._load_case(conn, case_no)
    sup.advance(case_no, "accept", at="2020-05-02")
    before = dump(cw.engine)
    actor: Any = type("A", (), {"username": "sup_pz", "role": "supervisor"})()

    def work(conn: Any) -> None:
        svc._append(
            conn,
            stale,
            actor,
            "refuse",
            "not_accepted",
            stale_at,
            stale_at,
            None,
            {"reason": "x"},
            {"reason": "x"},
        )

    stale_at = cw.clock()
    with pytest.raises(Conflict, match="changed"):
        run_write(cw.engine, work)
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


def test_parties_are_masked_unless_a_supervisor_reveals(cw: Casework) -> None:
    case_no = cw.acting("clerk_pz").register(
        "petition", "panzhou", "t", [f"petitioner:陈某:{VALID_ID}:13800138000"]
    )["case_no"]
    masked = cw.acting("clerk_pz").show(case_no)["parties"][0]
    assert masked["id_number"] == "110101********4514" and masked["phone"] == "138****8000"
    assert cw.show(case_no)["parties"][0]["id_number"] == "110101********4514"
    revealed = cw.acting("sup_pz").show(case_no, reveal=True)["parties"][0]
    assert revealed["id_number"] == VALID_ID and revealed["phone"] == "13800138000"
    listing = cw.acting("sup_pz").cases()
    assert VALID_ID not in repr(listing)


def test_repeat_petitioner_is_shown_and_escalation_links_both_ways(cw: Casework) -> None:
    clerk = cw.acting("clerk_pz")
    first = clerk.register("petition", "panzhou", "一", [f"petitioner:陈某:{VALID_ID}"])
    second = clerk.register("petition", "panzhou", "二", [f"petitioner:陈某:{VALID_ID}"])
    assert [r["case_no"] for r in second["related"]] == [first["case_no"]]
    major = cw.acting("sup_pz").register(
        "major_dispute", "panzhou", "群体讨薪", link=second["case_no"]
    )
    shown = cw.show(major["case_no"])
    assert shown["links"] == [
        {
            "kind": "origin",
            "case_no": second["case_no"],
            "case_kind": "petition",
            "state": "registered",
        }
    ]
    assert shown["data"]["origin_case"] == second["case_no"]
    back = cw.show(second["case_no"])["links"]
    assert back[0]["kind"] == "successor" and back[0]["case_no"] == major["case_no"]


def test_town_users_see_only_their_office(cw: Casework) -> None:
    cw.acting("clerk_pz").register("petition", "panzhou", "pz")
    cw.acting("clerk_sm").register("petition", "shanmei", "sm")
    assert {c["office"] for c in cw.acting("clerk_sm").cases()} == {"shanmei"}
    assert {c["office"] for c in cw.acting("sup_city").cases()} == {"panzhou", "shanmei"}
    panzhou_case = cw.cases(office="panzhou")[0]["case_no"]
    # city-level users act on every office's cases; only they may supervise (督办)
    assert cw.acting("sup_city").show(panzhou_case)["triggers"] == [
        "accept",
        "refuse",
        "forward",
        "supervise",
    ]
    assert cw.acting("sup_pz").show(panzhou_case)["triggers"] == ["accept", "refuse", "forward"]
    assert cw.acting("sup_sm").cases(office="panzhou") == []
