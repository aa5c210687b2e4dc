"""Guards shared by several procedures: windows and once-only rules."""

from __future__ import annotations

from workflows.limits import plain_last_day, running
from workflows.spec import Guard, GuardContext, TimeLimit, last_event


def within(name: str, label: str, window: TimeLimit, what: str) -> Guard:
    """A request must come within the window (counted like any limit in days).

    The window binds the petitioner or the parties, not the office: a late request is refused
    and the message names the window's last day. ``what`` names the request in Chinese.
    """

    def check(ctx: GuardContext) -> str | None:
        start = last_event(ctx, window.start)
        if start is None:
            return f"尚无 {window.start} 记录，{what}期限未开始 (the window has not opened)"
        plain = plain_last_day(window, ctx.events)
        if plain is not None and ctx.on <= plain:
            # Moving a last day past rest days only lengthens a window, so a request inside
            # the plain count is in time without consulting the holiday calendar.
            return None
        run = running(window, ctx.events, ctx.calendar)
        assert run is not None
        if ctx.on > run.last_day:
            return (
                f"{window.start} 于 {run.start.occurred_on} 后 {window.days} 日内{what}，"
                f"期限已于 {run.last_day} 届满 (closed on {run.last_day})"
            )
        return None

    return Guard(name, label, check)


def at_most(name: str, label: str, trigger: str, times: int) -> Guard:
    """The trigger may be fired at most ``times`` times in a case's life."""

    def check(ctx: GuardContext) -> str | None:
        done = sum(1 for ev in ctx.events if ev.trigger == trigger)
        if done >= times:
            return f"每案至多 {times} 次 {trigger} (at most {times} per case)，已有 {done} 次"
        return None

    return Guard(name, label, check)
