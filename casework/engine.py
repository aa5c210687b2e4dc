"""Builds one ``transitions`` machine per procedure and fires triggers on light tokens.

This is the only module that imports ``transitions``. A machine is built once per workflow and
never holds a model: each fire runs on a throw-away token carrying the state and the guard
context, so no table row is ever touched by the library and nothing leaks per case.
"""

from __future__ import annotations

from typing import Any

from transitions import Machine

from casework.errors import GuardFailed, IllegalTransition, NotFound
from workflows import Registry
from workflows.spec import Guard, GuardContext, TriggerSpec, Workflow


class _Token:
    """The model a machine fires on: just a state, the context and a refusal slot."""

    __slots__ = ("ctx", "refusal", "state")

    def __init__(self, state: str, ctx: GuardContext) -> None:
        self.state = state
        self.ctx = ctx
        self.refusal: tuple[Guard, str] | None = None


def _condition(guard: Guard) -> Any:
    def check(event: Any) -> bool:
        token: _Token = event.model
        message = guard.check(token.ctx)
        if message is None:
            return True
        token.refusal = (guard, message)
        return False

    check.__name__ = f"guard_{guard.name}"
    return check


def build_machine(wf: Workflow) -> Machine:
    """A model-less machine for one procedure, with guards as conditions."""
    transitions = []
    for trig in wf.triggers:
        conditions = [_condition(g) for g in trig.guards]
        for src in wf.sources_of(trig):
            transitions.append(
                {
                    "trigger": trig.name,
                    "source": src,
                    "dest": wf.dest_of(trig, src),
                    "conditions": conditions,
                }
            )
    return Machine(
        model=None,
        states=list(wf.state_names),
        transitions=transitions,
        initial=wf.initial,
        auto_transitions=False,
        send_event=True,
    )


class Engine:
    """Fires triggers of the procedures in a registry; builds each machine once."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._machines: dict[str, Machine] = {}

    def workflow(self, kind: str) -> Workflow:
        wf = self.registry.get(kind)
        if wf is None:
            known = ", ".join(self.registry.names())
            raise NotFound(f"unknown workflow {kind!r}; known: {known}")
        return wf

    def _machine(self, wf: Workflow) -> Machine:
        machine = self._machines.get(wf.name)
        if machine is None:
            machine = self._machines[wf.name] = build_machine(wf)
        return machine

    def trigger_from(self, wf: Workflow, case_no: str, state: str, name: str) -> TriggerSpec:
        """The trigger spec if ``name`` may fire from ``state``; otherwise a refusal."""
        trig = wf.trigger(name)
        if trig is None:
            known = ", ".join(t.name for t in wf.triggers)
            raise IllegalTransition(
                f"case {case_no} is '{state}'; {wf.name} has no trigger '{name}' (known: {known})"
            )
        sources = wf.sources_of(trig)
        if state not in sources:
            allowed = ", ".join(f"'{s}'" for s in sources)
            raise IllegalTransition(
                f"case {case_no} is '{state}'; '{name}' is allowed only from {allowed}"
            )
        return trig

    def fire(self, wf: Workflow, trig: TriggerSpec, ctx: GuardContext) -> str:
        """Run the trigger through the machine and return the new state, or refuse by rule."""
        token = _Token(ctx.state, ctx)
        fired = self._machine(wf).events[trig.name].trigger(token)
        if not fired:
            guard, message = token.refusal or (Guard("unknown", "", lambda c: None), "refused")
            raise GuardFailed(
                f"case {ctx.case_no} is '{ctx.state}'; '{trig.name}' refused by rule "
                f"{guard.name} ({guard.label}): {message}"
            )
        return token.state

    def triggers_from(self, wf: Workflow, state: str) -> list[TriggerSpec]:
        """Triggers declared from a state, in declaration order."""
        return [t for t in wf.triggers if state in wf.sources_of(t)]
