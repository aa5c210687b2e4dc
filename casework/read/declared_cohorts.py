"""Cohorts declared as data (``workflows.spec.Cohort``): the cases whose first ``start`` event
falls in the period, and the parts of them whose data and history hold a predicate.

All the cohort figures of one procedure and start are computed together, from two reads: the
cohort (the same query as the ``FirstEvent`` figure of its start, so that ``mediation.mediated``
and its parts are the same cases) and, of those cases only, the events of the triggers the
predicates name (an ``agree``'s form and amount, a ``perform``), never a whole history. Only a
part judged against a time limit (``overdue``) reads the histories, and only of the cases its
data admit (court-commissioned ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from casework.domain.replay import REGISTER
from casework.read.metrics import Item, Parts, PartsOf, first_event, group_data
from casework.read.once import shared_histories
from casework.read.scope import Scope
from casework.storage.db import chunk_size, in_chunks
from casework.storage.tables import cases, committees, events
from casework.storage.world import StoredWorld
from workflows import Registry
from workflows.limits import Setting, running
from workflows.spec import Cohort, DayCounter, EventView, Final, MetricSpec, TimeLimit, Workflow

Match = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Member:
    """A case of the cohort: its id, number, start date, office and data."""

    id: int
    case_no: str
    on: date
    office: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Fact:
    """One event of a member's history that a predicate looks at."""

    trigger: str
    on: date
    data: Mapping[str, Any]


def cohort_specs(wf: Workflow, start: tuple[str, ...]) -> list[MetricSpec]:
    """The procedure's cohort figures of one start, in declaration order."""
    return [s for s in wf.metrics if isinstance(s.counts, Cohort) and s.counts.start == start]


def _named(counts: Cohort) -> list[str]:
    """The triggers a part reads of its members' histories."""
    final = counts.final.triggers if counts.final else ()
    last = (counts.last,) if counts.last else ()
    return [*counts.having, *counts.ends, *last, *counts.lacking, *final]


def check_cohort(wf: Workflow, spec: MetricSpec, counts: Cohort) -> None:
    """A cohort names triggers, states, a limit and a setting of kind ``set`` its procedure
    has; a sum names its value."""
    starts = [t for t in counts.start if t != REGISTER]
    unknown = [t for t in [*starts, *_named(counts)] if wf.trigger(t) is None]
    unknown += [s for s in counts.reached if s not in wf.state_names]
    if unknown or not counts.start:
        raise ValueError(f"{spec.name}: {wf.name} has no trigger or state {unknown}")
    if counts.final_set is not None:
        setting = wf.setting(counts.final_set)
        if setting is None or setting.kind != "set" or counts.final is None:
            raise ValueError(f"{spec.name}: {wf.name} has no set setting {counts.final_set!r}")
    if (counts.final_in or counts.final_set) and counts.final is None:
        raise ValueError(f"{spec.name}: final values without a final field")
    missing = [name for name in counts.overdue if wf.limit(name) is None]
    if missing:
        raise ValueError(f"{spec.name}: {wf.name} has no limit {missing}")
    if spec.kind == "sum" and not (counts.last and counts.value):
        raise ValueError(f"{spec.name}: a cohort sum adds a value of its last event")


def holds(data: Mapping[str, Any], match: Match) -> bool:
    """Whether data hold, for each field, one of its values."""
    return all(str(data.get(name)) in values for name, values in match)


@dataclass(frozen=True, slots=True)
class Course:
    """What the predicates read of a member's facts: the day each trigger first fired and
    each trigger's last event (made once per member, read by every part)."""

    first: Mapping[str, date]
    last: Mapping[str, Fact]
    facts: Sequence[Fact] = ()

    @classmethod
    def of(cls, facts: Sequence[Fact]) -> Course:
        first: dict[str, date] = {}
        last: dict[str, Fact] = {}
        for f in facts:
            first.setdefault(f.trigger, f.on)
            last[f.trigger] = f
        return cls(first, last, facts)

    def final(self, final: Final) -> str | None:
        """The field's value in the last of its events whose data hold the condition."""
        for f in reversed(self.facts):
            value = f.data.get(final.field)
            if f.trigger not in final.triggers or value in (None, ""):
                continue
            if (final.where_on and f.trigger not in final.where_on) or holds(f.data, final.where):
                return str(value)
        return None


NO_COURSE = Course({}, {})


