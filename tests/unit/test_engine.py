"""The engine (casework/engine.py): one model-less machine per procedure, no automatic
transitions, guard refusals that name their rule, and unguarded answers asked once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

import casework.engine as engine_module
from casework.engine import Engine, build_machine
from casework.errors import GuardFailed, IllegalTransition, NotFound
from casework.time.calendar import Calendar
from tests.fakes import DAY, TOY
from workflows import Registry, default_registry
from workflows.settings import SettingValue
from workflows.spec import (
    ActorView,
    CommitteeView,
    DayCounter,
    GuardContext,
    LinkView,
    PartyView,
    TriggerSpec,
    Workflow,
)

# 受理 and 延期 are told to the petitioner in writing with their notice on file (G art. 23),
# and 受理 needs the letter on file first (G art. 19 para 1).
NOTICE = {"notice_method": "post"}
ACCEPTABLE = ("letter", "acceptance_notice")
EXTENDABLE = ("letter", "acceptance_notice", "extension_notice")
# Guards read the settings as shipped (petition.md [cfg]).
DEFAULTS = {spec.key: spec.default for w in default_registry() for spec in w.settings}


@dataclass(frozen=True)
class Past:
    """An event as guards see it."""

    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    occurred_at: datetime = DAY
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def occurred_on(self) -> date:
        return self.occurred_at.date()


@dataclass
class Ctx:
    """A guard context: the case, the step's values and time, its history and file."""

    state: str
    events: Sequence[Past] = ()
    documents: Sequence[str] = ()
    case_no: str = "XF-2020-panzhou-00001"
    data: Mapping[str, Any] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    at: datetime = DAY
    calendar: DayCounter = field(default_factory=Calendar)
    office: str = "panzhou"
    rules: str | None = "xf2022"
    actor: ActorView | None = None
    parties: Sequence[PartyView] = ()
    links: Sequence[LinkView] = ()

    @property
    def on(self) -> date:
        return self.at.date()

    def setting(self, key: str, day: date | None = None) -> SettingValue:
        return DEFAULTS.get(key)

    def parent(self, office: str) -> str | None:
        return "city-justice" if office == "panzhou" else None

    def level(self, office: str) -> int | None:
        return 1 if office == "panzhou" else 2

    def office_kind(self, office: str) -> str | None:
        return None

    def committee_of(self, username: str, day: date | None = None) -> str | None:
        return None

    def committee_info(self, code: str) -> CommitteeView | None:
        return None

    def user_attributes(self, username: str) -> Mapping[str, str]:
        return {}


def accepting() -> Ctx:
    """A registered petition with its letter and acceptance notice on file."""
    return Ctx("registered", documents=ACCEPTABLE, values=NOTICE)


def extending(events: Sequence[Past] = ()) -> Ctx:
    """A petition in handling with its extension notice on file."""
    return Ctx("handling", events=events, documents=EXTENDABLE, values=NOTICE)


def counting(ctx: GuardContext) -> tuple[Callable[[], GuardContext], list[int]]:
    """A context factory that counts how often the engine asks for it."""
    asked: list[int] = []

    def make() -> GuardContext:
        asked.append(1)
        return ctx

    return make, asked


@pytest.fixture
def engine() -> Engine:
    return Engine(default_registry())


def petition(engine: Engine) -> Workflow:
    return engine.workflow("petition")


def test_one_machine_per_workflow_built_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    real = engine_module.build_machine

    def build(wf: Workflow) -> Any:
        built.append(wf.name)
        return real(wf)

    monkeypatch.setattr(engine_module, "build_machine", build)
    wf = petition(engine)
    assert engine.machine(wf) is engine.machine(wf)
    assert engine.machine(engine.workflow("mediation")) is not engine.machine(wf)
    for _ in range(3):
        engine.fire(wf, _trigger(wf, "accept"), "registered", accepting)
    assert built == ["petition", "mediation"]


def test_a_machine_has_no_model_and_no_automatic_transitions(engine: Engine) -> None:
    wf = petition(engine)
    machine = build_machine(wf)
    assert machine.models == []
    assert set(machine.events) == {t.name for t in wf.triggers}
    assert not any(name.startswith("to_") for name in machine.events)
    # firing leaves nothing behind on the shared machine
    shared = engine.machine(wf)
    extend = _trigger(wf, "extend")
    engine.fire(wf, extend, "handling", extending)
    assert shared.models == []


def test_triggers_fire_from_their_sources_to_their_destinations(engine: Engine) -> None:
    wf = petition(engine)

    def fire(trigger: str, state: str, ctx: Ctx | None = None) -> str:
        return engine.fire(wf, _trigger(wf, trigger), state, lambda: ctx or Ctx(state))

    assert fire("accept", "registered", accepting()) == "handling"
    # 办结 once the petitioner rated the opinion satisfied (petition.md 1.7 may_close (b))
    for opinion, by in (("replied", "reply"), ("reviewed", "review")):
        rated = [
            Past(4, by, None, opinion),
            Past(5, "evaluate", opinion, opinion, data={"rating": "satisfied"}),
        ]
        assert fire("close", opinion, Ctx(opinion, events=rated)) == "closed"
    assert fire("supervise", "reviewing") == "reviewing"  # dest None stays
    supervise = _trigger(wf, "supervise")
    open_states = {s.name for s in wf.states if not s.terminal}
    assert set(wf.sources_of(supervise)) == open_states


