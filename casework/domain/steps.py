"""THE step: registering a case, firing a trigger on it, recording a document of its file.

Each is one function over a :class:`Case` that makes every check (role and office, values,
time, idempotent refs, the machine and its guards) and returns the case after the step with the
event it recorded, hash included. Nothing here touches storage: a single command, a batch, a
ledger import and the demo all call these functions, and differ only in how their repositories
load the cases before and write them after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from types import MappingProxyType
from typing import NamedTuple, Protocol

from casework.domain.checks import (
    Directory,
    checked_values,
    may_take,
    not_before,
    occurred,
)
from casework.domain.hashing import event_digest
from casework.domain.model import Actor, Case, CaseFile, Data, Document, Event, Party
from casework.domain.parties import parse_party, validate_party
from casework.domain.policy import check_office, check_roles, check_writer
from casework.domain.replay import DOCUMENT, REGISTER
from casework.domain.text import clean_ref, clean_text, optional_text
from casework.engine import Engine
from casework.errors import IllegalTransition, InvalidData, NotAllowed, NotFound
from casework.time.local import local_date
from workflows.spec import DayCounter, EventView, Workflow

# The steps' inputs are named tuples: a batch makes tens of thousands of them.
NO_VALUES: Mapping[str, str] = MappingProxyType({})


class Step(NamedTuple):
    """One trigger to fire, as ``case advance`` takes it."""

    case_no: str
    trigger: str
    values: Mapping[str, str] = NO_VALUES
    note: str | None = None
    at: str | datetime | None = None
    ref: str | None = None


class Registration(NamedTuple):
    """One case to register, as ``case register`` takes it (the kind aside)."""

    office: str
    title: str
    parties: tuple[str | Party, ...] = ()
    values: Mapping[str, str] = NO_VALUES
    at: str | datetime | None = None
    note: str | None = None
    link: str | None = None
    ref: str | None = None
    event_ref: str | None = None  # the key of its first event (an imported row's provenance)


class DocumentStep(NamedTuple):
    """One document of a case file to record, as ``case doc`` takes it."""

    case_no: str
    kind: str
    file_name: str | None = None
    sha256: str | None = None
    at: str | datetime | None = None
    note: str | None = None
    ref: str | None = None


class Stepped(NamedTuple):
    """A step taken: the case after it and its event (the earlier one when ``repeated``)."""

    case: Case
    event: Event
    repeated: bool = False
    document: Document | None = None


class Registered(NamedTuple):
    """A case registered (or, with ``existing``, the one registered before under its ref)."""

    case: Case
    event: Event | None
    existing: bool = False
    origin: Case | None = None


class Ports(Directory, Protocol):
    """What a step needs from outside the case."""

    @property
    def machines(self) -> Engine: ...

    def now(self) -> datetime:
        """The time of this unit of work, read once its write lock is held."""

    def calendar(self) -> DayCounter: ...


class Intake(Ports, Protocol):
    """What a registration needs besides: offices, case numbers, earlier cases."""

    def office_exists(self, code: str) -> bool: ...

    def case_with_ref(self, kind: str, office: str, ref: str) -> Case | None:
        """The case of this procedure and office registered before under a caller's key."""

    def case(self, case_no: str) -> Case:
        """A case by number, or NotFound."""

    def next_number(self, prefix: str, office: str, year: int) -> int:
        """The next sequence number of a prefix, office and year; never handed out twice."""


class GuardView:
    """THE guard context: a case as the procedure's guards see it, the step's values and time,
    its history and file as stored plus what was added since it was read."""

    __slots__ = ("_calendar", "_case", "_events", "at", "values")

    def __init__(
        self, case: Case, values: Data, at: datetime, calendar: Callable[[], DayCounter]
    ) -> None:
        self._case, self._calendar, self.values, self.at = case, calendar, values, at
        self._events: Sequence[EventView] | None = None

    @property
    def case_no(self) -> str:
        return self._case.case_no

    @property
    def state(self) -> str:
        return self._case.state

    @property
    def data(self) -> Data:
        return self._case.data

    @property
    def on(self) -> date:
        return local_date(self.at)

    @property
    def events(self) -> Sequence[EventView]:
        if self._events is None:  # guards of one step ask again and again
            self._events = self._case.file.events()
        return self._events

    @property
    def documents(self) -> Sequence[str]:
        return [d.kind for d in self._case.file.documents()]

    @property
    def calendar(self) -> DayCounter:
        return self._calendar()