@dataclass(frozen=True, slots=True)
class Judge:
    """A part's predicate with what its procedure resolves: the triggers that move a case into
    its ``reached`` states, and the values its final value must take (None: any value)."""

    counts: Cohort
    reach: tuple[str, ...] = ()
    values: frozenset[str] | None = None


def reach_triggers(wf: Workflow, states: Sequence[str]) -> tuple[str, ...]:
    """The procedure's triggers that move a case into one of these states."""
    return tuple(t.name for t in wf.triggers if t.dest in states and t.dest not in t.sources)


def judged(
    counts: Cohort, member: Member, facts: Sequence[Fact], judge: Judge | None = None
) -> int | None:
    """The member's value in the part (1, or the last event's value), None when outside it."""
    if not holds(member.data, counts.where):
        return None
    return by_course(counts, member, Course.of(facts), judge)


def _outside(judge: Judge, course: Course) -> bool:
    """Whether the case's history puts it outside the part by ``lacking``, ``reached`` or its
    final value."""
    counts = judge.counts
    if not course.first.keys().isdisjoint(counts.lacking):
        return True
    if counts.reached and course.first.keys().isdisjoint(judge.reach):
        return True
    if counts.final is not None:
        value = course.final(counts.final)
        if value is None or (judge.values is not None and value not in judge.values):
            return True
    return False


def by_course(
    counts: Cohort, member: Member, course: Course, judge: Judge | None = None
) -> int | None:
    """``judged`` but for the data: the member's value by its history alone."""
    if _outside(judge or Judge(counts), course):
        return None
    if counts.having:
        if counts.later_than is None:
            if course.first.keys().isdisjoint(counts.having):
                return None
        else:
            days = [course.first[t] for t in counts.having if t in course.first]
            if not days or (min(days) - member.on).days <= counts.later_than:
                return None
    if counts.last is None:
        return 1
    last = course.last.get(counts.last)
    if last is None or not holds(last.data, counts.last_where):
        return None
    if counts.value is None:
        return 1
    raw = last.data.get(counts.value)
    return int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else 0


def _fields(column: Any, names: Sequence[str]) -> list[Any]:
    """Values of a JSON column as columns of their own: the database reads them, and only
    them, instead of every row's whole document being decoded here."""
    return [column[name].as_string().label(f"v{i}") for i, name in enumerate(names)]


def _picked(values: Sequence[Any], names: Sequence[str]) -> dict[str, Any]:
    return {name: v for name, v in zip(names, values, strict=True) if v is not None}


def members(
    conn: Connection,
    kind: str,
    start: tuple[str, ...],
    scope: Scope,
    fields: Sequence[str],
    triggers: Sequence[str] = (),
    event_fields: Sequence[str] = (),
) -> tuple[list[Member], dict[int, list[Fact]]]:
    """The cohort: each case of a kind on the date of its first ``start`` event in the period,
    with these fields of its data; and, in the same query, its events of these triggers as
    recorded by as-of, in order, with those fields of their data. The events are joined by the
    case's id with the trigger compared as an expression (``|| ''``), so that they are looked
    up case by case, never over every event of the trigger ever recorded."""
    q = first_event(kind, start, ())(scope).subquery()
    joined = q.join(cases, cases.c.case_no == q.c.ref)
    columns = [q.c.ref, q.c.on, q.c.office, cases.c.id, *_fields(cases.c.data, fields)]
    if triggers:
        on = [events.c.case_id == cases.c.id, events.c.trigger.concat("").in_(triggers)]
        if scope.recorded_by is not None:
            on.append(events.c.recorded_at < scope.recorded_by)
        joined = joined.outerjoin(events, and_(*on))
        columns += [events.c.trigger, events.c.occurred_on, *_fields(events.c.data, event_fields)]
    stmt = select(*columns).select_from(joined).where(q.c.on.between(scope.start, scope.end))
    if scope.office is not None:
        stmt = stmt.where(q.c.office == scope.office)
    order = [q.c.on, q.c.ref, *([events.c.seq] if triggers else [])]
    found: list[Member] = []
    facts: dict[int, list[Fact]] = {}
    after = 4 + len(fields)
    last_id = None
    for r in conn.execute(stmt.order_by(*order)):
        case_id = r[3]
        if case_id != last_id:
            last_id = case_id
            found.append(Member(case_id, r[0], r[1], r[2], _picked(r[4:after], fields)))
        if triggers and r[after] is not None:
            fact = Fact(r[after], r[after + 1], _picked(r[after + 2 :], event_fields))
            facts.setdefault(case_id, []).append(fact)
    return found, facts


