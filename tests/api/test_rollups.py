"""The statistics roll-ups (issue 18 point 4, casework.read.rollups): every figure summed from
the rows equals the same figure computed from the events, for any period and grouping; a step
marks its case and the next statistics computes its rows again; a database upgraded without
them is read from the events until ``init`` builds them; an edit of a row is found by
``audit verify``."""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError

from casework.api import Casework
from casework.read.rollups import ready
from casework.read.scope import Scope
from casework.read.stats import catalogue, compute, rolled_key
from casework.storage import rollups
from casework.storage.db import reading
from casework.storage.tables import derived_builds, stat_items
from tests import hotline as H
from tests import mediations as M
from tests import petitions as P
from tests.api.test_read_once import petitions
from tests.integration.test_stats_plans import captured

PERIODS = (
    (date(2020, 1, 1), date(2020, 12, 31)),
    (date(2020, 1, 1), date(2020, 3, 31)),
    (date(2020, 2, 1), date(2020, 2, 29)),
    (date(2020, 3, 10), date(2020, 4, 6)),
)
GROUPINGS = (None, "office", "kind", "month", "quarter", "channel")
# The indexes of every event of a trigger or state, or every case of a kind, ever held.
WIDE = re.compile(r"ix_events_trigger_on|ix_events_to_state_on|ix_cases_kind_")


def some_cases(cw: Casework) -> None:
    """Petitions routed, due, replied, delivered and rated, mediations accepted, agreed and
    failed, and 12345 orders registered and dispatched (a cohort without overdue parts, and
    a limit that lapses), over a few months."""
    petitions(cw)
    M.performed(cw, "2020-01-08", "2020-01-20", "2020-02-10")
    M.archived(cw, "2020-02-03", "2020-02-14", "2020-03-02")
    M.accepted(cw, "2020-03-12")
    H.add_hotline_staff(cw)
    H.register(cw, "2020-02-04")
    H.dispatched(cw, "2020-02-06")


def both_ways(cw: Casework) -> None:
    """Each period and grouping, summed from the rows and computed from the events."""
    cat = catalogue(cw.machines.registry)
    with reading(cw.engine) as conn:
        assert ready(conn)
        for start, end in PERIODS:
            for by in GROUPINGS:
                for office, cut in ((None, None), ("panzhou", None), (None, end)):
                    scope = Scope(start, end, office=office, closed_by=cut)
                    rolled = compute(conn, cat, scope, None, by, rolled=True)
                    events = compute(conn, cat, scope, None, by, rolled=False)
                    assert rolled == events, (start, end, by, office, cut)


def test_figures_from_the_rows_equal_those_from_the_events(cw: Casework) -> None:
    some_cases(cw)
    admin = cw.acting("admin")
    with reading(cw.engine) as conn:
        assert rollups.count_marked(conn) > 0  # the steps marked their cases
        assert not ready(conn)
    figures = admin.stats("2020-01-01", "2020-06-30")["metrics"]
    assert figures["petition.due"] and figures["mediation.mediated"]
    with reading(cw.engine) as conn:
        assert rollups.count_marked(conn) == 0  # the statistics caught up
        sources = {r for (r,) in conn.execute(select(stat_items.c.source).distinct())}
    rolled = {rolled_key(m) for m in catalogue(cw.machines.registry)} - {None}
    assert {"petition.registered", "petition:routing", "mediation.mediated"} <= sources
    assert {"hotline:cohort:register", "hotline:lapsed:handle_limit"} <= sources
    assert sources <= {key[0] for key in rolled if key is not None}
    both_ways(cw)


def test_a_later_step_is_counted_at_once(cw: Casework) -> None:
    admin = cw.acting("admin")
    case_no = P.register(cw, "2020-05-06")
    P.accept(cw, case_no, "2020-05-06")
    before = admin.stats("2020-05-01", "2020-07-31", metrics=["petition.replied"])
    P.reply(cw, case_no, "2020-06-01")
    after = admin.stats("2020-05-01", "2020-07-31", metrics=["petition.replied"])
    assert before["metrics"]["petition.replied"] == 0
    assert after["metrics"]["petition.replied"] == 1
    both_ways(cw)