class _Subject:
    """How a refusal names what took the values, built only when there is a refusal."""

    __slots__ = ("args", "template")

    def __init__(self, template: str, *args: str) -> None:
        self.template, self.args = template, args

    def __str__(self) -> str:
        return self.template.format(*self.args)


def guard_view(
    case: Case, calendar: Callable[[], DayCounter], at: datetime | None = None
) -> GuardView:
    """How guards and the case-file rule see a case now (no values, at its last event)."""
    return GuardView(case, {}, at or case.last_at, calendar)


def _event(
    case: Case,
    trigger: str,
    to_state: str,
    actor: Actor,
    times: tuple[datetime, datetime],
    note: str | None,
    values: Data,
    ref: str | None,
) -> Event:
    seq = case.version + 1
    from_state = None if trigger == REGISTER else case.state
    digest = event_digest(
        case.head_hash,
        case.case_no,
        seq,
        trigger,
        (from_state, to_state),
        (actor.username, actor.role),
        times,
        note,
        values,
    )
    when, now = times
    return Event(
        seq,
        trigger,
        from_state,
        to_state,
        actor.username,
        actor.role,
        when,
        local_date(when),
        now,
        note,
        values,
        digest,
        ref,
    )


def _moved(case: Case, event: Event, data: Data, document: Document | None = None) -> Case:
    # Positional, not dataclasses.replace: this runs once per event of every import and batch.
    return Case(
        case.id,
        case.case_no,
        case.kind,
        case.office,
        case.title,
        event.to_state,
        event.seq,
        data,
        event.hash,
        event.occurred_at,
        case.registered_at,
        case.ref,
        case.parties,
        case.file.adding(event, document),
    )


def _repeated(case: Case, ref: str | None, trigger: str, actor: Actor) -> Event | None:
    """The event recorded before under this key, if the same trigger; else a refusal."""
    if ref is None:
        return None
    done = case.file.recorded(ref)
    if done is None:
        return None
    if done.trigger != trigger:
        raise InvalidData(
            f"案件 {case.case_no}：幂等键 ref {ref!r} 已用于第 {done.seq} 步 {done.trigger}，"
            f"不能用于 {trigger} (was used for '{done.trigger}')",
            field="ref",
            value=ref,
        )
    check_office(actor, case.office, f"案件 {case.case_no} ")
    return done


def advance(case: Case, step: Step, actor: Actor, ports: Ports) -> Stepped:
    """Fire one trigger on a case."""
    machines = ports.machines
    wf = machines.workflow(case.kind)
    named = wf.trigger_named(step.trigger)
    ref = clean_ref(step.ref)
    done = _repeated(case, ref, named.name if named else step.trigger, actor)
    if done is not None:
        return Stepped(case, done, repeated=True)
    trig = machines.trigger_from(wf, case.case_no, case.state, step.trigger)
    may_take(actor, trig, case, wf)
    note = optional_text(step.note, "note")
    subject = _Subject("案件 {} 的{}", case.case_no, trig.shown)
    values = checked_values(trig.fields, step.values, note, subject, case.data, ports)
    when = occurred(step.at, ports.now(), case.last_at)
    not_before(case, when)
    new_state = machines.fire(
        wf, trig, case.state, lambda: GuardView(case, values, when, ports.calendar)
    )
    event = _event(case, trig.name, new_state, actor, (when, ports.now()), note, values, ref)
    kept = trig.case_values(values)
    return Stepped(_moved(case, event, {**case.data, **kept} if kept else case.data), event)