def committee_types(conn: Connection) -> dict[str, str]:
    """Each committee's type, by code (a few hundred rows, read once per computation)."""
    return {r.code: r.type for r in conn.execute(select(committees.c.code, committees.c.type))}


def committee_of(member_data: Mapping[str, Any], office: str) -> str:
    """The committee that accepted a case: its own, else its office's (``<office>-tj``)."""
    return str(member_data.get("committee") or f"{office}-tj")


def _overdue(
    conn: Connection,
    wf: Workflow,
    registry: Registry,
    counts: Cohort,
    chosen: Sequence[Member],
    scope: Scope,
) -> set[int]:
    """The members whose limit (the first of ``counts.overdue`` that holds for the case) ended
    before their first ``ends`` event (any, with ``each_end``), or before as-of (else the
    period's end) without one."""
    limits = [lim for name in counts.overdue for lim in wf.limits_named(name)]
    if not limits or not chosen:
        return set()
    world = StoredWorld(conn, registry)
    judge_on = scope.as_of or scope.end
    ids = [m.id for m in chosen]
    histories = shared_histories(conn, ids, chunk_size(conn))
    data = {  # a chunk of the members at a time: never an IN list past the driver's limit
        r.id: r.data or {}
        for chunk in in_chunks(ids, chunk_size(conn))
        for r in conn.execute(select(cases.c.id, cases.c.data).where(cases.c.id.in_(chunk)))
    }
    out: set[int] = set()
    for m in chosen:
        history = histories.get(m.id, [])
        if scope.recorded_by is not None:
            history = [ev for ev in history if ev.recorded_at < scope.recorded_by]
        limit = next((lim for lim in limits if lim.holds_for(data.get(m.id, {}))), None)
        if limit is None:
            continue
        if late(limit, history, counts, (world.calendar(), world.setting), judge_on):
            out.add(m.id)
    return out


def _lapsed(
    limit: TimeLimit, history: Sequence[EventView], world: tuple[DayCounter, Setting], on: date
) -> bool:
    run = running(limit, history, world[0], world[1])
    return run is not None and run.last_day is not None and on > run.last_day


def late(
    limit: TimeLimit,
    history: Sequence[EventView],
    counts: Cohort,
    world: tuple[DayCounter, Setting],
    judge_on: date,
) -> bool:
    """Whether the limit ended before the first ``ends`` event (each of them, with
    ``each_end``: judged against the limit as it ran before each), or before ``judge_on``
    without one (or, with ``each_end``, when the limit started again after the last)."""
    ends = [i for i, ev in enumerate(history) if ev.trigger in counts.ends]
    if not counts.each_end:
        ends = ends[:1]
    if any(_lapsed(limit, history[:i], world, history[i].occurred_on) for i in ends):
        return True
    if ends and not (counts.each_end and _restarted(limit, history[ends[-1] :])):
        return False
    return _lapsed(limit, history, world, judge_on)


def _restarted(limit: TimeLimit, since: Sequence[EventView]) -> bool:
    return any(limit.starts_at(ev) for ev in since)


def reads_of(wf: Workflow, specs: Sequence[MetricSpec]) -> tuple[list[str], list[str], list[str]]:
    """What the parts of a cohort read: the triggers of their members' histories, the fields
    of the members' data (the parts' and the groupings', group_data and committee_of) and the
    fields of the events read."""
    wanted: list[str] = []
    for s in specs:
        assert isinstance(s.counts, Cohort)
        reach = reach_triggers(wf, s.counts.reached)
        for t in (*_named(s.counts), *reach):
            if t not in wanted:
                wanted.append(t)
    case_fields = list(dict.fromkeys([*GROUPED, *(n for s in specs for n, _ in _where(s))]))
    event_fields = list(dict.fromkeys(n for s in specs for n in _valued_by(s)))
    return wanted, case_fields, event_fields


