"""Building a ledger row's case in memory: the checks of registering and advancing by hand
(roles, offices, values, back-dating, the machine and its guards), without a query per row.

An imported case is new, so its whole history is known here; the writer only numbers it,
chains its hashes and inserts it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.actors import Actor, check_office, load_actor, may_fire
from casework.time.calendar import Calendar
from casework.errors import CaseworkError, IllegalTransition, InvalidData, NotAllowed, NotFound
from casework.ledger.rows import PlannedStep, RowError, RowPlan
from casework.domain.parties import validate_party
from casework.domain.replay import DOCUMENT, REGISTER
from casework.legacy_services import CaseService
from casework.storage.tables import users
from casework.domain.text import clean_text
from casework.time.local import local_date, local_iso
from workflows.spec import EventView, TriggerSpec, Workflow


@dataclass
class MemoryContext:
    """A case being imported, as guards see it (see casework.services.Context)."""

    case_no: str
    state: str
    data: Mapping[str, Any]
    values: Mapping[str, Any]
    at: datetime
    events: Sequence[EventView]
    documents: Sequence[str]
    calendar: Calendar

    @property
    def on(self) -> date:
        return local_date(self.at)


@dataclass
class BuiltCase:
    """A checked case with its events, parties and documents, not yet numbered or hashed."""

    row: int
    ref: str
    office: str
    year: int
    state: str
    data: dict[str, Any]
    title: str
    at: datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)


class CaseBuilder:
    """Checks and builds the cases of one import, for one procedure and one importing user."""

    def __init__(
        self,
        conn: Connection,
        service: CaseService,
        wf: Workflow,
        importer: Actor,
        now: datetime,
        calendar: Calendar,
        provenance: Callable[[int, int], str],
    ) -> None:
        self.conn = conn
        self.service = service
        self.wf = wf
        self.importer = importer
        self.now = now
        self.calendar = calendar
        self.provenance = provenance  # (row, seq) -> the event's ref naming file and row
        rows = list(
            conn.execute(select(users.c.username, users.c.name, users.c.role, users.c.active))
        )
        self.user_roles = {r.username: r.role for r in rows if r.active}
        names: dict[str, list[str]] = {}
        for r in rows:
            if r.active:
                names.setdefault(r.name, []).append(r.username)
        # A ledger names people as it knows them: by username, or by a name only one user has.
        self.by_name = {n: u[0] for n, u in names.items() if len(u) == 1}
        self.shared_names = {n for n, u in names.items() if len(u) > 1}
        self.actors: dict[str, Actor | None] = {importer.username: importer}

    def _actor(self, who: str) -> Actor | None:
        username = who if who in self.user_roles else self.by_name.get(who)
        if username is None:
            return None
        if username not in self.actors:
            try:
                self.actors[username] = load_actor(self.conn, username)
            except (NotFound, NotAllowed):
                self.actors[username] = None
        return self.actors[username]

    def build(self, plan: RowPlan) -> BuiltCase:
        """The case a row describes, or a RowError naming the row, column and rule refused."""
        wf, row = self.wf, plan.row
        try:
            # The importer's role was checked once for the whole file (import_ledger).
            check_office(self.importer, plan.office, f"row {row}'s case")
        except CaseworkError as exc:
            raise RowError(row, "单位", str(exc)) from None
        try:
            title = clean_text(plan.title, "title", max_length=500)
        except CaseworkError as exc:
            raise RowError(row, "案件标题", str(exc)) from None
        try:
            checked = [validate_party(p, wf.party_roles) for p in plan.parties]
        except CaseworkError as exc:
            why = str(exc)
            column = (
                "身份证号" if "ID number" in why else "联系电话" if "phone" in why else "当事人"
            )
            raise RowError(row, column, why) from None
        try:
            data = self.service._values(
                self.conn,
                wf.register_fields,
                plan.values,
                None,
                f"registering a {wf.name}",
                user_roles=self.user_roles,
            )
        except CaseworkError as exc:
            why = str(exc)
            named = [f.label for f in wf.register_fields if f.name in why]
            column = named[0] if named else "案件数据"
            raise RowError(row, column, _SET_HINT.sub(f"; fill in {column}", why)) from None
        try:
            when = self.service._when(plan.at, self.now)
            note = clean_text(plan.note, "note", required=False) if plan.note else None
        except CaseworkError as exc:
            raise RowError(row, "登记日期", str(exc).replace("--at ", "")) from None
        case = BuiltCase(
            row=row,
            ref=plan.ref,
            office=plan.office,
            year=local_date(when).year,
            state=wf.initial,
            data=data,
            title=title,
            at=when,
        )
        case.parties = [
            {"ord": i, "role": p.role, "name": p.name, "id_number": p.id_number, "phone": p.phone}
            for i, p in enumerate(checked, start=1)
        ]
        # The registration's values are the case's first data: one dict (never mutated; later
        # steps replace case.data) that the writer serialises once.
        self._event(case, self.importer, REGISTER, wf.initial, when, note, data, row)
        views: list[EventView] = []
        docs: list[str] = []
        steps = self._with_documents(plan)
        for step in steps:
            try:
                if step.trigger == DOCUMENT:
                    self._document(case, step, docs)
                else:
                    self._step(case, step, views, docs)
            except RowError:
                raise
            except CaseworkError as exc:
                raise RowError(row, *_blame(step, str(exc))) from None
        if plan.expect_state is not None and plan.expect_state != case.state:
            raise RowError(
                row,
                "状态",
                f"the ledger says {plan.expect_state!r} but its steps lead to {case.state!r}",
            )
        return case

    def _with_documents(self, plan: RowPlan) -> list[PlannedStep]:
        """The row's steps with its case-file documents (卷宗材料) recorded before the step that
        closes the file (or after the last step)."""
        steps = list(plan.steps)
        if not plan.documents:
            return steps
        at_index = len(steps)
        for i, step in enumerate(steps):
            trig = self.wf.trigger(step.trigger)
            if trig is not None and trig.dest is not None and self.wf.state(trig.dest).terminal:
                at_index = i
                break
        when = steps[at_index].at if at_index < len(steps) else (steps[-1].at if steps else plan.at)
        docs = [
            PlannedStep(DOCUMENT, when, True, "卷宗材料", document=(kind, None, None))
            for kind in plan.documents
        ]
        return steps[:at_index] + docs + steps[at_index:]

    def _when(self, case: BuiltCase, step: PlannedStep) -> datetime:
        when = self.service._when(step.at, self.now)
        last = case.events[-1]["occurred_at"]
        # A date without a time on the previous step's day keeps the steps in ledger order.
        if step.date_only and when < last and local_date(when) == local_date(last):
            when = last
        if when < last:
            raise InvalidData(
                f"{local_iso(when)} is before the case's previous step "
                f"({case.events[-1]['trigger']} at {local_iso(last)})"
            )
        return when

    def _pick(self, case: BuiltCase, trig: TriggerSpec, step: PlannedStep) -> Actor:
        """Who fired a step: the user the row names, if the importer may speak for others (a
        supervisor or admin) and that user may fire it on this office's case; else the
        importer, who then must be allowed to fire it."""
        delegate = "supervisor" in self.importer.roles
        named = [a for a in (self._actor(w) for w in step.actors) if a is not None]
        first_refusal = None
        for actor in [*(named if delegate else []), self.importer]:
            why = may_fire(actor, trig, case.office)
            if why is None and (actor.city_wide or actor.office_code == case.office):
                return actor
            first_refusal = first_refusal or why or f"needs a user of office {case.office}"
        if named and not delegate:
            raise NotAllowed(
                f"'{trig.name}' {first_refusal}; steps taken by others "
                f"({', '.join(step.actors)}) are imported by a supervisor or admin"
            )
        who = ", ".join(step.actors) or "nobody"
        raise NotAllowed(
            f"'{trig.name}' {first_refusal}; the row names {who} and the importer is "
            f"{self.importer.describe()}"
        )

    def _step(
        self, case: BuiltCase, step: PlannedStep, views: list[EventView], docs: list[str]
    ) -> None:
        wf = self.wf
        placeholder = f"from row {case.row}"
        trig = self.service.machines.trigger_from(wf, placeholder, case.state, step.trigger)
        actor = self._pick(case, trig, step)
        note = clean_text(step.note, "note", required=False) if step.note else None
        where = f"case {placeholder} is '{case.state}'; '{trig.name}'"
        raw = dict(step.values)
        for spec in trig.fields:
            # A ledger names the mediator as people know them; casework stores the username.
            named = raw.get(spec.name)
            if spec.kind == "user" and named is not None and named not in self.user_roles:
                if named in self.shared_names:
                    raise InvalidData(
                        f"{spec.name} {named[:40]!r} names more than one user; give the username"
                    )
                raw[spec.name] = self.by_name.get(named, named)
        values = self.service._values(
            self.conn, trig.fields, raw, note, where, case.data, self.user_roles
        )
        when = self._when(case, step)
        ctx = MemoryContext(
            placeholder, case.state, case.data, values, when, views, docs, self.calendar
        )
        new_state = self.service.machines.fire(wf, trig, ctx)
        event = self._event(case, actor, trig.name, new_state, when, note, values, case.row)
        views.append(
            EventView(
                event["seq"],
                trig.name,
                event["from_state"],
                new_state,
                when,
                event["occurred_on"],
                values,
            )
        )
        case_values = trig.case_values(values)
        if case_values:
            case.data = {**case.data, **case_values}
        case.state = new_state

    def _document(self, case: BuiltCase, step: PlannedStep, docs: list[str]) -> None:
        assert step.document is not None
        kind, file_name, digest = step.document
        if kind not in self.wf.documents:
            raise InvalidData(
                f"document kind {kind[:30]!r} is unknown for a {self.wf.name}; "
                f"use one of {', '.join(self.wf.documents)}"
            )
        if self.wf.state(case.state).terminal:
            raise IllegalTransition(
                f"the case is '{case.state}'; its case file is closed to new documents"
            )
        actor = next(
            (
                a
                for a in (self._actor(w) for w in step.actors)
                if a is not None and a.role != "viewer"
            ),
            self.importer,
        )
        when = self._when(case, step)
        note = clean_text(step.note, "note", required=False) if step.note else None
        values = {"kind": kind, "file_name": file_name, "sha256": digest}
        event = self._event(case, actor, DOCUMENT, case.state, when, note, values, case.row)
        docs.append(kind)
        case.documents.append(
            {
                "event_seq": event["seq"],
                "kind": kind,
                "file_name": file_name,
                "sha256": digest,
                "actor": actor.username,
                "occurred_at": when,
                "recorded_at": self.now,
            }
        )

    def _event(
        self,
        case: BuiltCase,
        actor: Actor,
        trigger: str,
        to_state: str,
        when: datetime,
        note: str | None,
        values: dict[str, Any],
        row: int,
    ) -> dict[str, Any]:
        seq = len(case.events) + 1
        if actor.username != self.importer.username:
            # The history names who acted; the note says who put it into casework.
            imported = f"imported by {self.importer.username}"
            note = f"{note} ({imported})" if note else imported
        event = {
            "seq": seq,
            "trigger": trigger,
            "from_state": None if trigger == REGISTER else case.state,
            "to_state": to_state,
            "actor": actor.username,
            "actor_role": actor.role,
            "occurred_at": when,
            "occurred_on": local_date(when),
            "recorded_at": self.now,
            "note": note,
            "data": values,
            "ref": self.provenance(row, seq),
        }
        case.events.append(event)
        return event


_SET_HINT = re.compile(r"; give --set (\w+)=\.\.\.")


def _blame(step: PlannedStep, why: str) -> tuple[str, str]:
    """The column to blame for a refused step, and the reason in a ledger's terms: a value's
    own column when the reason names it, with the command line's hints left out."""
    column = step.column
    for name, header in step.headers.items():
        if re.search(rf"\b{re.escape(name)}\b", why):
            column = header
            break
    hint = _SET_HINT.search(why)
    if hint:
        named = step.headers.get(hint.group(1))
        why = _SET_HINT.sub(f"; fill in {named}" if named else "", why)
    return column, why.replace("--at ", "")
