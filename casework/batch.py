"""The fast path for many triggers in one transaction (``CaseService.advance_many``).

It makes the same checks, in the same order, and records the same events and hashes as firing
the steps one at a time with ``CaseService.advance_in``, but it talks to the database in bulk:

- the cases of a batch are read in a few queries (chunks of case numbers with ``IN``), with
  the time of each case's last event for the back-dating check, and the events already
  recorded under the batch's idempotency keys (refs) in a few more;
- versions, states, data and chain heads then live in memory across the steps of the batch,
  so that a case may take several steps in one batch, and a guard's view of a case's history
  (loaded only when a guard asks for it) includes the steps applied earlier in the batch;
- at the end each touched case is moved on once, from the version read to the version
  reached, with a version check (a concurrent writer makes it refuse), and the events are
  inserted in step order, both with ``executemany``.

Nothing is written before every step has passed, so a refused step leaves nothing behind (the
caller's transaction is rolled back anyway); a refusal names the step it refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Connection

from casework.actors import Actor, check_office
from casework.audit import event_digest
from casework.time.calendar import Calendar
from casework.errors import CaseworkError, Conflict, InvalidData, NotFound
from casework.holidays import load_calendar
from casework.legacy_services import (
    _DOCUMENT_KINDS,
    _INSERT_EVENT,
    _MOVE_CASE,
    Context,
    event_json,
    load_event_views,
)
from casework.storage.tables import cases, events
from casework.domain.text import clean_text
from casework.time.local import local_date, local_iso
from workflows.spec import EventView, TriggerSpec

if TYPE_CHECKING:
    from casework.legacy_services import CaseService, Step

# Case numbers (or refs) per query: well inside every driver's limit on bound parameters.
CHUNK = 500

_LOAD_CASES = (
    select(
        cases.c.id,
        cases.c.case_no,
        cases.c.kind,
        cases.c.office_code,
        cases.c.state,
        cases.c.version,
        cases.c.data,
        cases.c.head_hash,
        events.c.occurred_at.label("last_at"),
    )
    .select_from(
        cases.outerjoin(
            events, and_(events.c.case_id == cases.c.id, events.c.seq == cases.c.version)
        )
    )
    .where(cases.c.case_no.in_(bindparam("case_nos", expanding=True)))
)
_DONE_REFS = select(events).where(
    events.c.case_id.in_(bindparam("case_ids", expanding=True)),
    events.c.ref.in_(bindparam("refs", expanding=True)),
)
_VERSIONS = select(cases.c.id, cases.c.version).where(
    cases.c.id.in_(bindparam("case_ids", expanding=True))
)


@dataclass(eq=False)
class _Case:
    """A case as the batch has moved it so far (its row as read, then the steps applied)."""

    id: int
    case_no: str
    kind: str
    office_code: str
    state: str
    version: int
    data: Any
    head_hash: str | None
    last_at: datetime | None  # the time of the event at ``version``
    read_version: int
    first_step: int = 0  # the number of its first step in the batch, once it has one
    stored: list[EventView] | None = None  # its recorded history, loaded when a guard asks
    applied: list[dict[str, Any]] = field(default_factory=list)  # its events in the batch
    documents: list[str] | None = None


class _StepContext(Context):
    """The Context of one step: guards see the steps applied earlier in the same batch."""

    def __init__(self, batch: _Batch, case: _Case, values: dict[str, Any], at: datetime):
        super().__init__(batch.conn, case.id, case.case_no, case.state, case.data or {}, values, at)
        self._batch = batch
        self._case = case

    @cached_property
    def events(self) -> Sequence[EventView]:
        case = self._case
        if case.stored is None:
            case.stored = load_event_views(self.conn, case.id)
        return [
            *case.stored,
            *(
                EventView(
                    e["seq"],
                    e["trigger"],
                    e["from_state"],
                    e["to_state"],
                    e["occurred_at"],
                    e["occurred_on"],
                    e["data"],
                )
                for e in case.applied
            ),
        ]

    @cached_property
    def documents(self) -> Sequence[str]:
        # Triggers add no documents, so what the case file held before the batch still holds.
        case = self._case
        if case.documents is None:
            case.documents = [
                r.kind for r in self.conn.execute(_DOCUMENT_KINDS, {"case_id": case.id})
            ]
        return case.documents

    @cached_property
    def calendar(self) -> Calendar:
        return self._batch.calendar


class _Batch:
    """One ``advance_many``: the cases it touches, the refs already used, what to write."""

    def __init__(
        self, service: CaseService, conn: Connection, actor: Actor, now: datetime, total: int
    ):
        self.service = service
        self.total = total
        self.conn = conn
        self.actor = actor
        self.now = now
        self.cases: dict[str, _Case] = {}
        # (case id, ref) -> the event recorded under it, stored before or earlier in the batch
        self.done: dict[tuple[int, str], Any] = {}
        self.touched: list[_Case] = []
        self.rows: list[dict[str, Any]] = []
        self.triggers: dict[tuple[str, str, str], TriggerSpec] = {}  # (kind, state, name)
        self.allowed: set[tuple[str, str, str]] = set()  # (kind, trigger, office)
        # (kind, trigger, state) -> the state a trigger without guards leads to
        self.unguarded: dict[tuple[str, str, str], str] = {}
        self.now_iso = local_iso(now)
        # The last step's time, as shown and as a local date (most steps share one time).
        self.when, self.when_iso, self.when_on = now, self.now_iso, local_date(now)

    @cached_property
    def calendar(self) -> Calendar:
        return load_calendar(self.conn)

    def prefetch(self, steps: Sequence[Step]) -> None:
        """Read the batch's cases, and the events recorded under its refs, in bulk."""
        nos = list(dict.fromkeys(s.case_no for s in steps))
        for i in range(0, len(nos), CHUNK):
            for r in self.conn.execute(_LOAD_CASES, {"case_nos": nos[i : i + CHUNK]}):
                self.cases[r.case_no] = _Case(
                    r.id,
                    r.case_no,
                    r.kind,
                    r.office_code,
                    r.state,
                    r.version,
                    r.data,
                    r.head_hash,
                    r.last_at,
                    r.version,
                )
        wanted: dict[str, set[int]] = {}
        for s in steps:
            case = self.cases.get(s.case_no)
            if s.ref is None or case is None:
                continue
            try:
                ref = clean_text(s.ref, "--ref", max_length=200)
            except InvalidData:
                continue  # refused at its step, in order
            wanted.setdefault(ref, set()).add(case.id)
        refs = list(wanted)
        for i in range(0, len(refs), CHUNK):
            chunk = refs[i : i + CHUNK]
            ids = sorted(set().union(*(wanted[r] for r in chunk)))
            for row in self.conn.execute(_DONE_REFS, {"case_ids": ids, "refs": chunk}):
                if row.case_id in wanted[row.ref]:
                    self.done[(row.case_id, row.ref)] = row

    def step(self, step: Step, n: int) -> dict[str, Any]:
        """Check and apply one step in memory; what ``advance_in`` would return for it."""
        service, machines, actor, now = self.service, self.service.machines, self.actor, self.now
        case = self.cases.get(step.case_no)
        if case is None:
            raise NotFound(f"unknown case {step.case_no[:80]!r}")
        wf = machines.workflow(case.kind)
        ref = None
        if step.ref is not None:
            ref = clean_text(step.ref, "--ref", max_length=200)
            done = self.done.get((case.id, ref))
            if done is not None:
                if done.trigger != step.trigger:
                    raise InvalidData(
                        f"case {case.case_no}: --ref {ref!r} was used for '{done.trigger}' at "
                        f"seq {done.seq}, not for '{step.trigger}'"
                    )
                check_office(actor, case.office_code, f"case {case.case_no}")
                return {
                    **service._result(wf, case, case.state, event_json(done)),
                    "repeated": True,
                }
        # The checks of a trigger and of the actor's role and office depend on nothing else
        # than what their keys hold: made once per batch, then remembered.
        key = (wf.name, case.state, step.trigger)
        trig = self.triggers.get(key) or machines.trigger_from(
            wf, case.case_no, case.state, step.trigger
        )
        self.triggers[key] = trig
        allowed = (wf.name, trig.name, case.office_code)
        if allowed not in self.allowed:
            service._check_actor(actor, case, trig)
            self.allowed.add(allowed)
        note = clean_text(step.note, "note", required=False) if step.note else None
        where = f"case {case.case_no} is '{case.state}'; '{trig.name}'"
        data = service._values(self.conn, trig.fields, step.values or {}, note, where, case.data)
        when = service._when(step.at, now)
        if case.last_at is None:  # no event at the case's version: as advance_in would fail
            case.last_at = service._last_event_at(self.conn, case.id, case.version)
        if when < case.last_at:
            raise InvalidData(
                f"case {case.case_no}: --at {local_iso(when)} is before the case's previous "
                f"event (seq {case.version} at {local_iso(case.last_at)})"
            )
        ctx = _StepContext(self, case, data, when)
        if trig.guards:
            new_state = machines.fire(wf, trig, ctx)
        else:
            # Without guards the machine's answer depends only on the procedure, the trigger
            # and the state: fired once per batch, then remembered.
            key = (wf.name, trig.name, case.state)
            new_state = self.unguarded.get(key) or machines.fire(wf, trig, ctx)
            self.unguarded[key] = new_state

        seq = case.version + 1
        if when is not self.when:
            self.when, self.when_iso, self.when_on = when, local_iso(when), local_date(when)
        on = self.when_on
        event: dict[str, Any] = {
            "case_id": case.id,
            "seq": seq,
            "trigger": trig.name,
            "from_state": case.state,
            "to_state": new_state,
            "actor": actor.username,
            "actor_role": actor.role,
            "occurred_at": when,
            "occurred_on": on,
            "recorded_at": now,
            "note": note,
            "data": dict(data),
        }
        event["hash"] = digest = event_digest(case.head_hash, case.case_no, event)
        event["ref"] = ref
        self.rows.append(event)
        recorded = {
            "seq": seq,
            "trigger": trig.name,
            "from_state": case.state,
            "to_state": new_state,
            "occurred_at": self.when_iso,
            "recorded_at": self.now_iso,
            "actor": actor.username,
            "actor_role": actor.role,
            "note": note,
            "data": dict(data),
            "ref": ref,
        }

        if not case.first_step:
            case.first_step = n
            self.touched.append(case)
        case_values = trig.case_values(data)
        if case_values:
            case.data = {**(case.data or {}), **case_values}
        case.applied.append(event)
        if ref is not None:
            self.done[(case.id, ref)] = SimpleNamespace(**event)
        case.state, case.version, case.head_hash, case.last_at = new_state, seq, digest, when
        return {**service._result(wf, case, new_state, recorded), "repeated": False}

    def write(self) -> None:
        """Move each touched case on once, with its version check, then insert the events."""
        if not self.touched:
            return
        moves = [
            {
                "b_id": c.id,
                "b_version": c.read_version,
                "b_state": c.state,
                "b_new_version": c.version,
                "b_data": c.data,
                "b_now": self.now,
                "b_hash": c.head_hash,
            }
            for c in self.touched
        ]
        if _execute_many(self.conn, _MOVE_CASE, moves) != len(moves):
            raise self._conflict()
        _execute_many(self.conn, _INSERT_EVENT, self.rows)

    def _conflict(self) -> CaseworkError:
        """The refusal when another writer moved one of the batch's cases meanwhile."""
        by_id = {c.id: c for c in self.touched}
        now_at: dict[int, int] = {}
        ids = list(by_id)
        for i in range(0, len(ids), CHUNK):
            rows = self.conn.execute(_VERSIONS, {"case_ids": ids[i : i + CHUNK]})
            now_at.update({r.id: r.version for r in rows})
        case = next((c for c in self.touched if now_at.get(c.id) != c.version), self.touched[0])
        trigger = next(r["trigger"] for r in self.rows if r["case_id"] == case.id)
        return _named(
            Conflict(
                f"case {case.case_no} changed while '{trigger}' was being recorded; "
                "look at it again (casework case show) and retry"
            ),
            case.first_step,
            self.total,
        )


