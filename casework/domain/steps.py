"""THE step: registering a case, firing a trigger on it, recording a document of its file.

Each is one function over a :class:`Case` that makes every check (role and office, values,
time, idempotent refs, the machine and its guards) and returns the case after the step with the
event it recorded, hash included. Nothing here touches storage: a single command, a batch, a
ledger import and the demo all call these functions, and differ only in how their repositories
load the cases before and write them after.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import NamedTuple, Protocol

from casework.domain.acting import (
    check_acting,
    check_needs,
    check_offered,
    ended_case_documents,
)
from casework.domain.checks import (
    Directory,
    checked_values,
    may_take,
    not_before,
    occurred,
    recorded_in_order,
)
from casework.domain.committees import record_own_committee, registering_office
from casework.domain.facts import CASE_FACTS, registration_facts, with_ref
from casework.domain.hashing import event_digest
from casework.domain.model import (
    Actor,
    Case,
    CaseFile,
    Data,
    Document,
    Event,
    Lazy,
    LinkedCase,
    Party,
)
from casework.domain.parties import parse_party, validate_party
from casework.domain.policy import check_case_office, check_office, check_roles, check_writer
from casework.domain.replay import DOCUMENT, LINK, REGISTER
from casework.domain.text import clean_ref, clean_text, optional_text
from casework.domain.view import GuardView
from casework.domain.world import World
from casework.engine import Engine
from casework.errors import GuardFailed, IllegalTransition, InvalidData, NotAllowed, NotFound
from casework.time.local import local_date
from workflows.spec import LINK_RELATIONS, GuardContext, Numbered, Workflow
from workflows.versions import RULES_KEY, pinned

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


class LinkStep(NamedTuple):
    """A person's finding on two cases, as ``case link`` takes it, with the evidence shown
    (how the person matched, how alike the matters read)."""

    case_no: str
    other: str
    relation: str
    matched: tuple[str, ...] = ()
    similarity: float | None = None
    note: str | None = None
    at: str | datetime | None = None
    ref: str | None = None


class Stepped(NamedTuple):
    """A step taken: the case after it and its event (the earlier one when ``repeated``);
    ``spawned`` is the case the step created at another office (a matter forwarded there)."""

    case: Case
    event: Event
    repeated: bool = False
    document: Document | None = None
    spawned: Case | None = None
    warnings: tuple[str, ...] = ()  # the trigger's rules broken without a refusal


class Registered(NamedTuple):
    """A case registered (or, with ``existing``, the one registered before under its ref);
    ``warnings`` are the rules it breaks that do not refuse it (no representative named)."""

    case: Case
    event: Event | None
    existing: bool = False
    origin: Case | None = None
    warnings: tuple[str, ...] = ()


class Ports(Directory, World, Protocol):
    """What a step needs from outside the case: users, value sources, offices, the clock,
    the calendar, the dated settings and the office hierarchy."""

    @property
    def machines(self) -> Engine: ...

    def now(self) -> datetime:
        """The time of this unit of work, read once its write lock is held."""

    def next_number(self, prefix: str, office: str, year: int) -> int:
        """The next sequence number of a prefix, office and year; never handed out twice
        (case numbers, and the numbers a trigger hands out: ``Numbered``)."""

    def chain_key(self, case_id: int | None) -> bytes | None:
        """The key of the case's hash chain (None: a plain SHA-256 chain, for a case of the
        database from before it was keyed); ``None`` asks for a new case's."""


class Intake(Ports, Protocol):
    """What a registration needs besides: earlier cases."""

    def case_with_ref(self, kind: str, office: str, ref: str) -> Case | None:
        """The case of this procedure and office registered before under a caller's key."""

    def case(self, case_no: str) -> Case:
        """A case by number, or NotFound."""


class _Subject:
    """How a refusal names what took the values, built only when there is a refusal."""

    __slots__ = ("args", "template")

    def __init__(self, template: str, *args: str) -> None:
        self.template, self.args = template, args

    def __str__(self) -> str:
        return self.template.format(*self.args)


