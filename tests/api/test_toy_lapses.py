"""The engine features reconsideration asked for, on a toy procedure declared in the test:
default transitions on lapse (fired once by ``sweep``, or listed as a person's step), a
multi-user field, a length plus a value of the starting event, a state's limit stopped by an
event, rule versions pinned by a declared date field, and procedure-scoped roles."""

from __future__ import annotations

from datetime import date

import pytest

from casework.api import Casework
from casework.errors import InvalidData
from tests.helpers import FrozenClock, add_staff
from workflows import Registry, default_registry
from workflows.spec import (
    ENGINE,
    FieldSpec,
    Lapse,
    StateSpec,
    TimeLimit,
    TriggerSpec,
    Workflow,
)
from workflows.validate import problems
from workflows.versions import RuleVersion

# 3 working days to answer; lapsed, the engine closes the case, dated on the last day.
ANSWER = TimeLimit(
    "answer_limit",
    "答复期限",
    start="register",
    start_field="got_on",
    days=3,
    unit="working_days",
    on_lapse=Lapse("auto_close", date_field="closed_on"),
)
# 2 days (plus the starting event's ``extra``) to come back; lapsed, a person drops it.
WAIT = TimeLimit(
    "wait_limit",
    "等待期限",
    start="wait",
    days=2,
    plus_field="extra",
    binds="party",
    on_lapse=Lapse("drop", by="person"),
)
NOTE = TimeLimit("note_limit", "记录期限", start="wait", days=30, met_by=("note",))

LAPSE_TOY = Workflow(
    name="lapse_toy",
    label="期限测试",
    prefix="LT",
    states=(
        StateSpec("open", "待答复", limits=(ANSWER,)),
        StateSpec("waiting", "等待中", limits=(WAIT, NOTE)),
        StateSpec("done", "已结", terminal=True),
    ),
    initial="open",
    register_roles=("clerk",),
    register_fields=(FieldSpec("got_on", "收到日期", "date"),),
    version_field="got_on",
    versions=(
        RuleVersion("old", "旧规", "旧规", date(2000, 1, 1)),
        RuleVersion("new", "新规", "新规", date(2020, 10, 1)),
    ),
    triggers=(
        TriggerSpec(
            "auto_close",
            "自动办结",
            ("open",),
            "done",
            (ENGINE,),
            fields=(
                FieldSpec("closed_on", "办结日", "date", internal=True),
                FieldSpec("lapsed", "届满期限", internal=True, on_case=False),
            ),
            internal=True,
        ),
        TriggerSpec(
            "wait",
            "等待",
            ("open",),
            "waiting",
            ("clerk",),
            fields=(
                FieldSpec("extra", "加天", "int", minimum=0, required=False, default=0),
                FieldSpec("team", "承办人", "users", role="clerk", minimum=2, required=False),
            ),
        ),
        TriggerSpec("note", "记录", ("waiting",), None, ("clerk",)),
        TriggerSpec("drop", "放弃", ("waiting",), "done", ("supervisor",)),
    ),
)


@pytest.fixture
def toy(db_url: str, clock: FrozenClock) -> Casework:
    registry = Registry([*default_registry(), LAPSE_TOY])
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock, registry=registry)
    add_staff(cw)
    cw.acting("admin").add_user("clerk2_pz", "潘州登记员二", "clerk", "panzhou")
    return cw


def _case(cw: Casework, got_on: str) -> str:
    clerk = cw.acting("clerk_pz")
    return str(
        clerk.register("lapse_toy", "panzhou", "测试", data={"got_on": got_on}, at=got_on)[
            "case_no"
        ]
    )


def test_an_engine_lapse_fires_once_dated_on_the_last_day(toy: Casework) -> None:
    case_no = _case(toy, "2020-09-29")
    # 3 working days from 09-29: 09-30, (holiday 10-01..10-08), 10-09, 10-10 (make-up).
    assert toy.show(case_no, as_of="2020-09-29")["limits"][0]["date"] == "2020-10-10"
    sup = toy.acting("sup_pz")
    assert sup.sweep(as_of="2020-10-10")["fired"] == []
    assert [r["trigger"] for r in sup.sweep(as_of="2020-10-11")["fired"]] == ["auto_close"]
    assert sup.sweep(as_of="2020-10-11")["fired"] == []
    last = toy.show(case_no)["history"][-1]
    assert (last["actor"], last["data"]["closed_on"], last["data"]["lapsed"]) == (
        "engine",
        "2020-10-10",
        "answer_limit",
    )
    assert toy.show(case_no)["data"]["rules"] == "old"  # pinned by got_on, not registration


def test_a_person_lapse_is_listed_not_fired(toy: Casework) -> None:
    case_no = _case(toy, "2020-11-02")
    clerk = toy.acting("clerk_pz")
    clerk.advance(case_no, "wait", {"extra": "3", "team": "clerk_pz,clerk2_pz"}, at="2020-11-02")
    shown = {d["limit"]: d["date"] for d in toy.show(case_no, as_of="2020-11-03")["limits"]}
    assert shown["wait_limit"] == "2020-11-09"  # 2 + 3 days from 11-02: Saturday 11-07 -> 11-09
    clerk.advance(case_no, "note", at="2020-11-03")
    shown = {d["limit"]: d["date"] for d in toy.show(case_no, as_of="2020-11-03")["limits"]}
    assert "note_limit" not in shown  # a state's limit stopped by its event
    sup = toy.acting("sup_pz")
    swept = sup.sweep(as_of="2020-11-10")
    assert swept["fired"] == [] and [r["trigger"] for r in swept["needs_person"]] == ["drop"]
    row = next(r for r in sup.due(as_of="2020-11-10") if r["case_no"] == case_no)
    assert (row["status"], row["step"]) == ("step_due", "drop")
    assert toy.show(case_no)["state"] == "waiting"


def test_a_multi_user_field_needs_enough_users_of_its_role(toy: Casework) -> None:
    case_no = _case(toy, "2020-11-02")
    clerk = toy.acting("clerk_pz")
    with pytest.raises(InvalidData, match="team"):
        clerk.advance(case_no, "wait", {"team": "clerk_pz"}, at="2020-11-02")
    with pytest.raises(InvalidData, match="sup_pz"):
        clerk.advance(case_no, "wait", {"team": "clerk_pz,sup_pz"}, at="2020-11-02")
    done = clerk.advance(case_no, "wait", {"team": "clerk_pz、clerk2_pz"}, at="2020-11-02")
    assert done["event"]["data"]["team"] == "clerk_pz,clerk2_pz"


def test_a_sweep_needs_a_writer_and_no_future_day(toy: Casework, clock: FrozenClock) -> None:
    from casework.errors import NotAllowed

    with pytest.raises(NotAllowed):
        toy.acting("viewer1").sweep(as_of="2020-11-10")
    with pytest.raises(InvalidData, match="as_of"):
        toy.acting("sup_pz").sweep(as_of="2020-12-02")


def test_an_engine_lapse_must_name_an_internal_engine_step() -> None:
    bad = TimeLimit("x", "x", start="register", days=1, on_lapse=Lapse("note"))
    wf = Workflow(
        name="bad_toy",
        label="坏",
        prefix="BT",
        states=(StateSpec("a", "甲", limits=(bad,)), StateSpec("z", "终", terminal=True)),
        initial="a",
        register_roles=("clerk",),
        triggers=(TriggerSpec("note", "记", ("a",), "z", ("clerk",)),),
    )
    assert any("not an internal ENGINE step" in p for p in problems(wf))
