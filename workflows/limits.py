"""Where a declared time limit ends, computed from a case's events (never stored).

A limit starts at its last starting event, lasts its length plus the days of extensions since,
and ends later by the days of each clock pause (听证) begun before its last day, both ends
counted (working days for a working-day limit). While a pause is open it has no last day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from workflows.settings import SettingValue, table_rows
from workflows.spec import DayCounter, EventView, Pause, TimeLimit

# A dated setting as it stood on a day (``setting(key, day)``); None where none is known.
Setting = Callable[[str, date], SettingValue]


@dataclass(frozen=True)
class RunningLimit:
    """A time limit as it runs for one case: from when, how long, until which day.

    ``last_day`` is None while a pause is open (``paused``); ``paused_days`` are the days (or
    working days) that closed pauses added."""

    limit: TimeLimit
    start: EventView
    length: int
    extended: int
    last_day: date | None
    paused: bool = False
    paused_days: int = 0


def starting_trigger(
    limit: TimeLimit, events: Sequence[EventView], setting: Setting | None
) -> str | None:
    """The trigger a dated setting (``start_setting``) names as the limit's start, as it stood
    on the case's first day; None for the declared ``start``."""
    if limit.start_setting is None or setting is None or not events:
        return None
    value = setting(limit.start_setting, events[0].occurred_on)
    return value if isinstance(value, str) and value else None


def start_of(
    limit: TimeLimit, events: Sequence[EventView], setting: Setting | None = None
) -> int | None:
    """The index of the event that last started (or restarted) the limit."""
    start = starting_trigger(limit, events, setting)
    for i in range(len(events) - 1, -1, -1):
        if limit.starts_at(events[i], start):
            return i
    return None


def value_at(events: Sequence[EventView], name: str) -> object:
    """A case value as the events so far last set it (None when none did)."""
    for ev in reversed(events):
        if name in ev.data:
            return ev.data[name]
    return None


def length_of(
    limit: TimeLimit,
    start: EventView,
    setting: Setting | None,
    before: Sequence[EventView] = (),
) -> int | None:
    """The limit's length from its start: the starting event's value, a dated setting (for a
    ``table``, the row of the first ``days_by`` value of the case so far, ``before`` the start
    included, that has one), or the declared days; None when a setting says no term."""
    plus = int(start.data.get(limit.plus_field) or 0) if limit.plus_field else 0
    if limit.days_field is not None and start.data.get(limit.days_field) is not None:
        return int(start.data[limit.days_field]) + plus
    if limit.days_setting is not None and setting is not None:
        value = setting(limit.days_setting, start.occurred_on)
        if value is None or value is False:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value + plus
        if limit.days_by and isinstance(value, str):
            rows = table_rows(value)
            for name in limit.days_by:
                code = value_at(before or (start,), name)
                if isinstance(code, str) and code in rows:
                    days = rows[code]
                    return None if days is None else days + plus
    return limit.days + plus


def met(limit: TimeLimit, events: Sequence[EventView], begun: int) -> bool:
    """Whether a duty was met after it began (a state-bound limit ends with its state)."""
    return any(ev.trigger in limit.met_by for ev in events[begun + 1 :])


def _pauses(
    limit: TimeLimit, events: Sequence[EventView], setting: Setting | None
) -> list[tuple[date, date | None]]:
    """The (first, last) days of each pause of the limit since its start, in order; the last
    day is None for a pause still open."""
    out: list[tuple[date, date | None]] = []
    for pause in limit.pauses:
        opened: date | None = None
        for ev in events:
            if ev.trigger == pause.opens and opened is None and _counts(pause, ev, setting):
                opened = ev.occurred_on
            elif ev.trigger == pause.closes and opened is not None:
                out.append((opened, ev.occurred_on))
                opened = None
        if opened is not None:
            out.append((opened, None))
    return sorted(out, key=lambda p: p[0])


def _counts(pause: Pause, ev: EventView, setting: Setting | None) -> bool:
    if pause.setting is None:
        return True
    return bool(setting(pause.setting, ev.occurred_on)) if setting is not None else False


def _last(limit: TimeLimit, plain: date, calendar: DayCounter) -> date:
    return calendar.next_working_day(plain) if limit.roll else plain


def running(
    limit: TimeLimit,
    events: Sequence[EventView],
    calendar: DayCounter,
    setting: Setting | None = None,
    begun: int | None = None,
) -> RunningLimit | None:
    """The limit started by its last starting event, lengthened by later extensions and
    pauses; None when it has not started or a setting gives it no term. ``begun`` is that
    event's index when the caller has found it already (``start_of``)."""
    if begun is None:
        begun = start_of(limit, events, setting)
    if begun is None:
        return None
    start = events[begun]
    length = length_of(limit, start, setting, events[: begun + 1])
    if length is None:
        return None
    since = events[begun + 1 :]
    extended = sum(int(ev.data.get("days") or 0) for ev in since if ev.trigger in limit.extended_by)
    total = length + extended
    if limit.unit == "working_days":
        last = calendar.add_working_days(limit.start_day(start), total)
    else:
        plain = limit.start_day(start) + timedelta(days=total)
        last = _last(limit, plain, calendar)
    added = 0
    for first, end in _pauses(limit, since, setting):
        if first > last:
            break  # a pause begun after the last day no longer counts
        if end is None:
            return RunningLimit(limit, start, length, extended, None, True, added)
        if limit.unit == "working_days":
            days = calendar.working_days_between(first - timedelta(days=1), end)
            last = calendar.add_working_days(last, days)
        else:
            days = (end - first).days + 1
            plain += timedelta(days=days)
            last = _last(limit, plain, calendar)
        added += days
    return RunningLimit(limit, start, length, extended, last, False, added)


def plain_last_day(limit: TimeLimit, events: Sequence[EventView]) -> date | None:
    """For a limit in calendar days, its last day before any move past rest days or pause
    (which only lengthen it: petition.md, engine concept 2); None otherwise or when the limit
    has not started."""
    if limit.unit != "days" or limit.days_setting is not None or limit.start_setting:
        return None
    begun = start_of(limit, events)
    if begun is None:
        return None
    start = events[begun]
    length = length_of(limit, start, None)
    assert length is not None
    extended = sum(
        int(ev.data.get("days") or 0)
        for ev in events[begun + 1 :]
        if ev.trigger in limit.extended_by
    )
    return limit.start_day(start) + timedelta(days=length + extended)
