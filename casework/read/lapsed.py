"""Limits that lapsed in a period (``workflows.spec.Lapsed``): the cases whose limit passed its
last day while the case still stood in a state the limit runs in (a 12345 order's
``handle_limit`` passed unreplied: 超期件数), each once, on the first such day in the period.

A limit is judged on each prefix of a case's history that leaves the case in one of its
states: the limit as running then (extensions and restarts so far) lapses on the day after its
last day, if no later step came before that day. Only the cases that started the limit in the
period or in the year before it are read (no limit of the procedures runs longer).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.model import Event
from casework.read.metrics import Held, Item, Parts, PartsOf, RowsOf
from casework.read.once import shared_histories
from casework.read.scope import Scope
from casework.storage.db import chunk_size
from casework.storage.tables import cases, events
from casework.storage.world import StoredWorld
from workflows import Registry
from workflows.limits import Setting, running, value_at
from workflows.spec import DayCounter, TimeLimit, Workflow

LOOK_BACK = timedelta(days=366)


def limit_states(wf: Workflow, limit: TimeLimit) -> frozenset[str]:
    """The states a limit runs in (as a state's limit or one of its more limits)."""
    return frozenset(s.name for s in wf.states if limit in s.all_limits)


def limit_named(wf: Workflow, name: str) -> tuple[TimeLimit, frozenset[str]]:
    """The procedure's limit of that name and the states it runs in."""
    limit = wf.limit(name)
    if limit is None:
        raise ValueError(f"{wf.name} has no limit {name!r}")
    return limit, limit_states(wf, limit)


def lapses(
    limit: TimeLimit,
    states: frozenset[str],
    history: Sequence[Event],
    world: tuple[DayCounter, Setting],
) -> list[tuple[date, str | None]]:
    """Every day the limit lapsed with the case still in its states, in order (each after a
    step and before the next), and the office it bound then (its ``bound`` value)."""
    out: list[tuple[date, str | None]] = []
    for k, ev in enumerate(history):
        if ev.to_state not in states:
            continue
        run = running(limit, history[: k + 1], world[0], world[1])
        if run is None or run.last_day is None:
            continue
        lapse = run.last_day + timedelta(days=1)
        nxt = history[k + 1].occurred_on if k + 1 < len(history) else None
        if lapse <= ev.occurred_on or (nxt is not None and nxt < lapse):
            continue  # lapsed before this step, or another step came first
        bound = value_at(history[: k + 1], limit.bound) if limit.bound else None
        out.append((lapse, str(bound) if bound else None))
    return out


def lapsed_on(
    limit: TimeLimit,
    states: frozenset[str],
    history: Sequence[Event],
    world: tuple[DayCounter, Setting],
    scope: Scope,
) -> tuple[date, str | None] | None:
    """The first day in the period the limit lapsed with the case still in its states, and the
    office it bound then, or None."""
    last_seen = scope.as_of or scope.end
    found = lapses(limit, states, history, world)
    return next((x for x in found if scope.start <= x[0] <= min(scope.end, last_seen)), None)


def lapsed_source(wf: Workflow, registry: Registry, name: str) -> PartsOf:
    """The cases whose limit ``name`` lapsed in the period, as one list of items."""
    limit, states = limit_named(wf, name)
    starts = (limit.start, *limit.restarts)

    def parts(conn: Connection, scope: Scope) -> Parts:
        begun = (
            select(events.c.case_id)
            .distinct()
            .where(
                events.c.trigger.in_(starts),
                events.c.occurred_on.between(scope.start - LOOK_BACK, scope.end),
            )
        )
        if scope.recorded_by is not None:
            begun = begun.where(events.c.recorded_at < scope.recorded_by)
        started = begun.subquery()
        # From the starting events to their cases (by key), not from every case of the kind:
        # a month's figure reads that month's events only (tests/integration/test_stats_plans).
        rows = conn.execute(
            select(cases.c.id, cases.c.case_no, cases.c.office_code)
            .select_from(started.join(cases, cases.c.id == started.c.case_id))
            .where(cases.c.kind == wf.name)
            .order_by(cases.c.id)
        ).all()
        world = StoredWorld(conn, registry)
        judged = (world.calendar(), world.setting)
        histories = shared_histories(conn, [r.id for r in rows], chunk_size(conn))
        found: list[Item] = []
        for r in rows:
            history = histories.get(r.id, [])
            if scope.recorded_by is not None:
                history = [ev for ev in history if ev.recorded_at < scope.recorded_by]
            lapse = lapsed_on(limit, states, history, judged, scope)
            if lapse is None:
                continue
            office = lapse[1] or r.office_code
            if scope.office is None or office == scope.office:
                found.append(Item(r.case_no, lapse[0], office, wf.name))
        return {"": found}

    return parts


def lapsed_rows(wf: Workflow, registry: Registry, name: str) -> RowsOf:
    """The roll-up rows of ``lapsed_source``: a row for each day a case's limit lapsed, which
    counts for a period holding that day and beginning after the lapse before it (the first
    lapse in the period is the case's item there). Every lapse of the case is kept, however
    long before the period its limit began (the events path reads a year back: LOOK_BACK)."""
    limit, states = limit_named(wf, name)

    def rows(
        conn: Connection, ids: Sequence[int], period: tuple[date, date]
    ) -> dict[str, list[Held]]:
        found = conn.execute(
            select(cases.c.id, cases.c.case_no, cases.c.office_code)
            .where(cases.c.kind == wf.name, cases.c.id.in_(list(ids)))
            .order_by(cases.c.id)
        ).all()
        world = StoredWorld(conn, registry)
        judged = (world.calendar(), world.setting)
        histories = shared_histories(conn, [r.id for r in found], chunk_size(conn))
        out: list[Held] = []
        for r in found:
            prior: date | None = None
            for day, bound in lapses(limit, states, histories.get(r.id, []), judged):
                if period[0] <= day <= period[1]:
                    item = Item(r.case_no, day, bound or r.office_code, wf.name)
                    out.append((item, None, None, prior))
                prior = day
        return {"": out}

    return rows
