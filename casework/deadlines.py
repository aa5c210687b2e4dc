"""Deadlines and windows, computed from a case's events whenever they are read.

Nothing here is stored: an extension, a back-dated event or a corrected holiday file changes
the answer the next time it is asked. Every function takes the day to judge by (``as_of``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.limits import RunningLimit, running
from workflows.spec import DayCounter, EventView, TimeLimit, Workflow

UNIT_ZH = {"days": "日", "working_days": "个工作日"}
UNIT_EN = {"days": "days", "working_days": "working days"}
REGISTER_LABEL = "登记"


@dataclass(frozen=True)
class Due:
    """The limit running for a case on a given day."""

    run: RunningLimit
    state: str
    as_of: date
    start_label: str

    @property
    def limit(self) -> TimeLimit:
        return self.run.limit

    @property
    def date(self) -> date:
        return self.run.last_day

    @property
    def overdue(self) -> bool:
        """Past an office's deadline (超期); windows and advisory limits are never overdue."""
        return self.limit.binds == "office" and self.as_of > self.date

    @property
    def lapsed(self) -> bool:
        """Past the last day, whoever the limit binds."""
        return self.as_of > self.date

    @property
    def days_left(self) -> int:
        return (self.date - self.as_of).days

    @property
    def rule(self) -> str:
        """The rule in Chinese, e.g. ``受理后60日，已延期30日``."""
        limit = self.limit
        text = f"{self.start_label}后{self.run.length}{UNIT_ZH[limit.unit]}"
        if self.run.extended:
            text += f"，已延期{self.run.extended}日"
        natural = self.run.start.occurred_on.toordinal() + self.run.length + self.run.extended
        if limit.unit == "days" and self.date.toordinal() != natural:
            text += "，逢休息日顺延"
        return text

    @property
    def rule_en(self) -> str:
        limit = self.limit
        text = f"{self.run.length} {UNIT_EN[limit.unit]} after {limit.start}"
        if self.run.extended:
            text += f", extended by {self.run.extended}"
        natural = self.run.start.occurred_on.toordinal() + self.run.length + self.run.extended
        if limit.unit == "days" and self.date.toordinal() != natural:
            text += ", moved past rest days"
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "rule": self.rule,
            "rule_en": self.rule_en,
            "overdue": self.overdue,
            "days_left": self.days_left,
            "limit": self.limit.name,
            "label": self.limit.label,
            "binds": self.limit.binds,
            "start": self.run.start.occurred_on.isoformat(),
            "as_of": self.as_of.isoformat(),
        }


def history_as_of(events: Sequence[EventView], as_of: date) -> list[EventView]:
    """The events that had happened by the end of ``as_of`` (local date)."""
    return [ev for ev in events if ev.occurred_on <= as_of]


def due(wf: Workflow, events: Sequence[EventView], calendar: DayCounter, as_of: date) -> Due | None:
    """The limit running on ``as_of`` for a case with these events, or None."""
    past = history_as_of(events, as_of)
    if not past:
        return None
    state = past[-1].to_state
    spec = wf.state(state)
    if spec.limit is None or spec.terminal:
        return None
    run = running(spec.limit, past, calendar)
    if run is None:
        return None
    start = wf.trigger(spec.limit.start)
    start_label = start.label if start else REGISTER_LABEL
    return Due(run, state, as_of, start_label)


def first_on_time(
    wf: Workflow, events: Sequence[EventView], trigger: str, calendar: DayCounter
) -> tuple[EventView, bool] | None:
    """The case's first ``trigger`` event and whether it came within the limit running then.

    For a petition's first ``reply``: replied within 60 days of acceptance plus any extension
    (``petition.replied_on_time``).
    """
    for i, ev in enumerate(events):
        if ev.trigger != trigger:
            continue
        limit = wf.state(ev.from_state).limit if ev.from_state else None
        if limit is None or limit.binds == "party":
            return ev, True
        run = running(limit, events[:i], calendar)
        return ev, run is None or ev.occurred_on <= run.last_day
    return None