def test_a_guard_refusal_names_its_rule(engine: Engine) -> None:
    wf = petition(engine)
    extend = _trigger(wf, "extend")
    once = extending(
        [Past(1, "register", None, "registered"), Past(3, "extend", "handling", "handling")]
    )
    with pytest.raises(GuardFailed) as refused:
        engine.fire(wf, extend, "handling", lambda: once)
    assert refused.value.rule == "extend_once"
    assert refused.value.reason == (
        "案件 XF-2020-panzhou-00001 当前为「办理中 handling」，「延期 extend」不符合规则"
        "「只可延期一次 extend_once」：每案至多 1 次 extend (at most 1 per case)，已有 1 次"
    )
    assert engine.fire(wf, extend, "handling", extending) == "handling"


def test_the_first_failing_guard_is_the_one_named(engine: Engine) -> None:
    wf = engine.workflow("mediation")
    archive = _trigger(wf, "archive")
    with pytest.raises(GuardFailed) as first:
        engine.fire(wf, archive, "failed", lambda: Ctx("failed"))
    assert first.value.rule == "followed_up" and "尚未回访" in first.value.reason
    followed = Ctx("failed", events=[Past(4, "follow_up", "failed", "failed")])
    with pytest.raises(GuardFailed) as second:
        engine.fire(wf, archive, "failed", lambda: followed)
    assert second.value.rule == "case_file_complete"
    papers = ["application", "rights_notice", "record", "follow_up"]
    done = Ctx("failed", events=followed.events, documents=papers)
    assert engine.fire(wf, archive, "failed", lambda: done) == "archived"


def test_an_unguarded_answer_is_asked_once(engine: Engine) -> None:
    wf = petition(engine)
    reply = _trigger(wf, "reply")  # no guard: its opinion on file is checked by the step
    make, asked = counting(Ctx("handling"))
    assert [engine.fire(wf, reply, "handling", make) for _ in range(5)] == ["replied"] * 5
    assert asked == [1]  # the guards' view is made once, for the first fire only
    supervise = _trigger(wf, "supervise")
    for state in ("registered", "handling", "registered"):
        assert engine.fire(wf, supervise, state, counting(Ctx(state))[0]) == state


def test_a_guarded_trigger_asks_its_guards_each_time(engine: Engine) -> None:
    wf = petition(engine)
    extend = _trigger(wf, "extend")
    make, asked = counting(extending())
    for _ in range(3):
        engine.fire(wf, extend, "handling", make)
    assert asked == [1, 1, 1]


def test_a_workflow_by_name_or_label(engine: Engine) -> None:
    assert engine.workflow("信访事项") is engine.workflow("petition")
    with pytest.raises(NotFound) as unknown:
        engine.workflow("lawsuit")
    assert unknown.value.field == "kind"
    assert (
        "未知流程 unknown workflow 'lawsuit'；已有：12345工单 hotline、领导包案 major_dispute、"
        "人民调解 mediation" in (unknown.value.reason)
    )


def test_trigger_from_a_state_by_name_or_label(engine: Engine) -> None:
    wf = petition(engine)
    assert engine.trigger_from(wf, "X", "registered", "受理").name == "accept"
    with pytest.raises(IllegalTransition) as wrong_state:
        engine.trigger_from(wf, "XF-1", "registered", "close")
    assert wrong_state.value.reason == (
        "案件 XF-1 当前为「已登记 registered」，「办结 close」只能在「已答复 replied」、"
        "「已复查 reviewed」状态进行"
    )
    with pytest.raises(IllegalTransition) as unknown:
        engine.trigger_from(wf, "XF-1", "registered", "x" * 60)
    assert (unknown.value.field, unknown.value.value) == ("trigger", "x" * 40)


def test_triggers_from_a_state_in_declaration_order(engine: Engine) -> None:
    wf = petition(engine)
    routes = ["accept", "refuse", "forward", "assign_down"]
    duties = ["supervise", "answer_supervision"]
    names = [t.name for t in engine.triggers_from(wf, "registered")]
    assert names == [*routes, *duties]
    assert [t.name for t in engine.triggers_from(wf, "registered", "xf2005")] == names
    # divert and object exist only under 信访工作条例 (G arts. 23 para 3, 31)
    xf2022 = [t.name for t in engine.triggers_from(wf, "registered", "xf2022")]
    assert xf2022 == [*routes, "divert", "object", *duties]
    # an ended case takes only record-only steps, and a closed one a timely request (1.7)
    requests = ["request_review", "request_rereview"]
    records = ["report", "answer_supervision"]
    assert [t.name for t in engine.triggers_from(wf, "closed")] == [*requests, *records]
    assert [t.name for t in engine.triggers_from(wf, "concluded")] == records


def test_a_procedure_declared_in_a_test_runs_through_the_engine() -> None:
    engine = Engine(Registry([*default_registry(), TOY]))
    wf = engine.workflow("热线工单（测试）")
    finish = _trigger(wf, "finish")
    one = Ctx("handling", events=[Past(3, "visit", "handling", "handling")])
    with pytest.raises(GuardFailed, match="only 1 visit") as refused:
        engine.fire(wf, finish, "handling", lambda: one)
    assert refused.value.rule == "two_visits"
    two = Ctx("handling", events=[*one.events, Past(4, "visit", "handling", "handling")])
    assert engine.fire(wf, finish, "handling", lambda: two) == "done"


def _trigger(wf: Workflow, name: str) -> TriggerSpec:
    found = wf.trigger(name)
    assert found is not None
    return found
