"""Where a declared time limit ends, computed from a case's events (never stored)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from workflows.spec import DayCounter, EventView, TimeLimit


@dataclass(frozen=True)
class RunningLimit:
    """A time limit as it runs for one case: from when, how long, until which day."""

    limit: TimeLimit
    start: EventView
    length: int
    extended: int
    last_day: date


def _span(limit: TimeLimit, events: Sequence[EventView]) -> tuple[EventView, int, int] | None:
    """The starting event, the declared length and the days added by extensions since."""
    start = next((ev for ev in reversed(events) if ev.trigger == limit.start), None)
    if start is None:
        return None
    length = limit.days
    if limit.days_field is not None and start.data.get(limit.days_field) is not None:
        length = int(start.data[limit.days_field])
    extended = sum(
        int(ev.data.get("days") or 0)
        for ev in events
        if ev.seq > start.seq and ev.trigger in limit.extended_by
    )
    return start, length, extended


def plain_last_day(limit: TimeLimit, events: Sequence[EventView]) -> date | None:
    """For a limit in calendar days, its last day before any move past rest days (which only
    lengthens it); None for working days or when the limit has not started."""
    span = _span(limit, events)
    if limit.unit != "days" or span is None:
        return None
    start, length, extended = span
    return start.occurred_on + timedelta(days=length + extended)


def running(
    limit: TimeLimit, events: Sequence[EventView], calendar: DayCounter
) -> RunningLimit | None:
    """The limit started by the last ``limit.start`` event, lengthened by later extensions."""
    span = _span(limit, events)
    if span is None:
        return None
    start, length, extended = span
    total = length + extended
    if limit.unit == "working_days":
        last_day = calendar.add_working_days(start.occurred_on, total)
    else:
        last_day = calendar.add_days(start.occurred_on, total, limit.roll)
    return RunningLimit(limit, start, length, extended, last_day)
