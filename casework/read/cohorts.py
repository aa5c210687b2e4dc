"""Cohort figures: a set of cases fixed by the period (routed, due, delivered, on the ledger)
and the part of it that met a rule, computed together so that a rate's two terms are the
same cases and never exceed 100% (petition.md Statistics).

Each source reads the candidate cases in one query (an index range on trigger and date), their
histories in chunks, and judges each case with the limit code of ``case show`` and ``due``
(``workflows.limits``) and the dated settings as they stood on the day of the event judged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import CompoundSelect

from casework.domain.model import Event
from casework.read.damage import not_damaged
from casework.read.metrics import NONE, REFUSAL, Item, Parts, PartsOf, group_data
from casework.read.once import shared_histories
from casework.read.scope import AnySelect, Scope
from casework.storage.db import chunk_size
from casework.storage.tables import cases, events
from casework.storage.world import StoredWorld
from casework.time.local import CST
from workflows import Registry
from workflows.limits import plain_last_day, running, start_of
from workflows.spec import TimeLimit, Workflow

# G art. 34, X art. 33: the reply limit is met by the reply, or by sending the matter to its
# legal route (G art. 31), which ends the handling.
REPLY_MET = ("reply", "divert")
# G art. 22 para 1: the petition bureau's forwarding and assigning may go without a notice to
# the petitioner where the dated setting says so (petition.md 1.5 N).
BUREAU_ROUTING = ("forward", "assign_down")
# How far before the period a reply limit's start can lie and its last day still fall in it:
# twice the limit covers the once-only extension (≤ 30 days) and rest days; a limit paused by
# hearings is looked for up to a year back.
PAUSED_SPAN = timedelta(days=366)
# The longest run of rest days a last day is moved over (the Spring Festival's, with its
# weekends, is at most ten days; the 2020 holiday extended by the pandemic ran to 2 February).
REST_SLACK = timedelta(days=15)


def _rows(
    conn: Connection,
    kind: str,
    case_ids: AnySelect | CompoundSelect[Any],
    scope: Scope,
    of_kind: bool = False,
    refusals: bool = True,
) -> Iterator[tuple[Any, list[Event], str | None]]:
    """The cases of these ids (of the scope's office), each with its history as it stood at
    ``as_of`` and the reason of its refusal, in case-number order. ``of_kind``: the ids are
    of cases of this kind already, and the kind is not asked again (SQLite would then search
    the kind's index whole instead of looking each id up); ``refusals=False``: a procedure
    without refusals, whose reasons are not looked for."""
    found = select(
        cases.c.id, cases.c.case_no, cases.c.office_code, cases.c.data, cases.c.registered_on
    ).where(cases.c.id.in_(case_ids))
    if not of_kind:
        found = found.where(cases.c.kind == kind)
    if scope.recorded_by is not None:
        found = found.where(cases.c.recorded_at < scope.recorded_by)
    if scope.damaged:  # left out (casework.read.damage.skipping)
        found = found.where(not_damaged(cases.c.id, scope.damaged))
    # The office is compared here, not in SQL: SQLite would range over the office's cases.
    rows = [
        r
        for r in conn.execute(found.order_by(cases.c.case_no))
        if scope.office is None or r.office_code == scope.office
    ]
    histories = shared_histories(conn, [r.id for r in rows], chunk_size(conn))
    for r in rows:
        history = histories.get(r.id, [])
        if scope.recorded_by is not None:
            history = [ev for ev in history if ev.recorded_at < scope.recorded_by]
        if history:
            yield r, history, _refusal_reason(history) if refusals else None


def _refusal_reason(history: Sequence[Event]) -> str | None:
    """The reason of the case's first refusal, from the history read anyway (as
    ``refusal_reasons`` reads it for the other figures), None if it was never refused."""
    for ev in history:
        if ev.trigger == REFUSAL:
            return str(ev.data.get("reason") or NONE)
    return None


def _events_in(
    kind: str,
    triggers: Sequence[str],
    period: tuple[date, date, frozenset[int] | None],
    from_state: str | None = None,
) -> AnySelect:
    """The ids of the cases of a kind with one of these events between two days (of only
    some cases, when the period's third term names them: a roll-up's refresh)."""
    start, end, only = period
    # Of cases named by id: neither the trigger's nor the kind's index serves (scope.by_id).
    trigger: ColumnElement[str] = events.c.trigger
    of_kind: ColumnElement[str] = cases.c.kind
    if only is not None:
        trigger, of_kind = trigger.concat(""), of_kind.concat("")
    found = (
        select(events.c.case_id)
        .join(cases, and_(cases.c.id == events.c.case_id, of_kind == kind))
        .where(trigger.in_(triggers), events.c.occurred_on.between(start, end))
    )
    if only is not None:
        found = found.where(events.c.case_id.in_(sorted(only)))
    if from_state is not None:
        found = found.where(events.c.from_state == from_state)
    return found


def _limit(wf: Workflow, name: str) -> TimeLimit:
    found = wf.limit(name)
    if found is None:
        raise ValueError(f"{wf.name}: a cohort figure needs the limit {name!r}")
    return found


def _item(wf: Workflow, row: Any, on: date, reason: str | None) -> Item:
    return Item(row.case_no, on, row.office_code, wf.name, 1, group_data(row.data or {}, reason))


# -- 及时受理: routed within the decision limit, told in writing -------------------------------


def _told_in_writing(ev: Event, row: Any, world: StoredWorld) -> bool:
    """G art. 23 paras 2-3, X art. 22: a routing decision is told in writing, by a method of
    ``petition.written_methods`` in force that day; not due when the petitioner's name or
    address is unknown, nor for the petition bureau's forwarding where the setting waives it."""
    data: Mapping[str, object] = row.data or {}
    if data.get("address_known") == "no":
        return True
    method = ev.data.get("notice_method")
    if not method:
        at_bureau = world.office_kind(row.office_code) == "petition_bureau"
        waived = world.setting("petition.notice_optional_at_bureau", ev.occurred_on)
        return ev.trigger in BUREAU_ROUTING and at_bureau and waived is True
    written = world.setting("petition.written_methods", ev.occurred_on)
    return isinstance(written, frozenset) and str(method) in written


def routing(wf: Workflow, registry: Registry) -> PartsOf:
    """``decided``: the cases first routed (受理、不予受理、转送、交办、导入法定途径) in the
    period; ``on_time``: those routed within ``decide_limit`` (15 days from receipt, G arts.
    22-23; X arts. 21-22) and told in writing where a notice was due."""

    def parts(conn: Connection, scope: Scope) -> Parts:
        limit = _limit(wf, "decide_limit")
        world = StoredWorld(conn, registry)
        out: Parts = {"decided": [], "on_time": []}
        ids = _events_in(wf.name, limit.met_by, (scope.start, scope.end, scope.only_cases))
        for row, history, reason in _rows(conn, wf.name, ids, scope, of_kind=True):
            i = next((n for n, ev in enumerate(history) if ev.trigger in limit.met_by), None)
            if i is None or not scope.start <= history[i].occurred_on <= scope.end:
                continue  # first routed before the period
            ev = history[i]
            item = _item(wf, row, ev.occurred_on, reason)
            out["decided"].append(item)
            run = running(limit, history[:i], world.calendar(), world.setting)
            in_time = run is None or run.last_day is None or ev.occurred_on <= run.last_day
            if in_time and _told_in_writing(ev, row, world):
                out["on_time"].append(item)
        return out

    return parts


# -- 按期办结: the reply limit ends in the period; replied or diverted by then -----------------


def _reply_candidates(kind: str, limit: TimeLimit, scope: Scope) -> CompoundSelect[Any]:
    """The cases whose reply limit may end in the period. It ends at least its days after the
    acceptance, and without an extension or a pause at most REST_SLACK after that (rest days
    only move a last day so far): a case accepted before that is a candidate only when it was
    extended (by at most the limit's days again) or paused."""
    days = timedelta(days=limit.days or 0)
    # A working-day limit's calendar span varies with the holidays: looked for over twice it.
    slack = REST_SLACK if limit.unit == "days" else days
    start = (str(limit.start),)
    only = scope.only_cases
    plain = _events_in(kind, start, (scope.start - days - slack, scope.end - days, only))
    earlier = _events_in(kind, start, (scope.start - 2 * days, scope.start - days - slack, only))
    # An extension comes after the acceptance and before the limit lapses (before_lapse).
    extending = events.c.trigger if only is None else events.c.trigger.concat("")
    extended = select(events.c.case_id).where(
        extending.in_(limit.extended_by),
        events.c.occurred_on.between(scope.start - 2 * days, scope.end),
        events.c.case_id.in_(earlier),
    )
    opens = tuple(p.opens for p in limit.pauses)
    paused = _events_in(kind, opens, (scope.start - PAUSED_SPAN, scope.end, only))
    return plain.union(extended, paused)


def reply_due(wf: Workflow, registry: Registry) -> PartsOf:
    """``due``: the accepted cases whose ``reply_limit`` (60 days + the extension, G art. 34;
    X art. 33) ends in the period, as the database stood at ``as_of``; ``on_time``: those
    replied or diverted by its last day. A paused limit has no last day and is not due."""

    def parts(conn: Connection, scope: Scope) -> Parts:
        limit = _limit(wf, "reply_limit")
        world = StoredWorld(conn, registry)
        out: Parts = {"due": [], "on_time": []}
        ids = _reply_candidates(wf.name, limit, scope)
        for row, history, reason in _rows(conn, wf.name, ids, scope, of_kind=True):
            plain = plain_last_day(limit, history)
            if plain is not None and plain > scope.end:
                continue  # ends after the period whatever the holidays (they only lengthen it)
            run = running(limit, history, world.calendar(), world.setting)
            if run is None or run.last_day is None:
                continue
            last = run.last_day
            if not scope.start <= last <= scope.end:
                continue
            item = _item(wf, row, last, reason)
            out["due"].append(item)
            begun = start_of(limit, history, world.setting) or 0
            after = history[begun + 1 :]
            if any(ev.trigger in REPLY_MET and ev.occurred_on <= last for ev in after):
                out["on_time"].append(item)
        return out

    return parts


# -- 参评率, 满意率: replies first delivered in the period, rated by as_of ----------------------


def _in_scope(row: Any, on: date, world: StoredWorld) -> bool:
    """M art. 4: petitions registered from ``petition.evaluation_from`` are evaluated, but not
    accusations (diverted ones and those refused for other routes get no reply to rate)."""
    since = world.setting("petition.evaluation_from", on)
    if isinstance(since, date) and row.registered_on < since:
        return False
    return (row.data or {}).get("category") != "accusation"


def _rates_reply(ev: Event, delivered: int) -> bool:
    """The rating of the reply (满意度评价 of the opinion delivered at event ``delivered``)."""
    return ev.trigger == "evaluate" and ev.from_state == "replied" and ev.seq > delivered


def evaluation(wf: Workflow, registry: Registry) -> PartsOf:
    """``evaluable``: in-scope cases whose reply was first delivered in the period (G art. 21
    para 2; M arts. 3-5); ``evaluated``: those whose reply was rated by ``as_of``;
    ``satisfied``: those rated as ``petition.satisfied_ratings`` counts on the rating's day."""

    def parts(conn: Connection, scope: Scope) -> Parts:
        world = StoredWorld(conn, registry)
        out: Parts = {"evaluable": [], "evaluated": [], "satisfied": []}
        period = (scope.start, scope.end, scope.only_cases)
        ids = _events_in(wf.name, ("deliver",), period, from_state="replied")
        for row, history, reason in _rows(conn, wf.name, ids, scope, of_kind=True):
            delivered = [ev for ev in history if ev.trigger == "deliver"]
            first = next((ev for ev in delivered if ev.from_state == "replied"), None)
            if first is None or not scope.start <= first.occurred_on <= scope.end:
                continue
            if not _in_scope(row, first.occurred_on, world):
                continue
            item = _item(wf, row, first.occurred_on, reason)
            out["evaluable"].append(item)
            rated = next((ev for ev in history if _rates_reply(ev, first.seq)), None)
            if rated is None:
                continue
            out["evaluated"].append(item)
            counted = world.setting("petition.satisfied_ratings", rated.occurred_on)
            if isinstance(counted, frozenset) and str(rated.data.get("rating")) in counted:
                out["satisfied"].append(item)
        return out

    return parts


# -- 化解率: the major disputes on the ledger and those of them resolved ------------------------

ENDED = "closed"  # 销号: off the ledger
RESOLVED = ("resolved", "closed")


def _quiet_since(scope: Scope) -> datetime:
    """A case closed and last written before this instant (the period's first moment, and
    ``as_of``'s end) was off the ledger when the period began: it is not read at all, so that
    the years of disputes struck off long ago cost nothing."""
    begins = datetime.combine(scope.start, time(0), CST).astimezone(UTC)
    recorded_by = scope.recorded_by
    return begins if recorded_by is None else min(begins, recorded_by)


def ledger(wf: Workflow, registry: Registry) -> PartsOf:
    """``on_ledger``: the disputes registered by the period's last day and not ``closed`` when
    it began (a reopened one is back on it); ``resolved``: of those, ``resolved`` or
    ``closed`` at the end of the last day. Each on its registration day."""

    def parts(conn: Connection, scope: Scope) -> Parts:
        out: Parts = {"on_ledger": [], "resolved": []}
        ids = select(cases.c.id).where(
            cases.c.kind == wf.name,
            cases.c.registered_on <= scope.end,
            not_(and_(cases.c.state == ENDED, cases.c.updated_at < _quiet_since(scope))),
        )
        for row, history, reason in _rows(conn, wf.name, ids, scope, of_kind=True, refusals=False):
            before = [ev for ev in history if ev.occurred_on < scope.start]
            if before and before[-1].to_state == ENDED:
                continue
            upto = [ev for ev in history if ev.occurred_on <= scope.end]
            item = _item(wf, row, row.registered_on, reason)
            out["on_ledger"].append(item)
            if upto and upto[-1].to_state in RESOLVED:
                out["resolved"].append(item)
        return out

    return parts
