"""Deadlines and windows, computed from a case's events whenever they are read.

Nothing here is stored: an extension, a back-dated event or a corrected holiday file changes
the answer the next time it is asked. Every function takes the day to judge by (``as_of``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NotRequired, TypedDict

from casework.time.calendar import CalendarMissing
from workflows.limits import RunningLimit, plain_last_day, running
from workflows.spec import DayCounter, EventView, TimeLimit, Workflow

UNIT_ZH = {"days": "日", "working_days": "个工作日"}
UNIT_EN = {"days": "days", "working_days": "working days"}
REGISTER_LABEL = "登记"


class DueJSON(TypedDict):
    """The limit running on a day (``case show``'s ``due``, a row of ``due``)."""

    date: str | None
    rule: str
    rule_en: str
    overdue: bool
    days_left: int | None
    limit: str
    label: str
    binds: str
    start: str
    as_of: str
    problem: NotRequired[str]  # the holiday arrangement the last day waits for


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

    def as_json(self) -> DueJSON:
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


@dataclass(frozen=True)
class PendingDue:
    """A limit that ends in a year whose holidays are not known yet, judged on a day before
    that year begins: certainly not overdue, its last day not yet computable (never guessed)."""

    limit: TimeLimit
    state: str
    as_of: date
    start: EventView
    start_label: str
    problem: str

    overdue = False
    lapsed = False
    date = None
    days_left = None

    @property
    def rule(self) -> str:
        return f"{self.start_label}后{self.limit.days}{UNIT_ZH[self.limit.unit]}（节假日安排未知）"

    def as_json(self) -> DueJSON:
        return {
            "date": None,
            "rule": self.rule,
            "rule_en": f"{self.limit.days} {UNIT_EN[self.limit.unit]} after {self.limit.start}",
            "overdue": False,
            "days_left": None,
            "limit": self.limit.name,
            "label": self.limit.label,
            "binds": self.limit.binds,
            "start": self.start.occurred_on.isoformat(),
            "as_of": self.as_of.isoformat(),
            "problem": self.problem,
        }


def history_as_of(events: Sequence[EventView], as_of: date) -> list[EventView]:
    """The events that had happened by the end of ``as_of`` (local date)."""
    return [ev for ev in events if ev.occurred_on <= as_of]


def due(
    wf: Workflow, events: Sequence[EventView], calendar: DayCounter, as_of: date
) -> Due | PendingDue | None:
    """The limit running on ``as_of`` for a case with these events, or None.

    When the limit ends in a year no holiday source covers, the answer is a ``PendingDue`` if
    ``as_of`` is before that year (it cannot be overdue yet); otherwise the error stands.
    """
    past = history_as_of(events, as_of)
    if not past:
        return None
    state = past[-1].to_state
    spec = wf.state(state)
    if spec.limit is None or spec.terminal:
        return None
    start = wf.trigger(spec.limit.start)
    start_label = start.label if start else REGISTER_LABEL
    try:
        run = running(spec.limit, past, calendar)
    except CalendarMissing as missing:
        if as_of >= date(missing.year, 1, 1):
            raise
        begun = next(ev for ev in reversed(past) if ev.trigger == spec.limit.start)
        return PendingDue(spec.limit, state, as_of, begun, start_label, str(missing))
    if run is None:
        return None
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
        plain = plain_last_day(limit, events[:i])
        if plain is not None and ev.occurred_on <= plain:
            return ev, True  # in time whatever the holidays, which only lengthen a limit
        run = running(limit, events[:i], calendar)
        return ev, run is None or ev.occurred_on <= run.last_day
    return None
