"""Use cases that change cases: register, advance, record a document.

Each one checks the acting user's role and office, validates the data, fires the procedure's
machine and writes the state change with its event in one transaction with a version check.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection, Engine

from casework.actors import Actor, check_office, load_actor, may_fire
from casework.audit import event_digest
from casework.time.calendar import Calendar
from casework.clock import Clock
from casework.engine import Engine as WorkflowEngine
from casework.errors import Conflict, IllegalTransition, InvalidData, NotAllowed, NotFound
from casework.holidays import load_calendar
from casework.lookups import resolve
from casework.domain.parties import PartyInput, parse_party, validate_party
from casework.domain.replay import DOCUMENT, REGISTER
from casework.storage.db import run_write
from casework.storage.tables import (
    case_counters,
    case_links,
    cases,
    documents,
    events,
    offices,
    parties,
    users,
)
from casework.domain.text import clean_text
from casework.time.local import local_date, local_iso, parse_when
from workflows.spec import EventView, FieldSpec, TriggerSpec, Workflow

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Step:
    """One trigger to fire, as ``case advance`` takes it."""

    case_no: str
    trigger: str
    values: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None
    at: str | datetime | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Registration:
    """One case to register, as ``case register`` takes it (the kind aside)."""

    office: str
    title: str
    parties: tuple[str | PartyInput, ...] = ()
    values: Mapping[str, str] = field(default_factory=dict)
    at: str | datetime | None = None
    note: str | None = None
    link: str | None = None
    ref: str | None = None


# Statements built once: building a SQLAlchemy statement costs more than running it, and the
# demo, imports and bulk approvals fire tens of thousands of steps.
_LOAD_CASE = select(
    cases.c.id,
    cases.c.case_no,
    cases.c.kind,
    cases.c.office_code,
    cases.c.state,
    cases.c.version,
    cases.c.data,
    cases.c.head_hash,
).where(cases.c.case_no == bindparam("case_no"))
_LAST_EVENT_AT = select(events.c.occurred_at).where(
    events.c.case_id == bindparam("case_id"), events.c.seq == bindparam("seq")
)
_MOVE_CASE = (
    update(cases)
    .where(cases.c.id == bindparam("b_id"), cases.c.version == bindparam("b_version"))
    .values(
        state=bindparam("b_state"),
        version=bindparam("b_new_version"),
        data=bindparam("b_data", type_=cases.c.data.type),
        updated_at=bindparam("b_now", type_=cases.c.updated_at.type),
        head_hash=bindparam("b_hash"),
    )
)
_INSERT_EVENT = events.insert()
_INSERT_CASE = cases.insert().returning(cases.c.id)
_INSERT_DOCUMENT = documents.insert()
_DOCUMENT_KINDS = select(documents.c.kind).where(documents.c.case_id == bindparam("case_id"))
# What guards and deadline code see of an event (see EventView).
EVENT_VIEW_COLUMNS = (
    events.c.seq,
    events.c.trigger,
    events.c.from_state,
    events.c.to_state,
    events.c.occurred_at,
    events.c.occurred_on,
    events.c.data,
)
_EVENT_VIEWS = (
    select(*EVENT_VIEW_COLUMNS)
    .where(events.c.case_id == bindparam("case_id"))
    .order_by(events.c.seq)
)

# A clerk's clock may run a little ahead of the server's; more than this is a typing error.
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass
class Context:
    """A case as guards see it; history and documents load only when a guard asks."""

    conn: Connection
    case_id: int
    case_no: str
    state: str
    data: Mapping[str, Any]
    values: Mapping[str, Any]
    at: datetime

    @property
    def on(self) -> date:
        return local_date(self.at)

    @cached_property
    def events(self) -> Sequence[EventView]:
        return load_event_views(self.conn, self.case_id)

    @cached_property
    def calendar(self) -> Calendar:
        return load_calendar(self.conn)

    @cached_property
    def documents(self) -> Sequence[str]:
        rows = self.conn.execute(_DOCUMENT_KINDS, {"case_id": self.case_id})
        return [r.kind for r in rows]


@dataclass(frozen=True)
class _View:
    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    occurred_at: datetime
    occurred_on: date
    data: Mapping[str, Any]


def event_view(row: Any) -> EventView:
    """An event row (with EVENT_VIEW_COLUMNS) as guards and deadline code see it."""
    return _View(
        row.seq,
        row.trigger,
        row.from_state,
        row.to_state,
        row.occurred_at,
        row.occurred_on,
        row.data or {},
    )


def load_event_views(conn: Connection, case_id: int) -> list[EventView]:
    return [event_view(r) for r in conn.execute(_EVENT_VIEWS, {"case_id": case_id})]


def event_json(row: Any, wf: Workflow | None = None) -> dict[str, Any]:
    """An event as the contract's JSON shape."""
    label = ""
    if wf is not None:
        spec = wf.trigger(row.trigger)
        label = (
            spec.label if spec else {REGISTER: "登记", DOCUMENT: "归入卷宗"}.get(row.trigger, "")
        )
    return {
        "seq": row.seq,
        "trigger": row.trigger,
        "trigger_label": label,
        "from_state": row.from_state,
        "to_state": row.to_state,
        "occurred_at": local_iso(row.occurred_at),
        "recorded_at": local_iso(row.recorded_at),
        "actor": row.actor,
        "actor_role": row.actor_role,
        "note": row.note,
        "data": row.data or {},
        "ref": getattr(row, "ref", None),
    }