def test_an_upgraded_database_is_read_from_the_events_until_init_builds_it(
    cw: Casework,
) -> None:
    some_cases(cw)
    admin = cw.acting("admin")
    expected = admin.stats("2020-01-01", "2020-06-30", by="office")
    with cw.engine.begin() as conn:  # as migration 0023 leaves a database: nothing built
        conn.execute(delete(stat_items))
        conn.execute(delete(derived_builds).where(derived_builds.c.name == rollups.NAME))
    assert admin.roll_up() == 0  # not built: nothing is caught up
    with reading(cw.engine) as conn:
        assert not ready(conn)
    assert admin.stats("2020-01-01", "2020-06-30", by="office") == expected
    again = Casework.initialise(cw.engine, clock=cw.clock)
    with reading(again.engine) as conn:
        assert ready(conn)
        count = conn.execute(select(func.count()).select_from(stat_items)).scalar_one()
    assert count > 0
    assert admin.stats("2020-01-01", "2020-06-30", by="office") == expected
    both_ways(cw)


def test_an_edited_row_is_found_by_the_audit(cw: Casework) -> None:
    some_cases(cw)
    admin = cw.acting("admin")
    admin.stats("2020-01-01", "2020-06-30")
    assert admin.verify()["ok"]
    with cw.engine.begin() as conn:
        first = conn.execute(select(func.min(stat_items.c.id))).scalar_one()
        conn.execute(update(stat_items).where(stat_items.c.id == first).values(value=7))
    found = admin.verify()
    assert not found["ok"]
    assert any("统计汇总" in f["problem"] for f in found["findings"])
    with cw.engine.begin() as conn:  # marked: its rows are not held to the events
        row = conn.execute(select(stat_items.c.case_id).where(stat_items.c.id == first))
        rollups.mark(conn, [row.scalar_one()])
    assert admin.verify()["ok"]


def test_a_catch_up_finds_its_cases_by_id(cw: Casework) -> None:
    """The items of a chunk of cases are looked up by the cases' ids: a search of an index of
    triggers, states or kinds would range over every case ever held, for every chunk."""
    if cw.engine.dialect.name != "sqlite":
        pytest.skip("the plans checked are SQLite's")
    some_cases(cw)
    with captured(cw) as statements:
        assert cw.acting("admin").roll_up() > 0
    queries = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) > 10
    with cw.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        for statement, parameters in queries:
            plan = [r[-1] for r in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            wide = [line for line in plan if WIDE.search(line)]
            assert wide == [], f"{statement}\n" + "\n".join(plan)


def test_as_of_a_day_after_the_last_change_the_rows_answer(cw: Casework) -> None:
    """The database as it stood at the end of a day on or after the last change of any case
    is the database as it stands: the rows answer; as of an earlier day the events do."""
    some_cases(cw)
    admin = cw.acting("admin")
    today = cw.today().isoformat()  # every step is recorded by the frozen clock's day
    for as_of, from_rows in ((today, True), ("2020-11-30", False)):
        with captured(cw) as statements:
            found = admin.stats("2020-01-01", "2020-06-30", as_of=as_of, by="office")
        read = any(
            "stat_items" in s and s.lstrip().upper().startswith("SELECT") for s, _ in statements
        )
        assert read == from_rows, as_of
        scope = Scope(date(2020, 1, 1), date(2020, 6, 30), as_of=date.fromisoformat(as_of))
        with reading(cw.engine) as conn:
            events = compute(conn, catalogue(cw.machines.registry), scope, None, "office")
        assert found == events, as_of
    assert admin.stats("2020-01-01", "2020-06-30", as_of=today)["metrics"]["petition.due"]


def test_a_copy_that_cannot_be_written_is_read_from_the_events(
    cw: Casework, monkeypatch: pytest.MonkeyPatch
) -> None:
    some_cases(cw)
    admin = cw.acting("admin")
    scope = Scope(date(2020, 1, 1), date(2020, 6, 30))
    with reading(cw.engine) as conn:
        events = compute(conn, catalogue(cw.machines.registry), scope)

    def refused(*_: object, **__: object) -> None:
        refusal = sqlite3.OperationalError("attempt to write a readonly database")
        raise OperationalError("INSERT INTO stat_items", {}, refusal)

    monkeypatch.setattr(Casework, "derived_write", refused)
    assert admin.stats("2020-01-01", "2020-06-30") == events
    with reading(cw.engine) as conn:
        assert rollups.count_marked(conn) > 0  # the marks wait for a copy that can be written

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug in a source")

    monkeypatch.setattr(Casework, "derived_write", broken)
    with pytest.raises(RuntimeError):  # not damage, not a refused write: not hidden
        admin.stats("2020-01-01", "2020-06-30")
