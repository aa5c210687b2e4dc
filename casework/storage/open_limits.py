"""The open-limits index (issue 18 point 1): for each case, the limits running from its last
step on, as rows beside the case, written by the transaction that writes the step.

A limit's last day follows from the case's steps, the calendar and the dated settings, never
from the day it is asked on (casework.time.deadlines.standing): so from the last change of
any case on, what falls due on a day is read from this table with one indexed query, and only
whether each limit is overdue, and how many days are left, is worked out on reading. A day
before that last change is answered from the events, as before (casework.read.due).

The rows are derived and hold nothing the events do not: ``audit verify`` recomputes them
and names a case whose rows differ (``expected_rows``). A change of the calendar or of a
dated setting can move any case's last days: the unit of work that makes it rebuilds the
rows of every case a limit may run for (``rebuild``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, and_, cast, delete, exists, func, or_, select
from sqlalchemy.engine import Connection

from casework.domain.model import Event
from casework.storage import bulk
from casework.storage.db import chunk_size, in_chunks
from casework.storage.repository import Written, histories_of
from casework.storage.tables import cases, derived_builds, events, open_limits
from casework.time.deadlines import CaseClock, Running, standing
from casework.time.local import local_date
from workflows import Registry
from workflows.limits import Setting
from workflows.spec import DayCounter, EventView, Workflow

NAME = "open_limits"
COLUMNS = ("case_id", "ord", "state", "binds", "bound_office", "last_day", "shown")
# What a listing shows of a limit that does not depend on the day it is asked on.
DAY_BOUND = ("overdue", "days_left", "as_of")
# The admin log's actions after which every case's last days may move.
MOVES_LIMITS = ("calendar.add", "config.set")
REBUILD_BATCH = 2000

Record = tuple[int, int, str, str, str, date | None, dict[str, Any]]


def has_limits(wf: Workflow) -> bool:
    return bool(wf.limits)


def records_of(
    case_id: int,
    wf: Workflow,
    head: tuple[str, Mapping[str, object]],
    history: Sequence[EventView],
    world: tuple[DayCounter, Setting | None],
) -> list[Record]:
    """The index rows of one case (its office and data ``head``) from its whole history."""
    clock = CaseClock(wf, head[0], head[1], history, world[0], world[1])
    return [record(case_id, i, d) for i, d in enumerate(standing(clock))]


def record(case_id: int, ord_: int, d: Running) -> Record:
    shown = {k: v for k, v in d.as_json().items() if k not in DAY_BOUND}
    return (case_id, ord_, d.state, d.binds, d.bound_office, d.date, shown)


def replace(conn: Connection, case_ids: Sequence[int], records: Sequence[Record]) -> None:
    """The rows of these cases become ``records`` (in the caller's transaction). Rows that
    are already those are left in place: most steps move no limit, and rewriting them cost
    their pages at the commit as well as the delete and the insert."""
    size = chunk_size(conn)
    if bulk.holds(conn, open_limits, COLUMNS, case_ids, records, size):
        return
    for part in in_chunks(case_ids, size):
        bulk.delete_in(conn, open_limits, "case_id", part)
    bulk.insert_records(conn, open_limits, COLUMNS, records)


def refresh(
    conn: Connection,
    registry: Registry,
    world: tuple[DayCounter, Setting | None],
    written: Sequence[Written],
) -> None:
    """Rewrite the rows of the cases a unit of work wrote: (id, kind, office, data, whole
    history) each."""
    ids: list[int] = []
    records: list[Record] = []
    for case_id, kind, office, data, history in written:
        wf = registry.get(kind)
        if wf is None or not has_limits(wf):
            continue
        ids.append(case_id)
        records += records_of(case_id, wf, (office, data), history, world)
    replace(conn, ids, records)


def rebuild(
    conn: Connection,
    registry: Registry,
    world: tuple[DayCounter, Setting | None],
    now: datetime,
    everything: bool = True,
) -> int:
    """Build the rows again from the events: of every case (``everything``, after an upgrade),
    or of the cases a limit may run for whatever the calendar and settings say (open ones,
    and those a duty began on). Returns how many cases were read."""
    read = 0
    for wf in registry:
        if not has_limits(wf):
            continue
        for batch in _case_batches(conn, wf, everything):
            ids = [row.id for row in batch]
            histories = _histories(conn, ids)
            records: list[Record] = []
            for row in batch:
                head = (row.office_code, row.data or {})
                records += records_of(row.id, wf, head, histories.get(row.id, []), world)
            replace(conn, ids, records)
            read += len(batch)
    if everything:
        conn.execute(delete(derived_builds).where(derived_builds.c.name == NAME))
        conn.execute(derived_builds.insert().values(name=NAME, built_at=now))
    return read


def _case_batches(conn: Connection, wf: Workflow, everything: bool) -> Iterator[Sequence[Any]]:
    """The procedure's cases (id, office, data) by id, a batch at a time (keyset paging)."""
    last = 0
    size = min(REBUILD_BATCH, chunk_size(conn))
    while True:
        query = select(cases.c.id, cases.c.office_code, cases.c.data).where(
            cases.c.kind == wf.name, cases.c.id > last
        )
        if not everything:
            query = query.where(_may_run(wf))
        batch = conn.execute(query.order_by(cases.c.id).limit(size)).all()
        if not batch:
            return
        yield batch
        last = batch[-1].id


def _may_run(wf: Workflow) -> Any:
    """Open cases, cases with rows now, and cases one of whose duties began."""
    open_states = [s.name for s in wf.states if not s.terminal]
    clauses = [
        cases.c.state.in_(open_states),
        exists(select(open_limits.c.case_id).where(open_limits.c.case_id == cases.c.id)),
    ]
    starts = sorted({t for d in wf.duties for t in (d.start, *d.restarts)})
    if starts:
        clauses.append(
            exists(
                select(events.c.id).where(
                    and_(events.c.case_id == cases.c.id, events.c.trigger.in_(starts))
                )
            )
        )
    return or_(*clauses)


def _histories(conn: Connection, ids: Sequence[int]) -> dict[int, list[Event]]:
    return histories_of(conn, ids, chunk_size(conn))


def built(conn: Connection) -> bool:
    """Whether the index was built in full since the upgrade that made it."""
    found = select(derived_builds.c.name).where(derived_builds.c.name == NAME)
    return conn.execute(found).first() is not None


def answers_on(conn: Connection, as_of: date) -> bool:
    """Whether the index gives the limits running on ``as_of``: it was built, and no case has
    changed after that day (a step is recorded after it happened, so none happened after)."""
    return built(conn) and unchanged_after(conn, as_of)


def unchanged_after(conn: Connection, day: date) -> bool:
    """Whether no case has changed after ``day`` (local): the database as it stood at the end
    of that day is the database as it stands."""
    # Read as text: a damaged time (issue 15 point 7) must not fail the listing. Then the
    # events answer, and their reading leaves the damaged case out and says so.
    last = conn.execute(_LAST_CHANGE).scalar_one()
    if last is None:
        return True
    try:
        when = datetime.fromisoformat(str(last))
    except ValueError:
        return False
    when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return local_date(when) <= day


_LAST_CHANGE = select(cast(func.max(cases.c.updated_at), String))