class CaseService:
    """Register cases and move them through their procedures."""

    def __init__(self, db: Engine, machines: WorkflowEngine, clock: Clock) -> None:
        self.db = db
        self.machines = machines
        self.clock = clock

    # -- shared checks -------------------------------------------------------------------

    def _when(self, at: str | datetime | None, now: datetime) -> datetime:
        if at is None:
            return now
        when = parse_when(at, "--at") if isinstance(at, str) else at
        if when.tzinfo is None:
            raise InvalidData("--at must carry a timezone when given as a datetime")
        if when > now + FUTURE_TOLERANCE:
            raise InvalidData(f"--at {local_iso(when)} is in the future (now {local_iso(now)})")
        return when

    def _values(
        self,
        conn: Connection,
        fields: Sequence[FieldSpec],
        raw: Mapping[str, str],
        note: str | None,
        where: str,
        case_data: Mapping[str, Any] | None = None,
        user_roles: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The checked values of a trigger or a registration; ``user_roles`` (username to role
        of the active users), when given, spares a query per user-valued field (imports)."""
        known = {f.name for f in fields}
        for key in raw:
            if key not in known:
                accepted = ", ".join(sorted(known)) or "no values"
                raise InvalidData(f"{where} takes no value {key[:40]!r} (it takes {accepted})")
        values: dict[str, Any] = {}
        for spec in fields:
            text = raw.get(spec.name)
            if text is None and spec.name == "note" and note:
                text = note
            if text is None:
                if spec.required:
                    raise InvalidData(
                        f"{where} needs {spec.name} ({spec.label}): {spec.describe()}; "
                        f"give --set {spec.name}=..."
                    )
                if spec.default is not None:
                    values[spec.name] = spec.default
                continue
            try:
                value = spec.coerce(text)
            except ValueError as exc:
                raise InvalidData(f"{where}: {exc}") from None
            if spec.kind == "user":
                self._check_user_value(conn, spec, str(value), where, user_roles)
            if spec.kind == "lookup" and spec.source:
                try:
                    values.update(resolve(spec.source, conn, str(value), case_data or {}))
                except InvalidData as exc:
                    raise InvalidData(f"{where}: {exc}") from None
                continue
            values[spec.name] = value
        return values

    def _check_user_value(
        self,
        conn: Connection,
        spec: FieldSpec,
        username: str,
        where: str,
        user_roles: Mapping[str, str] | None = None,
    ) -> None:
        if user_roles is not None:
            role = user_roles.get(username)
        else:
            row = conn.execute(
                select(users.c.role, users.c.active).where(users.c.username == username)
            ).first()
            role = row.role if row is not None and row.active else None
        if role is None:
            raise InvalidData(f"{where}: {spec.name} {username!r} is not a registered user")
        if role != spec.role:
            raise InvalidData(f"{where}: {spec.name} {username!r} is a {role}, not a {spec.role}")

    def _load_case(self, conn: Connection, case_no: str) -> Any:
        row = conn.execute(_LOAD_CASE, {"case_no": case_no}).first()
        if row is None:
            raise NotFound(f"unknown case {case_no[:80]!r}")
        return row

    def _last_event_at(self, conn: Connection, case_id: int, seq: int) -> datetime:
        at = conn.execute(_LAST_EVENT_AT, {"case_id": case_id, "seq": seq}).scalar_one()
        assert isinstance(at, datetime)
        return at

    def _append(
        self,
        conn: Connection,
        row: Any,
        actor: Actor,
        trigger: str,
        to_state: str,
        when: datetime,
        now: datetime,
        note: str | None,
        values: Mapping[str, Any],
        case_values: Mapping[str, Any],
        ref: str | None = None,
    ) -> dict[str, Any]:
        """Move the case row on by one version and append its event, or refuse on a race."""
        seq = row.version + 1
        event = {
            "case_id": row.id,
            "seq": seq,
            "trigger": trigger,
            "from_state": row.state,
            "to_state": to_state,
            "actor": actor.username,
            "actor_role": actor.role,
            "occurred_at": when,
            "occurred_on": local_date(when),
            "recorded_at": now,
            "note": note,
            "data": dict(values),
        }
        event["hash"] = event_digest(row.head_hash, row.case_no, event)
        data = {**(row.data or {}), **case_values} if case_values else row.data
        changed = conn.execute(
            _MOVE_CASE,
            {
                "b_id": row.id,
                "b_version": row.version,
                "b_state": to_state,
                "b_new_version": seq,
                "b_data": data,
                "b_now": now,
                "b_hash": event["hash"],
            },
        ).rowcount
        if changed != 1:
            raise Conflict(
                f"case {row.case_no} changed while '{trigger}' was being recorded; "
                "look at it again (casework case show) and retry"
            )
        conn.execute(_INSERT_EVENT, {**event, "ref": ref})
        return {
            "seq": seq,
            "trigger": trigger,
            "from_state": row.state,
            "to_state": to_state,
            "occurred_at": local_iso(when),
            "recorded_at": local_iso(now),
            "actor": actor.username,
            "actor_role": actor.role,
            "note": note,
            "data": dict(values),
            "ref": ref,
        }

    def _repeated(self, conn: Connection, row: Any, ref: str | None, trigger: str) -> Any:
        """The event already recorded under this idempotency key, if any."""
        if ref is None:
            return None
        ref = clean_text(ref, "--ref", max_length=200)
        done = conn.execute(
            select(events).where(events.c.case_id == row.id, events.c.ref == ref)
        ).first()
        if done is not None and done.trigger != trigger:
            raise InvalidData(
                f"case {row.case_no}: --ref {ref!r} was used for '{done.trigger}' at seq "
                f"{done.seq}, not for '{trigger}'"
            )
        return done

    def _result(self, wf: Workflow, row: Any, state: str, event: dict[str, Any]) -> dict[str, Any]:
        return {
            "case_no": row.case_no,
            "kind": wf.name,
            "office": row.office_code,
            "state": state,
            "state_label": wf.state(state).label,
            "event": event,
        }

    def _check_back_dating(self, conn: Connection, row: Any, when: datetime) -> None:
        last = self._last_event_at(conn, row.id, row.version)
        if when < last:
            raise InvalidData(
                f"case {row.case_no}: --at {local_iso(when)} is before the case's previous "
                f"event (seq {row.version} at {local_iso(last)})"
            )

    # -- use cases -----------------------------------------------------------------------

    def register(
        self,
        username: str | None,
        kind: str,
        office: str,
        title: str,
        party_specs: Sequence[str | PartyInput] = (),
        values: Mapping[str, str] | None = None,
        at: str | datetime | None = None,
        note: str | None = None,
        link: str | None = None,
        ref: str | None = None,
    ) -> dict[str, Any]:
        """Register a new case of a procedure; returns its number, state and related cases.

        With ``ref`` (a caller's key, such as a letter's number) registering again returns the
        case registered the first time, so that a script re-run after a crash adds nothing.
        """
        item = Registration(
            office, title, tuple(party_specs), dict(values or {}), at, note, link, ref
        )
        return self.register_many(username, kind, [item])[0]

    def register_many(
        self,
        username: str | None,
        kind: str,
        items: Sequence[Registration],
        progress: Progress | None = None,
        internal: bool = False,
    ) -> list[dict[str, Any]]:
        """Register many cases in one transaction: all of them, or none if one is refused."""
        wf = self.machines.workflow(kind)
        now = self.clock()

        def work(conn: Connection) -> list[dict[str, Any]]:
            actor = load_actor(conn, username)
            out = []
            for n, item in enumerate(items, start=1):
                out.append(self.register_in(conn, actor, wf, item, now, internal))
                if progress is not None:
                    progress(n)
            return out

        return run_write(self.db, work)

    def register_in(
        self,
        conn: Connection,
        actor: Actor,
        wf: Workflow,
        item: Registration,
        now: datetime,
        internal: bool = False,
    ) -> dict[str, Any]:
        """Register one case inside the caller's transaction."""
        office, title, party_specs, at, note, link, ref = (
            item.office,
            item.title,
            item.parties,
            item.at,
            item.note,
            item.link,
            item.ref,
        )
        values = item.values
        if wf.registered_by and not internal:
            raise NotAllowed(f"{wf.name} cases are created by `{wf.registered_by}`, not registered")
        if not actor.roles & set(wf.register_roles):
            raise NotAllowed(
                f"registering a {wf.name} needs role {' or '.join(wf.register_roles)}; "
                f"user {actor.username} is {actor.role}"
            )
        office_row = conn.execute(select(offices.c.code).where(offices.c.code == office)).first()
        if office_row is None:
            raise NotFound(f"unknown office {office[:40]!r}")
        check_office(actor, office, "the new case")
        clean_ref = clean_text(ref, "--ref", max_length=200) if ref is not None else None
        if clean_ref is not None:
            existing = conn.execute(
                select(cases.c.case_no, cases.c.state, cases.c.registered_at).where(
                    cases.c.kind == wf.name,
                    cases.c.office_code == office,
                    cases.c.ref == clean_ref,
                )
            ).first()
            if existing is not None:
                return {
                    "case_no": existing.case_no,
                    "kind": wf.name,
                    "office": office,
                    "state": existing.state,
                    "state_label": wf.state(existing.state).label,
                    "registered_at": local_iso(existing.registered_at),
                    "related": [],
                    "existing": True,
                }
        clean_title = clean_text(title, "title", max_length=500)
        clean_note = clean_text(note, "note", required=False) if note else None
        checked = [
            validate_party(p if isinstance(p, PartyInput) else parse_party(p), wf.party_roles)
            for p in party_specs
        ]
        data = self._values(
            conn, wf.register_fields, values or {}, None, f"registering a {wf.name}"
        )
        when = self._when(at, now)
        origin = self._origin(conn, actor, wf, link) if link else None
        year = local_date(when).year
        seq = self._next_number(conn, wf.prefix, office, year)
        case_no = f"{wf.prefix}-{year}-{office}-{seq:05d}"
        if origin is not None:
            data["origin_case"] = origin.case_no
        first_event: dict[str, Any] = {
            "seq": 1,
            "trigger": REGISTER,
            "from_state": None,
            "to_state": wf.initial,
            "actor": actor.username,
            "actor_role": actor.role,
            "occurred_at": when,
            "occurred_on": local_date(when),
            "recorded_at": now,
            "note": clean_note,
            "data": dict(data),
        }
        first_event["hash"] = event_digest(None, case_no, first_event)
        case_id = conn.execute(
            _INSERT_CASE,
            {
                "case_no": case_no,
                "kind": wf.name,
                "office_code": office,
                "year": year,
                "seq": seq,
                "title": clean_title,
                "state": wf.initial,
                "version": 1,
                "data": data,
                "registered_at": when,
                "registered_on": local_date(when),
                "recorded_at": now,
                "updated_at": now,
                "created_by": actor.username,
                "head_hash": first_event["hash"],
                "ref": clean_ref,
            },
        ).scalar_one()
        conn.execute(_INSERT_EVENT, {"case_id": case_id, "ref": None, **first_event})
        if checked:
            conn.execute(
                parties.insert(),
                [
                    {
                        "case_id": case_id,
                        "ord": i,
                        "role": p.role,
                        "name": p.name,
                        "id_number": p.id_number,
                        "phone": p.phone,
                    }
                    for i, p in enumerate(checked, start=1)
                ],
            )
        if origin is not None:
            conn.execute(
                case_links.insert(),
                [
                    {"case_id": case_id, "other_case_id": origin.id, "kind": "origin"},
                    {"case_id": origin.id, "other_case_id": case_id, "kind": "successor"},
                ],
            )
        related = self._related(conn, wf, case_id, checked)
        return {
            "case_no": case_no,
            "kind": wf.name,
            "office": office,
            "state": wf.initial,
            "state_label": wf.state(wf.initial).label,
            "registered_at": local_iso(when),
            "related": related,
            "existing": False,
        }

    def _origin(self, conn: Connection, actor: Actor, wf: Workflow, link: str) -> Any:
        other = conn.execute(
            select(
                cases.c.id, cases.c.case_no, cases.c.kind, cases.c.state, cases.c.office_code
            ).where(cases.c.case_no == link)
        ).first()
        if other is None:
            raise NotFound(f"unknown case {link[:80]!r} given as --link")
        check_office(actor, other.office_code, f"linked case {other.case_no}")
        if wf.name == "petition" and other.kind == "petition" and other.state == "concluded":
            raise NotAllowed(
                f"the same matter was concluded in case {other.case_no} (已终结); "
                "it is not accepted again (信访工作条例 art. 35)"
            )
        return other

    def _related(
        self, conn: Connection, wf: Workflow, case_id: int, checked: Sequence[PartyInput]
    ) -> list[dict[str, Any]]:
        """Earlier cases of the same procedure naming the same ID numbers (repeat petitions)."""
        ids = [p.id_number for p in checked if p.id_number]
        if not ids:
            return []
        rows = conn.execute(
            select(cases.c.case_no, cases.c.state, cases.c.title)
            .select_from(parties.join(cases, parties.c.case_id == cases.c.id))
            .where(parties.c.id_number.in_(ids), cases.c.kind == wf.name, cases.c.id != case_id)
            .distinct()
            .order_by(cases.c.case_no)
        )
        return [
            {
                "case_no": r.case_no,
                "state": r.state,
                "state_label": wf.state(r.state).label,
                "title": r.title,
            }
            for r in rows
        ]

    def _next_number(self, conn: Connection, prefix: str, office: str, year: int) -> int:
        """Hand out the next sequence number; the counter row serialises concurrent writers."""
        # Imported here: the PostgreSQL dialect is a large import that SQLite never needs.
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            insert: Callable[..., Any] = pg_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            insert = sqlite_insert
        stmt = insert(case_counters).values(
            prefix=prefix, office_code=office, year=year, last_seq=1
        )
        upsert = stmt.on_conflict_do_update(
            index_elements=["prefix", "office_code", "year"],
            set_={"last_seq": case_counters.c.last_seq + 1},
        ).returning(case_counters.c.last_seq)
        seq = conn.execute(upsert).scalar_one()
        assert isinstance(seq, int)
        return seq

    def advance(
        self,
        username: str | None,
        case_no: str,
        trigger: str,
        values: Mapping[str, str] | None = None,
        note: str | None = None,
        at: str | datetime | None = None,
        ref: str | None = None,
    ) -> dict[str, Any]:
        """Fire a trigger on a case; returns the case's new state and the recorded event.

        With ``ref``, firing again with the same key returns the event recorded the first time
        (``"repeated": true``) instead of refusing or recording it twice.
        """
        step = Step(case_no, trigger, dict(values or {}), note, at, ref)
        return self.advance_many(username, [step])[0]

    def advance_many(
        self,
        username: str | None,
        steps: Sequence[Step],
        progress: Progress | None = None,
    ) -> list[dict[str, Any]]:
        """Fire many triggers in one transaction, with the same checks and events as one at a
        time: all of them are recorded, or none if one is refused (the refusal names its step).

        The cases are read in bulk and moved on in memory, and the writes go out together at
        the end (see casework.batch); the results are what ``advance_in`` step by step returns.
        """
        from casework.batch import advance_batch  # it builds on this module

        now = self.clock()

        def work(conn: Connection) -> list[dict[str, Any]]:
            actor = load_actor(conn, username)
            return advance_batch(self, conn, actor, steps, now, progress)

        return run_write(self.db, work)

    def advance_in(
        self, conn: Connection, actor: Actor, step: Step, now: datetime
    ) -> dict[str, Any]:
        """Fire one trigger inside the caller's transaction."""
        case_no, trigger, values, note, at, ref = (
            step.case_no,
            step.trigger,
            step.values,
            step.note,
            step.at,
            step.ref,
        )
        row = self._load_case(conn, case_no)
        wf = self.machines.workflow(row.kind)
        done = self._repeated(conn, row, ref, trigger)
        if done is not None:
            check_office(actor, row.office_code, f"case {row.case_no}")
            return {**self._result(wf, row, row.state, event_json(done)), "repeated": True}
        trig = self.machines.trigger_from(wf, row.case_no, row.state, trigger)
        self._check_actor(actor, row, trig)
        clean_note = clean_text(note, "note", required=False) if note else None
        where = f"case {row.case_no} is '{row.state}'; '{trig.name}'"
        data = self._values(conn, trig.fields, values or {}, clean_note, where, row.data)
        when = self._when(at, now)
        self._check_back_dating(conn, row, when)
        ctx = Context(conn, row.id, row.case_no, row.state, row.data or {}, data, when)
        new_state = self.machines.fire(wf, trig, ctx)
        event = self._append(
            conn,
            row,
            actor,
            trig.name,
            new_state,
            when,
            now,
            clean_note,
            data,
            trig.case_values(data),
            ref and clean_text(ref, "--ref", max_length=200),
        )
        return {**self._result(wf, row, new_state, event), "repeated": False}

    def _check_actor(self, actor: Actor, row: Any, trig: TriggerSpec) -> None:
        why = may_fire(actor, trig, row.office_code)
        if why is not None:
            raise NotAllowed(f"case {row.case_no} is '{row.state}'; '{trig.name}' {why}")
        check_office(actor, row.office_code, f"case {row.case_no}")

    def add_document(
        self,
        username: str | None,
        case_no: str,
        kind: str,
        file_path: str | None = None,
        at: str | datetime | None = None,
        note: str | None = None,
        ref: str | None = None,
    ) -> dict[str, Any]:
        """Record a document of the case file; with a file, its name and SHA-256."""
        now = self.clock()
        fingerprint = _file_fingerprint(file_path) if file_path else (None, None)

        def work(conn: Connection) -> dict[str, Any]:
            actor = load_actor(conn, username)
            return self.document_in(conn, actor, case_no, kind, fingerprint, at, note, ref, now)

        return run_write(self.db, work)

    def document_in(
        self,
        conn: Connection,
        actor: Actor,
        case_no: str,
        kind: str,
        fingerprint: tuple[str | None, str | None],
        at: str | datetime | None,
        note: str | None,
        ref: str | None,
        now: datetime,
    ) -> dict[str, Any]:
        """Record one document inside the caller's transaction."""
        file_name, digest = fingerprint
        row = self._load_case(conn, case_no)
        wf = self.machines.workflow(row.kind)
        if actor.role == "viewer":
            raise NotAllowed(f"user {actor.username} is a viewer and may only read")
        check_office(actor, row.office_code, f"case {row.case_no}")
        done = self._repeated(conn, row, ref, DOCUMENT)
        if done is not None:
            recorded = done.data or {}
            return {
                **self._result(wf, row, row.state, event_json(done)),
                "document": {
                    "kind": recorded.get("kind"),
                    "label": wf.documents.get(str(recorded.get("kind")), ""),
                    "file_name": recorded.get("file_name"),
                    "sha256": recorded.get("sha256"),
                },
                "repeated": True,
            }
        if kind not in wf.documents:
            raise InvalidData(
                f"case {row.case_no}: document kind {kind[:30]!r} is unknown for a "
                f"{wf.name}; use one of {', '.join(wf.documents)}"
            )
        if wf.state(row.state).terminal:
            raise IllegalTransition(
                f"case {row.case_no} is '{row.state}'; its case file is closed to new documents"
            )
        clean_note = clean_text(note, "note", required=False) if note else None
        when = self._when(at, now)
        self._check_back_dating(conn, row, when)
        values = {"kind": kind, "file_name": file_name, "sha256": digest}
        event = self._append(
            conn,
            row,
            actor,
            DOCUMENT,
            row.state,
            when,
            now,
            clean_note,
            values,
            {},
            ref and clean_text(ref, "--ref", max_length=200),
        )
        conn.execute(
            _INSERT_DOCUMENT,
            {
                "case_id": row.id,
                "event_seq": event["seq"],
                "kind": kind,
                "file_name": file_name,
                "sha256": digest,
                "actor": actor.username,
                "occurred_at": when,
                "recorded_at": now,
            },
        )
        return {
            **self._result(wf, row, row.state, event),
            "document": {
                "kind": kind,
                "label": wf.documents[kind],
                "file_name": file_name,
                "sha256": digest,
            },
            "repeated": False,
        }


def _file_fingerprint(path: str) -> tuple[str, str]:
    if not os.path.isfile(path):
        raise InvalidData(f"--file {path[:200]!r} is not a readable file")
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise InvalidData(f"--file {path[:200]!r} cannot be read: {exc.strerror}") from None
    return os.path.basename(path), digest.hexdigest()