def cohort_source(wf: Workflow, registry: Registry, start: tuple[str, ...]) -> PartsOf:
    """The parts of the cohort of one start, each named by its metric."""
    specs = cohort_specs(wf, start)
    wanted, case_fields, event_fields = reads_of(wf, specs)

    def parts(conn: Connection, scope: Scope) -> Parts:
        found, facts = members(conn, wf.name, start, scope, case_fields, wanted, event_fields)
        courses = {case_id: Course.of(listed) for case_id, listed in facts.items()}
        cut: dict[int, Course] = {}
        if any(isinstance(s.counts, Cohort) and s.counts.closed_by for s in specs):
            day = scope.cut_off
            cut = {i: Course.of([f for f in fs if f.on <= day]) for i, fs in facts.items()}
        types = committee_types(conn)
        items = {m.id: member_item(wf, m, types) for m in found}
        index: dict[str, dict[str, list[Member]]] = {}
        having: dict[tuple[str, ...], set[int]] = {}
        out: Parts = {}
        world = StoredWorld(conn, registry)
        for s in specs:
            assert isinstance(s.counts, Cohort)
            judge = judge_for(wf, s.counts, world.setting, scope.end)
            by = cut if s.counts.closed_by else courses
            kept = _kept(judge, admitted(s.counts, found, index), by, having)
            if s.counts.overdue:
                late = _overdue(conn, wf, registry, s.counts, [m for m, _ in kept], scope)
                kept = [(m, v) for m, v in kept if (m.id in late) != s.counts.on_time]
            out[s.name] = [_valued(items[m.id], v) for m, v in kept]
        return out

    return parts


def member_item(wf: Workflow, m: Member, types: Mapping[str, str]) -> Item:
    """A member as an item of its cohort's parts (valued 1)."""
    committee_type = types.get(committee_of(m.data, m.office))
    return Item(m.case_no, m.on, m.office, wf.name, 1, group_data(m.data, None, committee_type))


def judge_for(wf: Workflow, counts: Cohort, setting: Setting, day: date) -> Judge:
    """The part's predicate resolved: its states' triggers and its final values, a configured
    set read as it stood on ``day`` (the period's last day)."""
    values: frozenset[str] | None = frozenset(counts.final_in) if counts.final_in else None
    if counts.final_set is not None:
        found = setting(counts.final_set, day)
        values = frozenset(str(v) for v in found) if isinstance(found, frozenset) else frozenset()
    return Judge(counts, reach_triggers(wf, counts.reached), values)


def _kept(
    judge: Judge,
    admitted: list[Member],
    courses: Mapping[int, Course],
    having: dict[tuple[str, ...], set[int]],
) -> list[tuple[Member, int]]:
    """The admitted members the part's history predicates keep, with their values."""
    counts = judge.counts
    if counts.having and not counts.closed_by:
        ids = having.get(counts.having)
        if ids is None:
            ids = having[counts.having] = _having(courses, counts.having)
        admitted = [m for m in admitted if m.id in ids]
    by_history = (counts.last, counts.lacking, counts.reached, counts.final, counts.closed_by)
    if not any(by_history) and counts.later_than is None:
        return [(m, 1) for m in admitted]
    chosen = [(m, by_course(counts, m, courses.get(m.id, NO_COURSE), judge)) for m in admitted]
    return [(m, v) for m, v in chosen if v is not None]


GROUPED = ("channel", "source", "dispute_type", "committee")


def _having(courses: Mapping[int, Course], triggers: tuple[str, ...]) -> set[int]:
    """The members with an event of one of these triggers (once per set of triggers: 调解成功,
    its written and oral parts and its amount share one)."""
    return {i for i, c in courses.items() if not c.first.keys().isdisjoint(triggers)}


def _where(spec: MetricSpec) -> Match:
    return spec.counts.where if isinstance(spec.counts, Cohort) else ()


def _valued_by(spec: MetricSpec) -> list[str]:
    """The fields of a part's last event it reads (its condition and its value)."""
    counts = spec.counts
    if not isinstance(counts, Cohort):
        return []
    final = [counts.final.field, *(n for n, _ in counts.final.where)] if counts.final else []
    return [n for n, _ in counts.last_where] + ([counts.value] if counts.value else []) + final


def admitted(
    counts: Cohort, found: list[Member], index: dict[str, dict[str, list[Member]]]
) -> list[Member]:
    """The members whose data hold ``counts.where``, found through an index of the first
    field's values (built once per field), so that the 18 types and the sources cost one pass
    over the cohort together rather than one each."""
    if not counts.where:
        return found
    (name, values), rest = counts.where[0], counts.where[1:]
    by_value = index.get(name)
    if by_value is None:
        by_value = index[name] = {}
        for m in found:
            by_value.setdefault(str(m.data.get(name)), []).append(m)
    picked = [m for value in values for m in by_value.get(value, ())]
    return [m for m in picked if holds(m.data, rest)] if rest else picked


def _valued(item: Item, value: int) -> Item:
    if value == item.value:
        return item
    return Item(item.ref, item.on, item.office, item.kind, value, item.data)