def record_document(case: Case, doc: DocumentStep, actor: Actor, ports: Ports) -> Stepped:
    """Record one document of a case's file (卷宗), with its file's name and SHA-256."""
    wf = ports.machines.workflow(case.kind)
    check_writer(actor)
    check_office(actor, case.office, f"案件 {case.case_no} ")
    ref = clean_ref(doc.ref)
    done = _repeated(case, ref, DOCUMENT, actor)
    if done is not None:
        return Stepped(case, done, repeated=True)
    if doc.kind not in wf.documents:
        listed = "、".join(f"{label} {kind}" for kind, label in wf.documents.items())
        raise InvalidData(
            f"案件 {case.case_no}：{wf.label} {wf.name} 的卷宗没有 {doc.kind[:30]!r} 这类材料"
            f"（可用：{listed}）",
            field="document",
            value=doc.kind[:30],
        )
    if wf.state(case.state).terminal:
        raise IllegalTransition(
            f"案件 {case.case_no} 当前为{wf.state(case.state).shown}，卷宗已封存，不能再归入材料"
            " (the case file is closed to new documents)"
        )
    note = optional_text(doc.note, "note")
    when = occurred(doc.at, ports.now(), case.last_at)
    not_before(case, when)
    values = {"kind": doc.kind, "file_name": doc.file_name, "sha256": doc.sha256}
    now = ports.now()
    event = _event(case, DOCUMENT, case.state, actor, (when, now), note, values, ref)
    document = Document(doc.kind, doc.file_name, doc.sha256, actor.username, when, now, event.seq)
    return Stepped(_moved(case, event, case.data, document), event, document=document)


def register(
    wf: Workflow, item: Registration, actor: Actor, ports: Intake, internal: bool = False
) -> Registered:
    """Register a new case of a procedure; with a ref used before, return that case."""
    _may_register(wf, actor, internal)
    office = item.office
    if not ports.office_exists(office):
        raise NotFound(f"未知单位 unknown office {office[:40]!r}", field="office", value=office)
    check_office(actor, office, "新案件 the new case ")
    ref = clean_ref(item.ref)
    if ref is not None:
        before = ports.case_with_ref(wf.name, office, ref)
        if before is not None:
            return Registered(before, None, existing=True)
    title = clean_text(item.title, "title", max_length=500)
    note = optional_text(item.note, "note")
    parties = tuple(
        validate_party(p if isinstance(p, Party) else parse_party(p), wf.party_roles)
        for p in item.parties
    )
    subject = _Subject("登记「{} {}」", wf.label, wf.name)
    data = checked_values(wf.register_fields, item.values, None, subject, {}, ports)
    when = occurred(item.at, ports.now(), None)
    origin = _origin(wf, item.link, actor, ports) if item.link else None
    if origin is not None:
        data["origin_case"] = origin.case_no
    year = local_date(when).year
    number = ports.next_number(wf.prefix, office, year)
    blank = Case(
        None,
        f"{wf.prefix}-{year}-{office}-{number:05d}",
        wf.name,
        office,
        title,
        wf.initial,
        0,
        data,
        None,
        when,
        when,
        ref,
        parties,
        CaseFile.empty(),
    )
    times = (when, ports.now())
    event = _event(blank, REGISTER, wf.initial, actor, times, note, data, item.event_ref)
    return Registered(_moved(blank, event, data), event, origin=origin)


def _may_register(wf: Workflow, actor: Actor, internal: bool) -> None:
    if wf.registered_by and not internal:
        raise NotAllowed(
            f"「{wf.label} {wf.name}」案件由「{wf.registered_by}」生成，不能直接登记",
            field="kind",
            value=wf.name,
        )
    check_roles(actor, wf.register_roles, f"登记「{wf.label} {wf.name}」")


def _origin(wf: Workflow, link: str, actor: Actor, ports: Intake) -> Case:
    """The earlier case a new one comes from, checked against the procedure's link rules."""
    try:
        other = ports.case(link)
    except NotFound as exc:
        raise NotFound(exc.reason, field="link", value=link[:80]) from None
    check_office(actor, other.office, f"关联案件 {other.case_no} ")
    for rule in wf.link_rules:
        why = rule.check(other)
        if why is not None:
            raise NotAllowed(why, field="link", value=other.case_no)
    return other