@dataclass(frozen=True)
class _DriverStatement:
    """A statement compiled for one dialect, with the bind processors of its parameters."""

    sql: str
    names: tuple[str, ...]
    positional: bool
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position in names, processor)


_COMPILED: dict[tuple[int, str, tuple[str, ...]], _DriverStatement] = {}


def _driver_statement(conn: Connection, stmt: Any, keys: tuple[str, ...]) -> _DriverStatement:
    """``stmt`` compiled once per dialect and set of parameters."""
    dialect = conn.dialect
    cache_key = (id(stmt), f"{dialect.name}+{dialect.driver}", keys)
    found = _COMPILED.get(cache_key)
    if found is None:
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        processors = []
        for i, name in enumerate(names):
            type_ = compiled.binds[name].type
            process = type_.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((i, process))
        found = _COMPILED[cache_key] = _DriverStatement(
            str(compiled), names, bool(compiled.positional), tuple(processors)
        )
    return found


def _execute_many(conn: Connection, stmt: Any, rows: list[dict[str, Any]]) -> int:
    """Run ``stmt`` for every row with the driver's executemany; the rows it changed.

    SQLAlchemy's own executemany spends most of its time converting each row's values for the
    driver; here each distinct date or time is converted once (most steps of a batch share
    their times) and the rows go to the driver as they are.
    """
    prepared = _driver_statement(conn, stmt, tuple(rows[0]))
    names, processors = prepared.names, prepared.processors
    memo: dict[tuple[int, Any], Any] = {}
    params: list[Any] = []
    for row in rows:
        values = [row[name] for name in names]
        for i, process in processors:
            value = values[i]
            if isinstance(value, (datetime, date)):
                key = (i, value)
                done = memo.get(key, memo)
                if done is memo:
                    done = memo[key] = process(value)
                values[i] = done
            else:
                values[i] = process(value)
        params.append(
            tuple(values) if prepared.positional else dict(zip(names, values, strict=True))
        )
    result = conn.exec_driver_sql(prepared.sql, params)
    return result.rowcount


def _named(exc: CaseworkError, n: int, total: int) -> CaseworkError:
    """The refusal, saying which step of a batch it refused (a lone step needs no number)."""
    if total <= 1:
        return exc
    return type(exc)(f"step {n} of {total}: {exc}")


def advance_batch(
    service: CaseService,
    conn: Connection,
    actor: Actor,
    steps: Sequence[Step],
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Fire the steps in order inside the caller's transaction; what ``advance_in`` one at a
    time would return, or the first refusal (naming its step) with nothing written."""
    total = len(steps)
    batch = _Batch(service, conn, actor, now, total)
    batch.prefetch(steps)
    out = []
    for n, step in enumerate(steps, start=1):
        try:
            out.append(batch.step(step, n))
        except CaseworkError as exc:
            raise _named(exc, n, total) from None
        if progress is not None:
            progress(n)
    batch.write()
    return out
