"""Which cases may have a limit running on a day, as one SQL condition per procedure.

A listing of deadlines (``due``, the desk's 临期 and 超期) judges each case on its history, and
reading the history of every case ever registered cost most of its time (a town's year: 16,000
events for the 46 deadlines it shows). The condition lets through a superset of the cases the
judge can find a limit for, so that only their events are read:

- a case standing in an open state one of whose limits binds as asked;
- a case whose duty binding as asked began and has no ``met_by`` step after that beginning
  (a duty runs whatever the state, on an ended case too);
- a case changed after the day, whose state on the day may not be its state now. Its last
  change (``updated_at``, the last step's recording) is never before any of its steps
  happened: a step is never dated in the future (casework.domain.checks).

A duty's ``applies`` (a court's case, an assigned matter) is a Python rule on the case's data:
the duties' conditions are selected as columns beside the case (``Candidate``) and ``kept``
applies the rule, so that only the cases a limit can hold for have their events read.

The judge still decides for every case let through, so the condition only has to be wide
enough; tests/api/test_due_narrowing.py checks that the listings are the same with and without it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select

from casework.storage.tables import cases, events
from casework.time.local import CST
from workflows.spec import TimeLimit, Workflow


def day_after(as_of: date) -> datetime:
    """The instant the local day after ``as_of`` begins."""
    return datetime.combine(as_of + timedelta(days=1), time(0, 0), tzinfo=CST)


def open_states(wf: Workflow, binds: Collection[str]) -> list[str]:
    """The open states with a limit of their own binding as asked."""
    return [
        s.name
        for s in wf.states
        if not s.terminal and any(lim.binds in binds for lim in s.all_limits)
    ]


def duty_open(duty: TimeLimit) -> ColumnElement[bool]:
    """Some step began (or restarted) the duty and no step meeting it came after."""
    began, meets = events.alias("began"), events.alias("meets")
    after = select(meets.c.id).where(
        meets.c.case_id == began.c.case_id,
        meets.c.trigger.in_(list(duty.met_by)),
        meets.c.seq > began.c.seq,
    )
    start = select(began.c.id).where(
        began.c.case_id == cases.c.id,
        began.c.trigger.in_([duty.start, *duty.restarts]),
    )
    if duty.met_by:
        start = start.where(~exists(after))
    return exists(start)


def listed_duties(wf: Workflow, binds: Collection[str]) -> list[TimeLimit]:
    found = {d.name: d for d in wf.duties if d.binds in binds}  # a duty may be listed twice
    return list(found.values())


@dataclass(frozen=True)
class Narrowing:
    """The condition for one procedure, a day and the binds asked for: ``where`` for the
    query, ``columns`` (whether each listed duty is open) to select beside the case, and
    ``kept`` to apply the duties' own rules to what the query let through."""

    states: frozenset[str]
    duties: tuple[TimeLimit, ...]
    after: datetime

    @classmethod
    def of(cls, wf: Workflow, as_of: date, binds: Collection[str]) -> Narrowing:
        duties = tuple(listed_duties(wf, binds))
        return cls(frozenset(open_states(wf, binds)), duties, day_after(as_of))

    def columns(self) -> list[ColumnElement[bool]]:
        return [duty_open(d).label(f"duty_{i}") for i, d in enumerate(self.duties)]

    def where(self) -> ColumnElement[bool]:
        clauses: list[ColumnElement[bool]] = [cases.c.updated_at >= self.after]
        if self.states:
            clauses.append(cases.c.state.in_(sorted(self.states)))
        clauses += [duty_open(d) for d in self.duties]
        return or_(*clauses)

    def kept(
        self, state: str, updated_at: datetime, data: Mapping[str, Any], open_duties: Sequence[bool]
    ) -> bool:
        """Whether a case the query let through may have a limit running."""
        if state in self.states or updated_at >= self.after:
            return True
        return any(
            is_open and d.holds_for(data)
            for is_open, d in zip(open_duties, self.duties, strict=True)
        )