def _event(
    case: Case,
    trigger: str,
    to_state: str,
    actor: Actor,
    times: tuple[datetime, datetime],
    note: str | None,
    values: Data,
    ref: str | None,
    key: bytes | None,
) -> Event:
    seq = case.version + 1
    from_state = None if trigger == REGISTER else case.state
    values = with_ref(values, ref)  # the key is hashed with the step (casework.domain.facts)
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
        key,
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
        event.recorded_at,
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
    check_case_office(actor, case.office, case.case_no, case.kind, case.data)
    return done


def advance(case: Case, step: Step, actor: Actor, ports: Ports, engine: bool = False) -> Stepped:
    """Fire one trigger on a case. With ``engine``, the engine fires it as the consequence
    of another step (a cascade): no role or office check, no guard, only the machine's shape."""
    machines = ports.machines
    wf = machines.workflow(case.kind)
    rules = pinned(case.data)
    named = wf.trigger_named(step.trigger)
    ref = clean_ref(step.ref)
    done = _repeated(case, ref, named.name if named else step.trigger, actor)
    if done is not None:
        return Stepped(case, done, repeated=True)
    trig = machines.trigger_from(wf, case.case_no, case.state, step.trigger, rules)
    if not engine:
        check_offered(wf, trig, case.case_no, rules)
        may_take(actor, trig, case, wf)
    note = optional_text(step.note, "note")
    subject = _Subject("案件 {} 的{}", case.case_no, trig.shown)
    values = checked_values(trig.field_set, step.values, note, subject, case.data, ports, engine)
    when = occurred(step.at, ports.now(), case.last_at)
    not_before(case, when)
    recorded_in_order(case, ports.now())
    view = GuardView(case, values, when, ports, actor)
    if engine:
        new_state = wf.dest_of(trig, case.state)
    else:
        check_acting(trig, view, actor, values)
        check_needs(trig, view, wf.documents)
        if trig.derive is not None:
            values.update(trig.derive(view))  # the view shares the dict: guards see them
        try:
            new_state = machines.fire(wf, trig, case.state, lambda: view)
        except GuardFailed as exc:
            raise cited(wf, rules, exc) from None
    if trig.numbered is not None:  # after the guards: a refused step takes no number
        values.update(numbered(trig.numbered, view, when, ports))
    key = ports.chain_key(case.id)
    event = _event(case, trig.name, new_state, actor, (when, ports.now()), note, values, ref, key)
    kept = trig.case_values(values)
    moved = _moved(case, event, {**case.data, **kept} if kept else case.data)
    if engine or not trig.warnings:
        return Stepped(moved, event)
    warned = tuple(w for guard in trig.warnings if (w := guard.check(view)) is not None)
    return Stepped(moved, event, warnings=warned)


# The same event, hash chain and refs for the steps defined beside this module (a correction:
# casework.domain.corrections), under public names.
new_event = _event
moved_case = _moved
repeated_step = _repeated


def numbered(spec: Numbered, view: GuardContext, when: datetime, ports: Ports) -> dict[str, str]:
    """The number a trigger hands out, written as its procedure writes it."""
    year = local_date(when).year
    number = ports.next_number(spec.counter, spec.key(view), year)
    return {spec.field: spec.text(view, year, number)}


def cited(wf: Workflow, rules: str | None, exc: GuardFailed) -> GuardFailed:
    """A refusal by a rule of the law names the article of the case's rule version that sets
    it (petition.md 1.1: refusals follow the version the case pins)."""
    article = wf.cite(rules, exc.rule) if exc.rule else None
    if article is None or article in exc.reason:
        return exc
    return GuardFailed(
        f"{exc.reason}（依据{article}）", rule=exc.rule, field=exc.field, value=exc.value
    )


