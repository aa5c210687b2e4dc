"""What falls due (临期) and what is late (超期) on a day, from the cases' events.

The limits running on a day are read in one ordered stream per procedure: the events up to
that day joined to their cases, case by case, so that no list of case ids is ever sent to the
database however many cases there are; the columns a listing shows come from the same stream.
A listing of what falls due (``due_list``, the desk) first narrows the cases to those that may
have a limit of the binds it lists (casework.read.may_run), then reads their events a bounded
batch of ids at a time: a town's year is a few dozen such cases, not its thousands.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import get_args

from sqlalchemy import ColumnElement, select
from sqlalchemy.engine import Connection

from casework.domain.model import Actor
from casework.engine import Engine as Machines
from casework.read.damage import NO_DAMAGE, DamageReport, undamaged
from casework.read.indexed_limits import COLUMNS as INDEX_COLUMNS
from casework.read.indexed_limits import Indexed, falling_due, indexed, past_due
from casework.read.may_run import Narrowing
from casework.read.scope import AnyRow, AnySelect, at_least, at_office, visible_to
from casework.read.shapes import DueJSON, DueRow
from casework.storage.db import chunk_size
from casework.storage.directory import require_office
from casework.storage.open_limits import answers_on
from casework.storage.tables import EVENT_VIEW_COLUMNS, cases, events, open_limits
from casework.storage.world import StoredWorld
from casework.time.deadlines import Due, PendingDue, due, most_pressing
from casework.time.local import as_utc
from workflows import Registry
from workflows.spec import Binds, Workflow

# Rows are fetched from the stream this many at a time.
STREAM_BATCH = 2000
# Petitioners' windows, an office's own windows and outside organs' limits are not duties of
# casework's offices: a listing of what falls due leaves them out.
NOT_DUTIES = ("party", "outside", "office_window")
LISTED = tuple(b for b in get_args(Binds) if b not in NOT_DUTIES)

_HEAD = (
    cases.c.id.label("case_id"),
    cases.c.case_no,
    cases.c.kind,
    cases.c.office_code,
    cases.c.state.label("case_state"),
    cases.c.title,
    cases.c.registered_at,
    cases.c.data.label("case_data"),
)
_VIEW = EVENT_VIEW_COLUMNS  # what the limits read of an event


@dataclass(frozen=True, slots=True)
class Moment:
    """An event as deadline code sees it."""

    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    occurred_at: datetime
    occurred_on: date
    data: dict[str, object]


@dataclass(frozen=True, slots=True)
class Head:
    """What a listing shows of a case (its state as it stands now)."""

    id: int
    case_no: str
    kind: str
    office: str
    state: str
    title: str
    registered_at: datetime
    data: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Running:
    """A case with the limit running for it on a day."""

    case: Head
    due: Due | PendingDue | Indexed
    wf: Workflow


def moment(row: AnyRow) -> Moment:
    return Moment(
        row.seq,
        row.trigger,
        row.from_state,
        row.to_state,
        as_utc(row.occurred_at),
        row.occurred_on,
        dict(row.data or {}),
    )


def has_limits(wf: Workflow) -> bool:
    return bool(wf.limits)


def _stream(
    wf: Workflow,
    as_of: date,
    office: str | None,
    actor: Actor | None,
    states: Sequence[str] | None,
    damage: DamageReport = NO_DAMAGE,
) -> AnySelect:
    query = (
        select(*_HEAD, *_VIEW)
        .select_from(events.join(cases, cases.c.id == events.c.case_id))
        .where(
            cases.c.kind == wf.name,
            cases.c.registered_on <= as_of,
            events.c.occurred_on <= as_of,
        )
        # Case by case, in the order of the index on (kind, registered_on) (or on office and
        # registered_on), each case's events in order: nothing to sort, however many rows.
        .order_by(cases.c.registered_on, cases.c.id, events.c.seq)
    )
    return undamaged(_scoped(query, office, actor, states), damage)


def _scoped(
    query: AnySelect,
    office: str | None,
    actor: Actor | None,
    states: Sequence[str] | None,
) -> AnySelect:
    if office is not None:
        query = query.where(at_office(office))
    query = query.where(*visible_to(actor))
    if states is not None:
        query = query.where(cases.c.state.in_(list(states)))
    return query


def narrowed(
    conn: Connection,
    wf: Workflow,
    as_of: date,
    scope: tuple[str | None, Actor | None, Sequence[str] | None],
    binds: Collection[str],
    damage: DamageReport = NO_DAMAGE,
) -> Iterator[tuple[Head, list[Moment]]]:
    """The cases that may have a limit so binding (casework.read.may_run), each with its
    history to ``as_of``: the cases first, then their events a bounded batch at a time."""
    narrowing = Narrowing.of(wf, as_of, binds)
    query = select(*_HEAD, cases.c.updated_at, *narrowing.columns()).where(
        cases.c.kind == wf.name, cases.c.registered_on <= as_of, narrowing.where()
    )
    query = undamaged(_scoped(query, *scope), damage).order_by(cases.c.registered_on, cases.c.id)
    width = len(narrowing.duties)
    heads = [
        _head(row)
        for row in conn.execute(query)
        if narrowing.kept(
            row.case_state,
            as_utc(row.updated_at),
            row.case_data or {},
            row[-width:] if width else (),
        )
    ]
    return with_histories(conn, heads, as_of)


def lapsed_histories(
    conn: Connection,
    wf: Workflow,
    as_of: date,
    actor: Actor | None,
    states: Sequence[str],
) -> Iterator[tuple[Head, list[Moment]]]:
    """The cases of the procedure now in one of ``states`` with a limit lapsed by ``as_of``,
    each with its history: from the open-limits index on a day it answers for, else every
    case in those states."""
    if not answers_on(conn, as_of):
        return case_histories(conn, wf, as_of, actor, states)
    lapsed = select(open_limits.c.case_id).where(open_limits.c.last_day < as_of)
    query = select(*_HEAD).where(cases.c.kind == wf.name, cases.c.id.in_(lapsed))
    query = _scoped(query, None, actor, states).order_by(cases.c.registered_on, cases.c.id)
    return with_histories(conn, [_head(row) for row in conn.execute(query)], as_of)


def with_histories(
    conn: Connection, heads: Sequence[Head], as_of: date
) -> Iterator[tuple[Head, list[Moment]]]:
    """Each case with its events to ``as_of``, read a bounded batch of cases at a time."""
    size = chunk_size(conn)
    for at in range(0, len(heads), size):
        batch = heads[at : at + size]
        found: dict[int, list[Moment]] = {h.id: [] for h in batch}
        events_of = (
            select(events.c.case_id, *_VIEW)
            .where(events.c.case_id.in_(list(found)), events.c.occurred_on <= as_of)
            .order_by(events.c.case_id, events.c.seq)
        )
        for row in conn.execute(events_of):
            found[row.case_id].append(moment(row))
        for h in batch:
            yield h, found[h.id]


def running(
    conn: Connection,
    registry: Registry,
    as_of: date,
    kind: str | None = None,
    office: str | None = None,
    actor: Actor | None = None,
    states: Sequence[str] | None = None,
    binds: Collection[str] | None = None,
    damage: DamageReport = NO_DAMAGE,
    index: ColumnElement[bool] | None = None,
) -> Iterator[Running]:
    """Every case (of ``kind``, of ``office``, the actor may see, now in one of ``states``)
    with a limit running on ``as_of``, judged on its history up to the end of that day. With
    ``binds``, only the events of the cases that may have a limit so binding are read
    (casework.read.may_run): the others may still be yielded, with a limit binding otherwise.
    With ``index`` (a condition on the open-limits index's rows), on a day the index answers
    for, only the cases with a row so placed are yielded, read from the index alone."""
    if index is not None and answers_on(conn, as_of):
        yield from from_index(conn, registry, as_of, index, kind, (office, actor, states), damage)
        return
    world = StoredWorld(conn, registry)
    calendar = world.calendar()
    for wf in registry:
        if has_limits(wf) and kind in (None, wf.name):
            if binds is None:
                query = _stream(wf, as_of, office, actor, states, damage)
                options = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
                histories = _by_case(options.execute(query))
            else:
                histories = narrowed(conn, wf, as_of, (office, actor, states), binds, damage)
            for head, history in histories:
                found = due(
                    wf,
                    history,
                    calendar,
                    as_of,
                    office=head.office,
                    data=head.data,
                    setting=world.setting,
                )
                if found is not None:
                    yield Running(head, found, wf)


def from_index(
    conn: Connection,
    registry: Registry,
    as_of: date,
    where: ColumnElement[bool],
    kind: str | None,
    scope: tuple[str | None, Actor | None, Sequence[str] | None],
    damage: DamageReport = NO_DAMAGE,
) -> Iterator[Running]:
    """The cases with an index row meeting ``where``, each with its most pressing limit of
    all its rows on ``as_of`` (as the replay picks it): one indexed query, case by case."""
    picked = select(open_limits.c.case_id).where(where)
    query = (
        select(*_HEAD, *INDEX_COLUMNS)
        .select_from(open_limits.join(cases, cases.c.id == open_limits.c.case_id))
        .where(open_limits.c.case_id.in_(picked))
        .order_by(open_limits.c.case_id, open_limits.c.ord)
    )
    if kind is not None:
        query = query.where(cases.c.kind == kind)
    query = undamaged(_scoped(query, *scope), damage)
    procedures = {wf.name: wf for wf in registry if has_limits(wf)}
    options = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
    for _, rows in groupby(options.execute(query), key=lambda r: r.case_id):
        group = list(rows)
        wf = procedures.get(group[0].kind)
        best = most_pressing([indexed(r, as_of) for r in group])
        if wf is not None and best is not None:
            yield Running(_head(group[0]), best, wf)


def case_histories(
    conn: Connection,
    wf: Workflow,
    as_of: date,
    actor: Actor | None,
    states: Sequence[str] | None = None,
) -> Iterator[tuple[Head, list[Moment]]]:
    """Each case of the procedure (the actor may see, now in one of ``states``) with its
    history up to ``as_of``, case by case, streamed."""
    query = _stream(wf, as_of, None, actor, states)
    options = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
    return _by_case(options.execute(query))


def _by_case(rows: Iterator[AnyRow]) -> Iterator[tuple[Head, list[Moment]]]:
    """The stream's rows, case by case: each case with its events."""
    head: Head | None = None
    history: list[Moment] = []
    for row in rows:
        if head is None or row.case_id != head.id:
            if head is not None:
                yield head, history
            head, history = _head(row), []
        history.append(moment(row))
    if head is not None:
        yield head, history


def _head(row: AnyRow) -> Head:
    return Head(
        row.case_id,
        row.case_no,
        row.kind,
        row.office_code,
        row.case_state,
        row.title,
        as_utc(row.registered_at),
        row.case_data or {},
    )


def due_json(d: Due | PendingDue | Indexed) -> DueJSON:
    """A running limit in the contract's JSON shape."""
    return d.as_json()


def status(d: Due | PendingDue | Indexed) -> str:
    if d.days_left is None:
        return "calendar_missing"
    if d.overdue:
        return "overdue"
    if d.binds == "reminder" and d.lapsed:
        return "reminder"  # 督促履行 (人民调解法 art. 31): past the day agreed, never overdue
    return "warning" if d.lapsed else "due_soon"


def due_row(r: Running) -> DueRow:
    d, case = r.due, r.case
    shown = due_json(d)
    row = DueRow(
        case_no=case.case_no,
        kind=case.kind,
        office=case.office,
        state=d.state,
        state_label=r.wf.state(d.state).label,
        title=case.title,
        date=shown["date"],
        rule=shown["rule"],
        rule_en=shown["rule_en"],
        overdue=shown["overdue"],
        days_left=shown["days_left"],
        limit=shown["limit"],
        label=shown["label"],
        binds=shown["binds"],
        start=shown["start"],
        as_of=shown["as_of"],
        status=status(d),
    )
    for key in ("problem", "bound_office", "paused", "article"):
        if key in shown:
            row[key] = shown[key]
    return row


def due_list(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    as_of: date,
    within: int,
    office: str | None = None,
    kind: str | None = None,
    narrow: bool = True,
    damage: DamageReport = NO_DAMAGE,
) -> list[DueRow]:
    """What falls due within ``within`` days (临期) and what is late (超期), most urgent first.

    Office deadlines and advisory limits are listed; petitioners' windows, an office's own
    windows and outside organs' limits are not duties. With ``office``, the limits that bind
    that office: its own cases', and those of cases it reviews (a limit's ``bound_office``).
    ``narrow=False`` reads every case's events (the same list, slower: for tests).
    """
    at_least(within, 0, "within", "天数")
    if office is not None:
        require_office(conn, office)
    name = machines.workflow(kind).name if kind is not None else None
    out: list[DueRow] = []
    binds = LISTED if narrow else None
    index = falling_due(LISTED, as_of, within) if narrow else None
    found = running(conn, machines.registry, as_of, name, None, actor, None, binds, damage, index)
    for r in found:
        d = r.due
        if office is not None and office not in (r.case.office, d.bound_office):
            continue
        if d.binds in NOT_DUTIES:
            continue
        if d.days_left is not None and d.days_left > within:
            continue
        out.append(due_row(r))
    # Limits whose last day awaits a holiday arrangement come last.
    out.sort(key=lambda r: (r["days_left"] is None, r["days_left"] or 0, r["case_no"]))
    return out


def overdue(
    conn: Connection,
    registry: Registry,
    as_of: date,
    kind: str | None,
    office: str | None,
    actor: Actor | None,
    states: Sequence[str] | None,
    damage: DamageReport = NO_DAMAGE,
) -> list[Running]:
    """The cases past an office deadline (超期) on ``as_of``, newest registration first."""
    index = past_due(as_of)
    found = running(conn, registry, as_of, kind, office, actor, states, None, damage, index)
    late = [r for r in found if r.due.overdue]
    late.sort(key=lambda r: (r.case.registered_at, r.case.id), reverse=True)
    return late
