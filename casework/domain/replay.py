"""Replaying a case's events through its declared procedure."""

from __future__ import annotations

from collections.abc import Iterable

from workflows.spec import Workflow

REGISTER = "register"
DOCUMENT = "doc"
LINK = "link"  # a person's finding that two cases are (or are not) the same matter
CORRECT = "correct"  # a correction (更正) of a mistyped title, party or registration value
# Events any case takes in any state without changing it.
RECORDS = frozenset({DOCUMENT, LINK, CORRECT})


def replay(
    wf: Workflow, steps: Iterable[tuple[str, str | None, str]], rules: str | None = None
) -> str:
    """The state a history of ``(trigger, from_state, to_state)`` leads to, or ValueError.

    Every step must be legal in the procedure under the case's rule version: registration
    first and into the initial state, each trigger fired from a state it is declared for and
    into its declared destination.
    """
    state: str | None = None
    for n, (trigger, from_state, to_state) in enumerate(steps, start=1):
        if n == 1:
            if trigger != REGISTER or to_state != wf.initial:
                raise ValueError(f"event 1 is {trigger!r}, not a registration into {wf.initial!r}")
            state = to_state
            continue
        if from_state != state:
            raise ValueError(f"event {n} starts from {from_state!r} but the case was {state!r}")
        if trigger in RECORDS:
            if to_state != state:
                raise ValueError(f"event {n} records a {trigger} but changes the state")
            continue
        spec = wf.trigger(trigger)
        if spec is None or state not in wf.sources_of(spec, rules):
            raise ValueError(f"event {n}: {trigger!r} is not allowed from {state!r}")
        if to_state != wf.dest_of(spec, state):
            raise ValueError(f"event {n}: {trigger!r} leads to {to_state!r}, not as declared")
        state = to_state
    if state is None:
        raise ValueError("the case has no events")
    return state
