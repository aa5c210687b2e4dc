"""The open-limits index (issue 18 point 1): kept by each step's transaction, it gives the same
``due``, ``case list --overdue`` and desk as replaying the events, from one indexed query, on
every day from the last change on; a day before that is still answered from the events."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection

from casework.api import Casework
from casework.read.due import due_list, overdue, running
from casework.storage import open_limits as index
from casework.storage import schema
from casework.storage.db import open_engine
from casework.storage.repository import histories_of
from casework.storage.tables import cases, open_limits
from casework.storage.world import StoredWorld
from tests import major_disputes as MD
from tests import mediations as M
from tests import petitions as P
from tests.helpers import FrozenClock, add_staff

DAYS_AFTER = (0, 1, 6, 20, 45, 70, 200, 400)


def _cases(cw: Casework) -> list[str]:
    """A spread of cases: petitions at each stage (accepted, extended, replied, delivered,
    reviewed, forwarded), mediations accepted and agreed, a major dispute in a leader's charge."""
    made = [P.register(cw, "2020-09-01"), P.register(cw, "2020-11-20")]
    accepted = P.register(cw, "2020-09-10")
    P.accept(cw, accepted, "2020-09-11")
    made.append(accepted)
    extended = P.register(cw, "2020-08-20")
    P.accept(cw, extended, "2020-08-21")
    P.doc(cw, "clerk_pz", extended, "extension_notice", "2020-10-10")
    values = {"days": "30", "reason": "核实", **P.NOTICE}
    cw.acting("sup_pz").advance(extended, "extend", values, at="2020-10-10")
    made.append(extended)
    replied = P.register(cw, "2020-07-01")
    P.replied(cw, replied, "2020-07-02", "2020-08-01", "2020-08-03")
    made += [replied, P.reviewing(cw, "2020-06-01", "2020-06-20")]
    made += list(P.forwarded(cw, "2020-10-12"))
    made += [M.accepted(cw, "2020-11-02"), M.accepted(cw, "2020-10-01")]
    agreed = M.accepted(cw, "2020-09-01")
    M.agree(cw, agreed, "2020-09-20", {"performance": "lump_sum", "perform_by": "2020-10-20"})
    made.append(agreed)
    major = MD.register(cw, "2020-09-05")
    MD.assigned(cw, major, "2020-09-06", "2020-09-07")
    return [*made, major]


def _same(cw: Casework, day: date) -> None:
    """The index's answers on ``day`` are the replay's, for the city and for a town."""
    for user in ("admin", "clerk_pz", "sup_city"):
        api = cw.acting(user)
        with api.read() as (conn, actor):
            assert index.answers_on(conn, day), day
            want = due_list(conn, api.machines, actor, day, 7, narrow=False)
            assert due_list(conn, api.machines, actor, day, 7) == want, (user, day)
            late = overdue(conn, api.machines.registry, day, None, None, actor, None)
            replay = running(conn, api.machines.registry, day, actor=actor)
            want_late = sorted((r.case.case_no, r.due.as_json()) for r in replay if r.due.overdue)
            assert sorted((r.case.case_no, r.due.as_json()) for r in late) == want_late


def _stored_rows(conn: Connection) -> list[tuple[Any, ...]]:
    query = select(open_limits).order_by(open_limits.c.case_id, open_limits.c.ord)
    return [tuple(r) for r in conn.execute(query)]


def _replayed_rows(cw: Casework, conn: Connection) -> list[tuple[Any, ...]]:
    registry = cw.machines.registry
    world = StoredWorld(conn, registry)
    rows = conn.execute(select(cases.c.id, cases.c.kind, cases.c.office_code, cases.c.data))
    heads = {r.id: r for r in rows}
    histories = histories_of(conn, sorted(heads), 500)
    out: list[tuple[Any, ...]] = []
    for case_id in sorted(heads):
        r = heads[case_id]
        wf = registry.get(r.kind)
        assert wf is not None
        head = (r.office_code, r.data or {})
        world_of = (world.calendar(), world.setting)
        out += index.records_of(case_id, wf, head, histories.get(case_id, []), world_of)
    return out


def test_the_index_answers_as_the_replay_on_every_later_day(
    cw: Casework, clock: FrozenClock
) -> None:
    made = _cases(cw)
    with cw.read() as (conn, _):
        assert _stored_rows(conn) == _replayed_rows(cw, conn)
        listed = {r[0] for r in _stored_rows(conn)}
    assert len(listed) >= len(made) - 3  # ended cases have no rows, running ones do
    today = clock.now.date()
    for after in DAYS_AFTER:
        _same(cw, today + timedelta(days=after))
    # a step moves its case's rows in the same transaction
    P.reply(cw, made[2], "2020-11-25")
    with cw.read() as (conn, _):
        assert _stored_rows(conn) == _replayed_rows(cw, conn)
    _same(cw, today + timedelta(days=30))


