"""The shipped procedures are declared exactly as their spec says (petition.md 1.4-1.5,
major_dispute.md, procedures.md section 2), and are well formed."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from casework.engine import Engine, build_machine
from workflows import Registry, default_registry
from workflows.spec import StateSpec, TriggerSpec, Workflow
from workflows.validate import WorkflowDefinitionError, problems, validate

S, C = {"supervisor"}, {"clerk", "supervisor"}  # petition.md 1.5: S, and C (a clerk or S)
OPEN = {"registered", "objected", "assigned_down", "handling", "replied", "reviewing"}
OPEN |= {"reviewed", "rereviewing"}
ENDED = {"closed", "concluded", "not_accepted", "forwarded", "reported", "diverted", "returned"}
HEARD = {"handling", "reviewing", "rereviewing"}


@dataclass(frozen=True)
class T:
    """A trigger as its spec's table has it: label, from, to (None: the same state), roles,
    required values, and whose office acts: ``own`` the case office's only, ``city`` a city
    office, ``own+city`` both, ``for`` another office the law names (the sender, the reviewer,
    the opinion's office: ``acts``), ``""`` any office the user may see. ``record`` a
    record-only trigger; ``rules`` the rule versions offering it (empty: all)."""

    label: str
    sources: set[str]
    dest: str | None
    roles: set[str]
    required: set[str] = dataclasses.field(default_factory=set)
    where: str = ""
    record: bool = False
    rules: tuple[str, ...] = ()


PETITION = {
    "accept": T("受理", {"registered"}, "handling", S, where="own"),
    "refuse": T("不予受理", {"registered"}, "not_accepted", S, {"reason"}, "own"),
    "forward": T("转送", {"registered"}, "forwarded", C, where="own"),
    "assign_down": T(
        "交办", {"registered"}, "assigned_down", S, {"to_office", "report_days"}, "own+city"
    ),
    "object": T("提出异议", {"registered"}, "objected", S, {"reason"}, "own", rules=("xf2022",)),
    "uphold_objection": T("同意异议", {"objected"}, "returned", S, {"reason"}, "for"),
    "reject_objection": T("不同意异议", {"objected"}, "registered", S, {"reason"}, "for"),
    "take_back": T("收回重新分流", {"forwarded", "assigned_down"}, "registered", S, where="own"),
    "divert": T(
        "导入法定途径",
        {"registered", "handling"},
        "diverted",
        S,
        {"route"},
        "own",
        rules=("xf2022",),
    ),
    "extend": T("延期", {"handling"}, None, S, {"days", "reason"}, "own"),
    "hearing_start": T("听证开始", HEARD, None, C, where="for"),
    "hearing_end": T("听证结束", HEARD, None, C, where="for"),
    "reply": T("出具处理意见", {"handling"}, "replied", S, {"outcome"}, "own"),
    "deliver": T("送达", {"replied", "reviewed"}, None, C, {"method"}, "for", record=True),
    "evaluate": T(
        "满意度评价", {"replied", "reviewed"}, None, C, {"rating", "method"}, "own", record=True
    ),
    "request_review": T("申请复查", {"replied", "closed"}, "reviewing", C, where="for"),
    "review": T("复查", {"reviewing"}, "reviewed", C, {"outcome", "on_original"}, "for"),
    "request_rereview": T("申请复核", {"reviewed", "closed"}, "rereviewing", C, where="for"),
    "rereview": T("复核", {"rereviewing"}, "concluded", C, {"outcome"}, "for"),
    "close": T("办结", {"replied", "reviewed"}, "closed", C, where="own"),
    "report": T("报送办结报告", {"replied", "reviewed"} | ENDED, None, S, where="own", record=True),
    "supervise": T("督办", OPEN, None, S, {"note"}, "city"),
    "answer_supervision": T("督办反馈", OPEN | ENDED, None, S, where="own", record=True),
}
PETITION_STATES = {
    "registered": "已登记",
    "objected": "异议待核",
    "assigned_down": "已交办",
    "handling": "办理中",
    "replied": "已答复",
    "reviewing": "复查中",
    "reviewed": "已复查",
    "rereviewing": "复核中",
    "closed": "已办结",
    "concluded": "已终结",
    "not_accepted": "不予受理",
    "forwarded": "已转送",
    "reported": "已报结",
    "diverted": "已导入法定途径",
    "returned": "已退回",
}
MEDIATOR = {"mediator", "supervisor"}
DESK = {"mediator", "clerk"}
OUTCOME = {"agreed", "performed", "breached", "failed", "terminated"}
MEDIATION_OPEN = {"applied", "mediating"} | OUTCOME
# procedures/mediation.md 2.3: the triggers, their roles and required data.
MEDIATION = {
    "accept": T("受理", {"applied"}, "mediating", MEDIATOR, {"mediator"}),
    "decline": T("不予受理", {"applied"}, "declined", MEDIATOR, {"reason"}),
    "agree": T("达成协议", {"mediating"}, "agreed", {"mediator"}, {"form"}),
    "fail": T("调解不成", {"mediating"}, "failed", {"mediator"}, {"routes_told"}),
    "terminate": T("终止调解", {"mediating"}, "terminated", MEDIATOR, {"reason"}),
    "perform": T("履行", {"agreed"}, "performed", DESK),
    "breach": T("未履行", {"agreed"}, "breached", DESK),
    "remediate": T(
        "重新调解", {"breached", "agreed", "performed"}, "mediating", MEDIATOR, {"reason"}
    ),
    "refer": T("告知其他途径", {"breached", "failed", "terminated"}, None, DESK, {"route"}),
    "apply_confirmation": T(
        "申请司法确认", {"agreed", "performed"}, None, DESK, {"court", "joint"}
    ),
    "confirm": T("司法确认结果", {"agreed", "performed", "breached"}, None, {"clerk"}, {"ruling"}),
    "extend": T("延长调解期限", {"mediating"}, None, S, {"days", "consent"}),
    "report_back": T("反馈法院", OUTCOME, None, DESK, {"result"}),
    "prevent": T("防激化", MEDIATION_OPEN, None, DESK | S, {"kind", "people", "reported_to"}),
    "distinct_dispute": T(
        "确认非同一纠纷",
        MEDIATION_OPEN | {"declined", "archived"},
        None,
        S,
        {"reason"},
        record=True,
    ),
    "follow_up": T("回访", OUTCOME, None, DESK, {"satisfaction"}),
    "archive": T("归档", {"performed", "breached", "failed", "terminated"}, "archived", S),
}
MEDIATION_STATES = {
    "applied": "已申请",
    "mediating": "调解中",
    "agreed": "已达成协议",
    "performed": "已履行",
    "breached": "未履行",
    "failed": "调解不成",
    "terminated": "已终止调解",
    "declined": "不予受理",
    "archived": "已归档",
}
# major_dispute.md: the approver is a supervisor named by major_dispute.approvers (a guard),
# the leader the one the case names (a guard); the rest are a city office's.
CHARGE = {"assigned", "resolving"}
MAJOR_DISPUTE = {
    "propose": T("报批包案", {"identified"}, "proposed", C, {"leader", "unit"}, "city"),
    "assign": T("审批包案", {"proposed"}, "assigned", S),
    "send_back": T("退回", {"proposed"}, "identified", S, {"reason"}),
    "plan": T("制定化解方案", {"assigned"}, "resolving", {"leader"}, {"plan"}),
    "resolve": T("化解", {"resolving"}, "resolved", {"leader"}, {"outcome"}),
    "verify": T("验收销号", {"resolved"}, "closed", S, where="city"),
    "reopen": T("反弹重启", {"resolved", "closed"}, "resolving", S, {"reason"}, "city"),
    "extend": T("延期", CHARGE, None, S, {"days", "reason"}),
    "reassign": T("调整包案领导", CHARGE, None, S, {"leader", "reason"}),
}
MAJOR_DISPUTE_STATES = {
    "identified": "已梳理",
    "proposed": "已报批",
    "assigned": "已包案",
    "resolving": "化解中",
    "resolved": "已化解",
    "closed": "已销号",
}
SPEC = {"petition": PETITION, "mediation": MEDIATION, "major_dispute": MAJOR_DISPUTE}
STATES = {
    "petition": PETITION_STATES,
    "mediation": MEDIATION_STATES,
    "major_dispute": MAJOR_DISPUTE_STATES,
}
TERMINAL = {
    "petition": ENDED,
    "mediation": {"declined", "archived"},
    "major_dispute": {"closed"},
}
PREFIX = {"petition": "XF", "mediation": "TJ", "major_dispute": "BA"}
# Triggers only casework fires, never a person: the sender's case moved to 已报结 when the
# receiving office files its completion report (petition.md 1.5 ``report``).
INTERNAL = {"petition": {"mark_reported"}, "mediation": set(), "major_dispute": set()}


def where(trig: TriggerSpec) -> str:
    if trig.acts:
        return "for"
    return "+".join(w for w, on in (("own", trig.own_office_only), ("city", trig.city_only)) if on)


def declared(wf: Workflow, trig: TriggerSpec) -> T:
    return T(
        trig.label,
        set(wf.sources_of(trig)),
        trig.dest,
        set(trig.roles),
        {f.name for f in trig.fields if f.required},
        where(trig),
        trig.record_only,
        trig.rules,
    )


@pytest.mark.parametrize("kind", sorted(SPEC))
def test_declared_as_the_spec_says(kind: str) -> None:
    wf = default_registry().get(kind)
    assert wf is not None
    assert wf.prefix == PREFIX[kind]
    assert {s.name: s.label for s in wf.states} == STATES[kind]
    assert {s.name for s in wf.states if s.terminal} == TERMINAL[kind]
    assert all(s.label for s in wf.states) and all(t.label for t in wf.triggers)
    assert {t.name for t in wf.triggers if t.internal} == INTERNAL[kind]
    assert {t.name for t in wf.triggers if not t.internal} == set(SPEC[kind])
    for trig in wf.triggers:
        if not trig.internal:
            assert declared(wf, trig) == SPEC[kind][trig.name], trig.name


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
