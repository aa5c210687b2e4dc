"""Builds one ``transitions`` machine per procedure and fires triggers on light tokens.

This is the only module that imports ``transitions``. A machine is built once per workflow and
never holds a model: each fire runs on a throw-away token carrying the state and the guard
context, so no table row is ever touched by the library and nothing leaks per case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transitions import Machine

from casework.errors import GuardFailed, IllegalTransition, NotFound
from workflows import Registry
from workflows.spec import Guard, GuardContext, Refusal, TriggerSpec, Workflow


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
        every = dict.fromkeys(wf.sources_of(trig))
        for version in wf.versions:
            every.update(dict.fromkeys(wf.sources_of(trig, version.name)))
        for src in every:
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
        # (procedure, trigger, state) -> where the machine says the trigger leads.
        self._dests: dict[tuple[str, str, str], str] = {}

    def workflow(self, kind: str) -> Workflow:
        """A procedure by its name or its Chinese label (``信访事项`` for ``petition``)."""
        wf = self.registry.get(kind)
        if wf is None:
            wf = next((w for w in self.registry if w.label == kind), None)
        if wf is None:
            known = "、".join(f"{w.label} {w.name}" for w in self.registry)
            raise NotFound(
                f"未知流程 unknown workflow {kind[:40]!r}；已有：{known}",
                field="kind",
                value=kind[:40],
            )
        return wf

    def machine(self, wf: Workflow) -> Machine:
        machine = self._machines.get(wf.name)
        if machine is None:
            machine = self._machines[wf.name] = build_machine(wf)
        return machine

    def trigger_from(
        self, wf: Workflow, case_no: str, state: str, name: str, rules: str | None = None
    ) -> TriggerSpec:
        """The trigger if ``name`` (or its Chinese label) may fire from ``state`` under the
        case's rule version; otherwise a refusal naming the states it may fire from."""
        trig = wf.trigger_named(name)
        if trig is not None and state in wf.sources_of(trig, rules):
            return trig
        here = wf.state(state).shown
        if trig is None:
            known = "、".join(f"{t.label} {t.name}" for t in wf.triggers if not t.internal)
            raise IllegalTransition(
                f"案件 {case_no} 当前为{here}；{wf.label} {wf.name} 没有操作 {name[:40]!r}"
                f"（可用：{known}）",
                field="trigger",
                value=name[:40],
            )
        allowed = "、".join(wf.state(s).shown for s in wf.sources_of(trig, rules))
        raise IllegalTransition(f"案件 {case_no} 当前为{here}，{trig.shown}只能在{allowed}状态进行")

    def fire(
        self, wf: Workflow, trig: TriggerSpec, state: str, ctx: Callable[[], GuardContext]
    ) -> str:
        """Run the trigger through the machine and return the new state, or refuse by rule.

        ``ctx`` makes the guards' view of the case, only for a trigger with guards. Where a
        trigger leads from a state is the machine's answer; it depends on the procedure, the
        trigger and the state alone, so the machine is asked once per such triple (its guards
        passing), and then the guards, its conditions, are checked in their declared order as
        the machine checks them: the first that refuses names the rule.
        """
        key = (wf.name, trig.name, state)
        known = self._dests.get(key)
        if known is None:
            known = self._dests[key] = self._run(wf, trig, ctx())
            return known
        if trig.guards:
            view = ctx()
            for guard in trig.guards:
                message = guard.check(view)
                if message is not None:
                    raise self._refused(wf, trig, view, guard, message)
        return known

    def _run(self, wf: Workflow, trig: TriggerSpec, ctx: GuardContext) -> str:
        token = _Token(ctx.state, ctx)
        fired = self.machine(wf).events[trig.name].trigger(token)
        if not fired:
            guard, message = token.refusal or (Guard("unknown", "", lambda c: None), "refused")
            raise self._refused(wf, trig, ctx, guard, message)
        return token.state

    @staticmethod
    def _refused(
        wf: Workflow, trig: TriggerSpec, ctx: GuardContext, guard: Guard, message: str
    ) -> GuardFailed:
        return GuardFailed(
            f"案件 {ctx.case_no} 当前为{wf.state(ctx.state).shown}，{trig.shown}"
            f"不符合规则「{guard.label} {guard.name}」：{message}",
            rule=guard.name,
            field=message.field if isinstance(message, Refusal) else None,
        )

    def triggers_from(
        self, wf: Workflow, state: str, rules: str | None = None
    ) -> list[TriggerSpec]:
        """Triggers a person may fire from a state under a rule version, in declared order."""
        return [
            t
            for t in wf.triggers
            if state in wf.sources_of(t, rules) and t.offered_in(rules) and not t.internal
        ]
