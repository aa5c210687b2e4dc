"""Guards shared by several procedures: windows, once-only rules, limits not yet lapsed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from workflows.limits import RunningLimit, plain_last_day, running, start_of
from workflows.settings import SettingValue
from workflows.spec import DayCounter, EventView, Guard, GuardContext, TimeLimit

DayOf = Callable[[GuardContext], date]


def step_day(ctx: GuardContext) -> date:
    return ctx.on


def setting_of(ctx: GuardContext) -> Callable[[str, date], SettingValue]:
    """The context's dated settings as a limit reads them."""
    return lambda key, day: ctx.setting(key, day)


def running_in(ctx: GuardContext, limit: TimeLimit) -> RunningLimit | None:
    """The limit as it runs for the case's history so far (with its pauses)."""
    return running(limit, ctx.events, ctx.calendar, setting_of(ctx))


def lapsed_by(ctx: GuardContext, limit: TimeLimit, day: date) -> RunningLimit | None:
    """The running limit when ``day`` is past its last day, else None (not started, paused, or
    still running)."""
    return lapsed(limit, ctx.events, ctx.calendar, setting_of(ctx), day)


def lapsed(
    limit: TimeLimit,
    events: Sequence[EventView],
    calendar: DayCounter,
    setting: Callable[[str, date], SettingValue] | None,
    day: date,
) -> RunningLimit | None:
    """The limit as it runs over these events, when ``day`` is past its last day."""
    plain = plain_last_day(limit, events)
    if plain is not None and day <= plain:
        # Moving a last day past rest days only lengthens a limit, so a day inside the plain
        # count is in time without consulting the holiday calendar.
        return None
    run = running(limit, events, calendar, setting)
    if run is None or run.last_day is None or day <= run.last_day:
        return None
    return run


def within(name: str, label: str, window: TimeLimit, what: str, day: DayOf = step_day) -> Guard:
    """A request must come within the window (counted like any limit in days).

    The window binds the petitioner or the parties, not the office: a late request is refused
    and the message names the window's last day. ``what`` names the request in Chinese; ``day``
    gives the day the request counts from (the step's day, or a date it records).
    """

    def check(ctx: GuardContext) -> str | None:
        if start_of(window, ctx.events, setting_of(ctx)) is None:
            return f"尚无 {window.start} 记录，{what}期限未开始 (the window has not opened)"
        run = lapsed_by(ctx, window, day(ctx))
        if run is not None:
            return (
                f"{window.start} 于 {window.start_day(run.start)} 后 {run.length} 日内{what}，"
                f"期限已于 {run.last_day} 届满 (closed on {run.last_day})"
            )
        return None

    return Guard(name, label, check)


def before_lapse(name: str, label: str, limit: TimeLimit, what: str) -> Guard:
    """A step allowed only on or before the limit's last day (an extension asked in time)."""

    def check(ctx: GuardContext) -> str | None:
        run = lapsed_by(ctx, limit, ctx.on)
        if run is not None:
            return (
                f"{limit.label} {limit.name} 已于 {run.last_day} 届满，逾期后不能{what}"
                f" (the limit lapsed on {run.last_day})"
            )
        return None

    return Guard(name, label, check)


def at_most(name: str, label: str, trigger: str, times: int | str) -> Guard:
    """The trigger may be fired at most ``times`` times in a case's life (or as many as the
    dated setting named by ``times`` allows on the step's day)."""

    def check(ctx: GuardContext) -> str | None:
        allowed = times if isinstance(times, int) else ctx.setting(times)
        if not isinstance(allowed, int) or isinstance(allowed, bool):
            return None
        done = sum(1 for ev in ctx.events if ev.trigger == trigger)
        if done >= allowed:
            return f"每案至多 {allowed} 次 {trigger} (at most {allowed} per case)，已有 {done} 次"
        return None

    return Guard(name, label, check)