def record_document(case: Case, doc: DocumentStep, actor: Actor, ports: Ports) -> Stepped:
    """Record one document of a case's file (卷宗), with its file's name and SHA-256."""
    wf = ports.machines.workflow(case.kind)
    check_writer(actor)
    check_case_office(actor, case.office, case.case_no, case.kind, case.data)
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
    _open_to(wf, case, doc.kind)
    note = optional_text(doc.note, "note")
    when = occurred(doc.at, ports.now(), case.last_at)
    not_before(case, when)
    recorded_in_order(case, ports.now())
    values = {"kind": doc.kind, "file_name": doc.file_name, "sha256": doc.sha256}
    now = ports.now()
    key = ports.chain_key(case.id)
    event = _event(case, DOCUMENT, case.state, actor, (when, now), note, values, ref, key)
    document = Document(doc.kind, doc.file_name, doc.sha256, actor.username, when, now, event.seq)
    return Stepped(_moved(case, event, case.data, document), event, document=document)


def record_link(case: Case, other: Case, step: LinkStep, actor: Actor, ports: Ports) -> Stepped:
    """Record that a person found two cases the same matter, related, or not the same: a
    ``link`` event on the case, keeping the evidence shown, in any state."""
    wf = ports.machines.workflow(case.kind)
    check_writer(actor)
    check_roles(actor, wf.register_roles, f"认定案件 {case.case_no} 的关联")
    check_case_office(actor, case.office, case.case_no, case.kind, case.data)
    ref = clean_ref(step.ref)
    done = _repeated(case, ref, LINK, actor)
    if done is not None:
        return Stepped(case, done, repeated=True)
    relation = _relation(step.relation)
    if other.case_no == case.case_no:
        raise InvalidData(f"案件 {case.case_no} 不能与自身关联", field="other", value=other.case_no)
    earlier = _same_link(case, other.case_no, relation)
    if earlier is not None:
        return Stepped(case, earlier, repeated=True)
    note = optional_text(step.note, "note")
    when = occurred(step.at, ports.now(), case.last_at)
    not_before(case, when)
    recorded_in_order(case, ports.now())
    values: dict[str, object] = {"relation": relation, "other": other.case_no}
    if step.matched:
        values["matched"] = list(step.matched)
    if step.similarity is not None:
        values["similarity"] = step.similarity
    key = ports.chain_key(case.id)
    event = _event(case, LINK, case.state, actor, (when, ports.now()), note, values, ref, key)
    link = LinkedCase(
        relation, other.case_no, other.kind, other.state, other.office, other.data,
        Lazy(other.file.events),
    )  # fmt: skip
    moved = _moved(case, event, case.data)
    return Stepped(moved._replace(file=case.file.adding(event, link=link)), event)


def _relation(text: str) -> str:
    if text in LINK_RELATIONS:
        return text
    for code, label in LINK_RELATIONS.items():
        if label == text:
            return code
    listed = "、".join(f"{label} {code}" for code, label in LINK_RELATIONS.items())
    raise InvalidData(
        f"关联认定 relation 应为以下之一：{listed}，不是 {text[:30]!r}",
        field="relation",
        value=text[:30],
    )


def _same_link(case: Case, other: str, relation: str) -> Event | None:
    """The last link event between the two, when it already found this relation."""
    for ev in reversed(case.file.events()):
        if ev.trigger == LINK and ev.data.get("other") == other:
            return ev if ev.data.get("relation") == relation else None
    return None


def _open_to(wf: Workflow, case: Case, kind: str) -> None:
    """An ended case's file is closed, but for what the steps still open to it rest on (a
    report of completion, an answer to supervision)."""
    state = wf.state(case.state)
    if not state.terminal:
        return
    still = ended_case_documents(wf, case.state, pinned(case.data))
    if kind in still:
        return
    taken = "、".join(f"{wf.documents.get(k, k)} {k}" for k in sorted(still))
    raise IllegalTransition(
        f"案件 {case.case_no} 当前为{state.shown}，卷宗已封存，不能再归入材料"
        f"「{wf.documents.get(kind, kind)} {kind}」"
        + (f"（仍可归入：{taken}）" if taken else "")
        + " (the case file is closed to new documents)"
    )


