"""Each rule of workflows/validate.py, on a small sound procedure broken one way at a time."""

from __future__ import annotations

import dataclasses

import pytest

from workflows.spec import FieldSpec, LedgerStep, StateSpec, TriggerSpec, Workflow
from workflows.validate import (
    GRAPH_RULES,
    STRUCTURAL_RULES,
    WorkflowDefinitionError,
    field_kinds,
    initial_declared,
    ledger_headers,
    ledger_steps,
    name_shape,
    prefix_shape,
    problems,
    reachability,
    register_reserved,
    registration_roles,
    states_declared_once,
    terminal_exists,
    trigger_roles,
    trigger_states,
    triggers_declared_once,
    validate,
    ways_out,
)

OPEN = StateSpec("open", "办理中")
DONE = StateSpec("done", "办结", terminal=True)
FINISH = TriggerSpec(
    "finish",
    "办结",
    ("open",),
    "done",
    ("clerk",),
    fields=(FieldSpec("outcome", "结果", "choice", choices={"ok": "成功"}),),
)
NOTE = TriggerSpec("note", "备注", ("open",), None, ("clerk", "supervisor"))

SOUND = Workflow(
    name="tiny",
    label="小程序",
    prefix="TY",
    states=(OPEN, DONE),
    initial="open",
    triggers=(FINISH, NOTE),
    register_roles=("clerk",),
    ledger=(LedgerStep("finish", "办结日期", values={"outcome": "结果"}),),
)


def broken(**changes: object) -> Workflow:
    return dataclasses.replace(SOUND, **changes)  # type: ignore[arg-type]


def test_the_sound_procedure_keeps_every_rule() -> None:
    assert problems(SOUND) == []
    assert validate(SOUND) is SOUND
    for rule in (*STRUCTURAL_RULES, *GRAPH_RULES):
        assert rule(SOUND) == [], rule.__name__


def test_a_state_declared_twice() -> None:
    wf = broken(states=(OPEN, DONE, StateSpec("open", "又一个")))
    assert states_declared_once(wf) == ["tiny: a state is declared twice"]
    assert "tiny: a state is declared twice" in problems(wf)


@pytest.mark.parametrize("prefix", ["T", "TYPED", "ty", "T1"])
def test_prefix_shape(prefix: str) -> None:
    wf = broken(prefix=prefix)
    message = f"tiny: case prefix {prefix!r} must be 2-4 capital letters"
    assert prefix_shape(wf) == [message]
    assert problems(wf) == [message]


@pytest.mark.parametrize("name", ["Tiny", "tiny-one", "1tiny", "tiny one"])
def test_name_shape(name: str) -> None:
    wf = broken(name=name)
    assert name_shape(wf) == [f"{name!r}: a workflow name must be snake_case"]
    assert f"{name!r}: a workflow name must be snake_case" in problems(wf)


def test_initial_state_declared() -> None:
    wf = broken(initial="nowhere")
    assert initial_declared(wf) == ["tiny: initial state 'nowhere' is not declared"]
    assert problems(wf) == ["tiny: initial state 'nowhere' is not declared"]


def test_a_trigger_declared_twice() -> None:
    wf = broken(triggers=(FINISH, NOTE, dataclasses.replace(NOTE, label="又一个")))
    assert triggers_declared_once(wf) == ["tiny: a trigger is declared twice"]
    assert problems(wf) == ["tiny: a trigger is declared twice"]


def test_register_is_reserved() -> None:
    wf = broken(triggers=(FINISH, dataclasses.replace(NOTE, name="register")))
    message = "tiny: 'register' is reserved for a case's first event"
    assert register_reserved(wf) == [message]
    assert problems(wf) == [message]


def test_registration_roles_known() -> None:
    wf = broken(register_roles=("clerk", "janitor"))
    assert registration_roles(wf) == ["tiny: registration names unknown role 'janitor'"]
    assert problems(wf) == ["tiny: registration names unknown role 'janitor'"]


def test_ledger_steps_name_known_triggers_and_values() -> None:
    wf = broken(
        ledger=(
            LedgerStep("vanish", "消失日期"),
            LedgerStep("finish", "办结日期", values={"reason": "原因"}, fixed={"colour": "red"}),
        )
    )
    assert ledger_steps(wf) == [
        "tiny: ledger step names unknown trigger 'vanish'",
        "tiny: ledger step 'finish' sets unknown value 'reason'",
        "tiny: ledger step 'finish' sets unknown value 'colour'",
    ]
    assert problems(wf) == ledger_steps(wf)