def test_an_earlier_day_is_answered_from_the_events(cw: Casework, clock: FrozenClock) -> None:
    _cases(cw)
    with cw.read() as (conn, actor):
        assert not index.answers_on(conn, date(2020, 10, 1))
        # the index is not read: the rows deleted, the listing of a past day is unchanged
        before = due_list(conn, cw.machines, actor, date(2020, 10, 1), 7)
    with cw.engine.begin() as conn:
        conn.execute(open_limits.delete())
    with cw.read() as (conn, actor):
        assert before and due_list(conn, cw.machines, actor, date(2020, 10, 1), 7) == before


def test_a_day_the_index_answers_reads_no_event(cw: Casework, clock: FrozenClock) -> None:
    _cases(cw)
    seen: list[str] = []

    def capture(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(cw.engine, "before_cursor_execute", capture)
    try:
        found = cw.acting("admin").due(within=30, as_of=clock.now.date().isoformat())
        late = cw.acting("admin").cases(overdue=True)
    finally:
        event.remove(cw.engine, "before_cursor_execute", capture)
    assert found and late
    # no replay of every case: events are read only for the few cases whose lapse needs a
    # person's step (casework.read.lapses), by their ids
    streamed = [s for s in seen if "FROM events JOIN cases" in s]
    assert not streamed, streamed


def test_a_calendar_change_moves_every_last_day(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    """A holiday added where a last day fell moves it: the unit of work that changes the
    calendar rebuilds the rows it moves."""
    case_no = P.register(cw, "2020-11-25")
    P.accept(cw, case_no, "2020-11-26")  # replied within 60 days: by Monday 2021-01-25
    with cw.read() as (conn, _):
        before = _stored_rows(conn)
    holidays = tmp_path / "holidays-2021.txt"
    holidays.write_text("2021-01-25..2021-01-26 holiday 测试假日\n", encoding="utf-8")
    cw.acting("admin").calendar_add(str(holidays))
    with cw.read() as (conn, _):
        after = _stored_rows(conn)
        assert after == _replayed_rows(cw, conn)
    moved = [(b[5], a[5]) for b, a in zip(before, after, strict=True) if b != a]
    assert (date(2021, 1, 25), date(2021, 1, 27)) in moved
    _same(cw, clock.now.date() + timedelta(days=10))


def test_an_upgraded_database_is_indexed_by_init(db_url: str, clock: FrozenClock) -> None:
    """A database from before the index (0019) replays the events until ``casework init``
    builds the index from them; then the index answers the same."""
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0020")
    engine.dispose()
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    add_staff(cw)
    made = _cases(cw)
    with cw.engine.begin() as conn:
        conn.execute(open_limits.delete())
        conn.execute(text("DELETE FROM derived_builds"))
    with cw.read() as (conn, _):
        assert not index.built(conn) and not index.answers_on(conn, clock.now.date())
    cw.acting("admin").due()  # answered from the events meanwhile
    cw.close()
    cw = Casework.initialise(db_url, clock=clock)
    with cw.read() as (conn, _):
        assert index.built(conn)
        assert _stored_rows(conn) == _replayed_rows(cw, conn)
        assert {r[0] for r in _stored_rows(conn)}
    assert made
    _same(cw, clock.now.date() + timedelta(days=3))
    cw.close()


def test_audit_verify_finds_an_edited_index(cw: Casework, clock: FrozenClock) -> None:
    """The index holds nothing the events do not: an insider's edit of it (a deadline moved,
    hidden or invented) is named by ``audit verify`` like an edit of a case row."""
    made = _cases(cw)
    assert cw.acting("admin").verify()["ok"]
    with cw.read() as (conn, _):
        rows = _stored_rows(conn)
        numbers = dict(conn.execute(select(cases.c.id, cases.c.case_no)).all())
    moved, hidden = rows[0][0], rows[-1][0]
    with cw.engine.begin() as conn:
        conn.execute(
            open_limits.update()
            .where(open_limits.c.case_id == moved)
            .values(last_day=date(2030, 1, 1))
        )
        conn.execute(open_limits.delete().where(open_limits.c.case_id == hidden))
    report = cw.acting("admin").verify()
    named = {f["case_no"] for f in report["findings"] if "open-limits" in f["problem"]}
    assert not report["ok"] and named == {numbers[moved], numbers[hidden]}
    assert made
