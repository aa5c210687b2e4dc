"""What follows when a limit lapses (default transitions, hotline_reconsideration.md 9.4).

A limit may declare (``TimeLimit.on_lapse``) the step its lapse calls for: one casework takes
itself (an application not decided in 5 working days is deemed accepted, 行政复议法 art. 30),
which ``casework sweep`` fires, or one that turns on a person's judgment (视为放弃 on "good
reason", 终止 once a suspension lasted 60 days), which ``casework due`` lists. Both are read
here, from the cases' events as of a day, never stored: once the step is taken the case has
left the state the limit runs in, and nothing lapses again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Connection

from casework.domain.model import Actor
from casework.engine import Engine as Machines
from casework.read.damage import NO_DAMAGE, DamageReport
from casework.read.due import Running, due_list, due_row, lapsed_histories
from casework.read.shapes import DueRow, LapseRow
from casework.storage.world import StoredWorld
from casework.time.deadlines import CaseClock, Due, limits_on
from workflows import Registry
from workflows.spec import Lapse, Workflow


@dataclass(frozen=True, slots=True)
class Lapsed:
    """A limit lapsed on a case as of a day, the step that follows, and the day it is dated;
    ``version`` and ``start_seq`` identify the case as read (the sweep fires only on it)."""

    running: Running
    lapse: Lapse
    dated_on: date
    version: int
    start_seq: int
    at_day_end: bool  # dated on the limit's last day (else on the day it started)

    @property
    def due(self) -> Due:
        assert isinstance(self.running.due, Due)
        return self.running.due

    def row(self) -> LapseRow:
        r, d = self.running, self.due
        trig = r.wf.trigger(self.lapse.trigger)
        return LapseRow(
            case_no=r.case.case_no,
            kind=r.case.kind,
            office=r.case.office,
            state=r.case.state,
            limit=d.limit.name,
            label=d.limit.label,
            last_day=str(d.date),
            trigger=self.lapse.trigger,
            trigger_label=trig.label if trig is not None else self.lapse.trigger,
            by=self.lapse.by,
            dated_on=self.dated_on.isoformat(),
        )


def lapsing_states(wf: Workflow) -> list[str]:
    """The states in which a limit with a declared lapse runs."""
    return [s.name for s in wf.states if any(lim.on_lapse for lim in s.all_limits)]


def lapsed(
    conn: Connection, registry: Registry, as_of: date, actor: Actor | None
) -> Iterator[Lapsed]:
    """Every limit with a declared lapse that has lapsed by the end of ``as_of`` on a case
    the actor may see, still in a state the limit runs in, with its step offered there."""
    world = StoredWorld(conn, registry)
    calendar = world.calendar()
    for wf in registry:
        states = lapsing_states(wf)
        if not states:
            continue
        for head, history in lapsed_histories(conn, wf, as_of, actor, states):
            clock = CaseClock(wf, head.office, head.data, history, calendar, world.setting)
            for found in limits_on(clock, as_of):
                lapse = found.limit.on_lapse
                if lapse is None or not isinstance(found, Due) or not found.lapsed:
                    continue
                trig = wf.trigger(lapse.trigger)
                rules = str(head.data.get("rules") or "") or None
                if trig is None or head.state not in wf.sources_of(trig, rules):
                    continue
                run = found.run
                at_end = lapse.dated_for(rules) == "last_day"
                on = found.date if at_end and found.date else found.limit.start_day(run.start)
                seq = history[-1].seq
                yield Lapsed(Running(head, found, wf), lapse, on, seq, run.start.seq, at_end)


def due_with_steps(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    as_of: date,
    within: int,
    office: str | None = None,
    kind: str | None = None,
    damage: DamageReport = NO_DAMAGE,
) -> list[DueRow]:
    """``due_list``, with each lapsed limit whose step needs a person marked ``step_due``
    (its ``step``); such a limit binding a party (the correction window) is added, since a
    party's windows are otherwise no duty of the office."""
    rows = due_list(conn, machines, actor, as_of, within, office, kind, damage=damage)
    name = machines.workflow(kind).name if kind is not None else None
    for item in lapsed(conn, machines.registry, as_of, actor):
        case, d = item.running.case, item.due
        if item.lapse.by != "person" or name not in (None, case.kind):
            continue
        if office is not None and office not in (case.office, d.bound_office):
            continue
        row = next(
            (r for r in rows if r["case_no"] == case.case_no and r["limit"] == d.limit.name),
            None,
        )
        if row is None:
            row = due_row(item.running)
            rows.append(row)
        trig = item.running.wf.trigger(item.lapse.trigger)
        row["step"] = item.lapse.trigger
        row["step_label"] = trig.label if trig is not None else item.lapse.trigger
        row["status"] = "step_due"
    rows.sort(key=lambda r: (r["days_left"] is None, r["days_left"] or 0, r["case_no"]))
    return rows
