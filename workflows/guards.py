"""Guards shared by several procedures: windows and once-only rules."""

from __future__ import annotations

from workflows.limits import plain_last_day, running
from workflows.spec import Guard, GuardContext, TimeLimit, last_event


def within(name: str, label: str, window: TimeLimit, what: str) -> Guard:
    """A request must come within the window (counted like any limit in days).

    The window binds the petitioner or the parties, not the office: a late request is refused
    and the message names the window's last day.
    """

    def check(ctx: GuardContext) -> str | None:
        start = last_event(ctx, window.start)
        if start is None:
            return f"no '{window.start}' event is recorded, so the {what} window has not opened"
        plain = plain_last_day(window, ctx.events)
        if plain is not None and ctx.on <= plain:
            # Moving a last day past rest days only lengthens a window, so a request inside
            # the plain count is in time without consulting the holiday calendar.
            return None
        run = running(window, ctx.events, ctx.calendar)
        assert run is not None
        if ctx.on > run.last_day:
            return (
                f"the {what} window of {window.days} days after '{window.start}' on "
                f"{run.start.occurred_on} closed on {run.last_day}"
            )
        return None

    return Guard(name, label, check)


def at_most(name: str, label: str, trigger: str, times: int) -> Guard:
    """The trigger may be fired at most ``times`` times in a case's life."""

    def check(ctx: GuardContext) -> str | None:
        done = sum(1 for ev in ctx.events if ev.trigger == trigger)
        if done >= times:
            plural = "once" if times == 1 else f"{times} times"
            return f"'{trigger}' may be used at most {plural} per case"
        return None

    return Guard(name, label, check)