def test_ledger_headers_fill_known_fields() -> None:
    wf = broken(ledger_headers={"编号": ("ref",), "颜色": ("field:colour", "col:颜色")})
    assert ledger_headers(wf) == ["tiny: ledger header '颜色' fills unknown field 'colour'"]
    assert problems(wf) == ledger_headers(wf)


def test_trigger_from_and_to_states_declared() -> None:
    fly = TriggerSpec("fly", "飞", ("open", "sky"), "moon", ("clerk",))
    wf = broken(triggers=(FINISH, NOTE, fly))
    assert trigger_states(wf) == [
        "tiny.fly: from-state 'sky' is not declared",
        "tiny.fly: to-state 'moon' is not declared",
    ]
    assert problems(wf) == trigger_states(wf)


def test_trigger_roles() -> None:
    nobody = dataclasses.replace(NOTE, roles=())
    pilot = dataclasses.replace(FINISH, roles=("clerk", "pilot"))
    wf = broken(triggers=(pilot, nobody))
    assert trigger_roles(wf) == [
        "tiny.finish: unknown role 'pilot'",
        "tiny.note: no role may fire it",
    ]
    assert problems(wf) == trigger_roles(wf)


def test_field_kinds() -> None:
    fields = (
        FieldSpec("outcome", "结果", "choice"),
        FieldSpec("handler", "经办人", "user", role="janitor"),
        FieldSpec("tier", "档次", "lookup"),
    )
    wf = broken(triggers=(dataclasses.replace(FINISH, fields=fields), NOTE), ledger=())
    assert field_kinds(wf) == [
        "tiny.finish: choice field 'outcome' has no choices",
        "tiny.finish: user field 'handler' names no known role",
        "tiny.finish: lookup field 'tier' names no source",
    ]
    assert problems(wf) == field_kinds(wf)


def test_every_state_reachable() -> None:
    wf = broken(states=(OPEN, DONE, StateSpec("island", "孤岛", terminal=True)))
    assert reachability(wf) == ["tiny: state 'island' cannot be reached from 'open'"]
    assert problems(wf) == ["tiny: state 'island' cannot be reached from 'open'"]


def test_a_way_out_of_every_non_terminal_state() -> None:
    park = TriggerSpec("park", "搁置", ("open",), "limbo", ("clerk",))
    wf = broken(states=(OPEN, DONE, StateSpec("limbo", "悬置")), triggers=(FINISH, NOTE, park))
    assert ways_out(wf) == ["tiny: non-terminal state 'limbo' has no way out"]
    assert problems(wf) == ["tiny: non-terminal state 'limbo' has no way out"]


def test_staying_put_is_no_way_out() -> None:
    wf = broken(triggers=(NOTE,), ledger=())
    assert "tiny: non-terminal state 'open' has no way out" in ways_out(wf)


def test_a_terminal_state_exists() -> None:
    back = TriggerSpec("reopen", "重办", ("done",), "open", ("clerk",))
    wf = broken(states=(OPEN, dataclasses.replace(DONE, terminal=False)), triggers=(FINISH, back))
    assert terminal_exists(wf) == ["tiny: no terminal state"]
    assert problems(wf) == ["tiny: no terminal state"]


def test_graph_rules_wait_for_a_sound_structure() -> None:
    # An undeclared to-state and an unreachable state: only the structural problem is told.
    fly = TriggerSpec("fly", "飞", ("open",), "moon", ("clerk",))
    wf = broken(
        states=(OPEN, DONE, StateSpec("island", "孤岛", terminal=True)),
        triggers=(FINISH, NOTE, fly),
    )
    assert problems(wf) == ["tiny.fly: to-state 'moon' is not declared"]


def test_problems_come_in_the_rules_order() -> None:
    wf = broken(prefix="t", initial="nowhere", register_roles=("janitor",))
    assert problems(wf) == [
        "tiny: case prefix 't' must be 2-4 capital letters",
        "tiny: initial state 'nowhere' is not declared",
        "tiny: registration names unknown role 'janitor'",
    ]
    with pytest.raises(WorkflowDefinitionError, match="2-4 capital letters; tiny: initial"):
        validate(wf)
