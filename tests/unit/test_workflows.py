"""The shipped procedures are declared exactly as procedures.md says, and are well formed."""

from __future__ import annotations

import dataclasses

import pytest

from casework.engine import Engine, build_machine
from workflows import Registry, default_registry
from workflows.spec import StateSpec, TriggerSpec
from workflows.validate import WorkflowDefinitionError, problems, validate

# trigger: (from-states, to-state or None for "same", roles, required values, city only)
SPEC = {
    "petition": {
        "accept": ({"registered"}, "handling", {"supervisor"}, set(), False),
        "refuse": ({"registered"}, "not_accepted", {"supervisor"}, {"reason"}, False),
        "forward": ({"registered"}, "forwarded", {"clerk", "supervisor"}, {"to_organ"}, False),
        "divert": ({"handling"}, "diverted", {"supervisor"}, {"route"}, False),
        "extend": ({"handling"}, None, {"supervisor"}, {"days", "reason"}, False),
        "reply": ({"handling"}, "replied", {"supervisor"}, {"outcome"}, False),
        "request_review": ({"replied"}, "reviewing", {"clerk", "supervisor"}, set(), False),
        "review": ({"reviewing"}, "reviewed", {"supervisor"}, {"outcome"}, False),
        "request_rereview": ({"reviewed"}, "rereviewing", {"clerk", "supervisor"}, set(), False),
        "rereview": ({"rereviewing"}, "concluded", {"supervisor"}, {"outcome"}, False),
        "close": ({"replied", "reviewed"}, "closed", {"clerk", "supervisor"}, set(), False),
        "supervise": (
            {"registered", "handling", "replied", "reviewing", "reviewed", "rereviewing"},
            None,
            {"supervisor"},
            {"note"},
            True,
        ),
    },
    "mediation": {
        "accept": ({"applied"}, "mediating", {"mediator", "supervisor"}, {"mediator"}, False),
        "decline": ({"applied"}, "declined", {"mediator", "supervisor"}, {"reason"}, False),
        "agree": ({"mediating"}, "agreed", {"mediator"}, {"form"}, False),
        "fail": ({"mediating"}, "failed", {"mediator"}, {"routes_told"}, False),
        "perform": ({"agreed"}, "performed", {"mediator", "clerk"}, set(), False),
        "breach": ({"agreed"}, "breached", {"mediator", "clerk"}, set(), False),
        "confirm": ({"agreed", "performed"}, None, {"clerk"}, {"court_case_no"}, False),
        "follow_up": (
            {"agreed", "performed", "breached", "failed"},
            None,
            {"mediator", "clerk"},
            {"satisfaction"},
            False,
        ),
        "archive": ({"performed", "breached", "failed"}, "archived", {"supervisor"}, set(), False),
    },
    "major_dispute": {
        "assign": ({"identified"}, "assigned", {"supervisor"}, {"leader", "unit"}, True),
        "plan": ({"assigned"}, "resolving", {"leader"}, {"plan"}, False),
        "resolve": ({"resolving"}, "resolved", {"leader"}, {"outcome"}, False),
        "verify": ({"resolved"}, "closed", {"supervisor"}, set(), True),
        "reopen": ({"resolved", "closed"}, "resolving", {"supervisor"}, {"reason"}, True),
        "extend": ({"assigned", "resolving"}, None, {"supervisor"}, {"days", "reason"}, True),
    },
}
TERMINAL = {
    "petition": {"closed", "concluded", "not_accepted", "forwarded", "diverted"},
    "mediation": {"declined", "archived"},
    "major_dispute": {"closed"},
}
PREFIX = {"petition": "XF", "mediation": "TJ", "major_dispute": "BA"}


@pytest.mark.parametrize("kind", sorted(SPEC))
def test_declared_as_the_spec_says(kind: str) -> None:
    wf = default_registry().get(kind)
    assert wf is not None
    assert wf.prefix == PREFIX[kind]
    assert {s.name for s in wf.states if s.terminal} == TERMINAL[kind]
    assert all(s.label for s in wf.states) and all(t.label for t in wf.triggers)
    assert {t.name for t in wf.triggers} == set(SPEC[kind])
    for trig in wf.triggers:
        sources, dest, roles, required, city = SPEC[kind][trig.name]
        assert set(wf.sources_of(trig)) == sources, trig.name
        assert trig.dest == dest, trig.name
        assert set(trig.roles) == roles, trig.name
        assert {f.name for f in trig.fields if f.required} == required, trig.name
        assert trig.city_only == city, trig.name


def test_shipped_procedures_are_sound() -> None:
    for wf in default_registry():
        assert problems(wf) == []


def test_validator_finds_unreachable_and_dead_end_states() -> None:
    wf = default_registry().get("petition")
    assert wf is not None
    broken = dataclasses.replace(
        wf,
        states=(*wf.states, StateSpec("limbo", "悬置"), StateSpec("island", "孤岛")),
        triggers=(*wf.triggers, TriggerSpec("park", "搁置", ("handling",), "limbo", ("clerk",))),
    )
    found = " ".join(problems(broken))
    assert "'island' cannot be reached" in found
    assert "'limbo' has no way out" in found
    with pytest.raises(WorkflowDefinitionError):
        validate(broken)


def test_validator_finds_unknown_states_and_roles() -> None:
    wf = default_registry().get("petition")
    assert wf is not None
    broken = dataclasses.replace(
        wf,
        triggers=(*wf.triggers, TriggerSpec("fly", "飞", ("nowhere",), "moon", ("pilot",))),
    )
    found = " ".join(problems(broken))
    assert "'nowhere' is not declared" in found
    assert "'moon' is not declared" in found
    assert "unknown role 'pilot'" in found
    with pytest.raises(WorkflowDefinitionError):
        Registry([broken])


def test_one_machine_per_workflow_without_auto_transitions() -> None:
    engine = Engine(default_registry())
    wf = engine.workflow("petition")
    assert engine.machine(wf) is engine.machine(wf)
    machine = build_machine(wf)
    assert not any(name.startswith("to_") for name in machine.events)
    assert set(machine.events) == {t.name for t in wf.triggers}
