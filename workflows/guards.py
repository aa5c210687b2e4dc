"""Guards shared by several procedures: windows and once-only rules."""

from __future__ import annotations

from datetime import timedelta

from workflows.spec import Guard, GuardContext, last_event


def window(name: str, label: str, after: str, days: int, what: str) -> Guard:
    """A request must come within ``days`` calendar days of the last ``after`` event.

    The window binds the petitioner or the parties, not the office: a late request is refused
    and the message names the window's last day.
    """

    def check(ctx: GuardContext) -> str | None:
        start = last_event(ctx, after)
        if start is None:
            return f"no '{after}' event is recorded, so the {what} window has not opened"
        last_day = start.occurred_on + timedelta(days=days)
        if ctx.on > last_day:
            return (
                f"the {what} window of {days} days after '{after}' on {start.occurred_on} "
                f"closed on {last_day}"
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