def register(
    wf: Workflow,
    item: Registration,
    actor: Actor,
    ports: Intake,
    internal: bool = False,
    engine: bool = False,
) -> Registered:
    """Register a new case of a procedure; with a ref used before, return that case.

    ``internal``: a case only a command creates (a subsidy claim, by drafting). ``engine``: a
    case the engine creates as the consequence of a step (a matter forwarded to another
    office), with no role or office check and the values only casework sets."""
    if not engine:
        _may_register(wf, actor, internal)
    office = registering_office(
        wf.register_fields, item.values, item.office, lambda: day_of(item, ports), ports
    )
    if not ports.office_exists(office):
        raise NotFound(f"未知单位 unknown office {office[:40]!r}", field="office", value=office)
    if not engine:
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
    data = checked_values(wf.register_set, item.values, None, subject, {}, ports, engine)
    record_own_committee(wf.register_fields, data, office, ports)
    when = occurred(item.at, ports.now(), None)
    _pin_rules(wf, data, when)
    origin = _origin(wf, item.link, actor, ports) if item.link else None
    if origin is not None:
        data["origin_case"] = origin.case_no
    blank = _blank(wf, "", office, title, data, when, ref, parties)
    warnings = _registration_rules(wf, blank, ports, actor)
    year = wf.number_year_of(data, local_date(when).year)
    number = ports.next_number(wf.prefix, office, year)
    blank = blank._replace(case_no=f"{wf.prefix}-{year}-{office}-{number:05d}")
    times = (when, ports.now())
    # The office, title, parties and key enter the hash through the registration's event.
    recorded = {**data, CASE_FACTS: registration_facts(office, title, parties, ref)}
    key = ports.chain_key(None)
    event = _event(blank, REGISTER, wf.initial, actor, times, note, recorded, item.event_ref, key)
    return Registered(_moved(blank, event, data), event, origin=origin, warnings=warnings)


def day_of(item: Registration, ports: Intake) -> date:
    """The local day a registration happens (its time given, else now)."""
    return local_date(occurred(item.at, ports.now(), None))


def _blank(
    wf: Workflow,
    case_no: str,
    office: str,
    title: str,
    data: dict[str, object],
    when: datetime,
    ref: str | None,
    parties: tuple[Party, ...],
) -> Case:
    return Case(
        None, case_no, wf.name, office, title, wf.initial, 0, data, None, when, when, ref,
        parties, CaseFile.empty(),
    )  # fmt: skip


def _pin_rules(wf: Workflow, data: dict[str, object], when: datetime) -> None:
    """The case pins the rule version in force on its registration's local date, or on the
    date its procedure names (``version_field``: an application's day of receipt); a date
    before the procedure's first supported day is refused."""
    named = data.get(wf.version_field) if wf.version_field else None
    day = date.fromisoformat(str(named)) if named else local_date(when)
    first = wf.first_day
    if first is not None and day < first:
        what, where = (wf.version_field, f"value.{wf.version_field}") if named else ("登记", "at")
        raise InvalidData(
            f"「{wf.label} {wf.name}」{what}日期 {day} 早于本流程支持的最早日期 {first}"
            f"，不能登记 (before the earliest date the procedure supports, {first})",
            field=where,
            value=day.isoformat(),
        )
    version = wf.version_on(day)
    if version is not None:
        data[RULES_KEY] = version.name


def _registration_rules(wf: Workflow, blank: Case, ports: Intake, actor: Actor) -> tuple[str, ...]:
    """The procedure's rules on a new case: refusals, then warnings (which do not refuse)."""
    if not wf.register_guards and not wf.register_warnings:
        return ()
    view = GuardView(blank, blank.data, blank.registered_at, ports, actor)
    for guard in wf.register_guards:
        why = guard.check(view)
        if why is not None:
            refusal = GuardFailed(
                f"登记「{wf.label} {wf.name}」不符合规则「{guard.label} {guard.name}」：{why}",
                rule=guard.name,
            )
            raise cited(wf, pinned(blank.data), refusal)
    found = []
    for guard in wf.register_warnings:
        why = guard.check(view)
        if why is not None:
            found.append(f"「{guard.label} {guard.name}」：{why}")
    return tuple(found)


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
