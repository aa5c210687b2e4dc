"""Engine features the 12345 orders brought, on a toy procedure declared here: a limit's length
from a dated table by the case's values (``days_by``), its start from a dated setting
(``start_setting``), and a ``case_ref`` value linking two cases of a procedure."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from casework.api import Casework
from casework.errors import InvalidData
from tests.fakes import TOY
from tests.helpers import FrozenClock, add_staff
from workflows import Registry, default_registry
from workflows.settings import SettingSpec, table_rows
from workflows.spec import FieldSpec, TimeLimit, TriggerSpec, Workflow

TABLE = SettingSpec(
    "toy.days",
    "办理天数",
    "table",
    "good=3,bad=none,fast=1",
    choices={"good": "好", "bad": "坏", "fast": "快"},
    minimum=1,
    maximum=30,
)
START = SettingSpec(
    "toy.start", "起算", "text", "dispatch", choices={"dispatch": "派", "register": "登"}
)
LIMIT = TimeLimit(
    "toy_limit",
    "办理期限",
    start="dispatch",
    days=7,
    unit="working_days",
    days_setting="toy.days",
    days_by=("speed", "kind"),
    start_setting="toy.start",
)


def _toy() -> Workflow:
    states = tuple(
        dataclasses.replace(s, limit=LIMIT) if s.name == "handling" else s for s in TOY.states
    )
    link = TriggerSpec(
        "join",
        "并入",
        ("received", "handling"),
        "done",
        ("clerk",),
        fields=(FieldSpec("into", "并入", "case_ref", link=("joined_into", "joined_from")),),
    )
    fields = (
        FieldSpec("kind", "类", "choice", choices={"good": "好", "bad": "坏"}),
        FieldSpec("speed", "速", "choice", choices={"fast": "快", "slow": "慢"}, required=False),
    )
    return dataclasses.replace(
        TOY,
        states=states,
        triggers=(*TOY.triggers, link),
        register_fields=fields,
        settings=(TABLE, START),
    )


@pytest.fixture
def toy(db_url: str, clock: FrozenClock) -> Any:
    cw = Casework.initialise(
        db_url, offices="gaozhou", clock=clock, registry=Registry([*default_registry(), _toy()])
    )
    add_staff(cw)
    yield cw
    cw.close()


def _case(cw: Casework, day: str, **data: str) -> str:
    clerk = cw.acting("clerk_pz")
    case_no = str(clerk.register("hotline_toy", "panzhou", "t", data=data, at=day)["case_no"])
    clerk.advance(case_no, "dispatch", {"unit": "u"}, at=f"{day[:10]}T12:00")
    return case_no


def _last(cw: Casework, case_no: str, as_of: str) -> str | None:
    found = [d for d in cw.show(case_no, as_of=as_of)["limits"] if d["limit"] == "toy_limit"]
    return found[0]["date"] if found else None


def test_a_limit_takes_its_length_from_the_first_value_the_table_has_a_row_for(toy: Any) -> None:
    good = _case(toy, "2020-09-30T09:00", kind="good")
    fast = _case(toy, "2020-09-30T09:00", kind="good", speed="fast")
    slow = _case(toy, "2020-09-30T09:00", kind="good", speed="slow")  # no row: the kind's
    bad = _case(toy, "2020-09-30T09:00", kind="bad")  # none: no term
    assert _last(toy, good, "2020-09-30") == "2020-10-12"  # 10-09, 10-10 (worked), 10-12
    assert _last(toy, fast, "2020-09-30") == "2020-10-09"
    assert _last(toy, slow, "2020-09-30") == "2020-10-12"
    assert _last(toy, bad, "2020-09-30") is None


def test_a_table_set_from_a_day_applies_to_limits_started_from_then(toy: Any) -> None:
    toy.acting("admin").config_set("toy.days", "好=5", "2020-10-01")
    before = _case(toy, "2020-09-30T09:00", kind="good")
    after = _case(toy, "2020-10-09T09:00", kind="bad", speed="fast")  # no row: declared 7
    assert _last(toy, before, "2020-10-09") == "2020-10-12"
    assert _last(toy, after, "2020-10-09") == "2020-10-19"
    assert toy.config("toy.days", on="2020-10-02")[0]["value"] == "good=5"


def test_a_table_refuses_unknown_codes_and_bad_numbers(toy: Any) -> None:
    admin = toy.acting("admin")
    for bad, why in (
        ("ugly=3", "ugly"),
        ("good=0", "1..30"),
        ("good", "代码=天数"),
        ("", "应写作"),
    ):
        with pytest.raises(InvalidData, match=why):
            admin.config_set("toy.days", bad, "2020-10-01")
    assert table_rows("good=3,bad=none") == {"good": 3, "bad": None}


def test_a_limit_starts_where_a_dated_setting_says(toy: Any) -> None:
    toy.acting("admin").config_set("toy.start", "register", "2020-10-01")
    before = _case(toy, "2020-09-29T09:00", kind="good")
    clerk = toy.acting("clerk_pz")
    after = str(
        clerk.register("hotline_toy", "panzhou", "t", data={"kind": "good"}, at="2020-10-09")[
            "case_no"
        ]
    )
    clerk.advance(after, "dispatch", {"unit": "u"}, at="2020-10-12T09:00")
    assert _last(toy, before, "2020-09-29") == "2020-10-10"  # from the dispatch on 09-29
    assert _last(toy, after, "2020-10-12") == "2020-10-13"  # from the registration on 10-09


def test_a_case_ref_links_both_cases_and_refuses_itself(toy: Any) -> None:
    one, two = (
        _case(toy, "2020-11-02T09:00", kind="good"),
        _case(toy, "2020-11-02T09:00", kind="good"),
    )
    clerk = toy.acting("clerk_pz")
    with pytest.raises(InvalidData, match="自身"):
        clerk.advance(one, "join", {"into": one}, at="2020-11-02T13:00")
    clerk.advance(one, "join", {"into": two}, at="2020-11-02T13:00")
    assert [(lk["kind"], lk["case_no"]) for lk in toy.show(one)["links"]] == [("joined_into", two)]
    assert [(lk["kind"], lk["case_no"]) for lk in toy.show(two)["links"]] == [("joined_from", one)]
    with pytest.raises(InvalidData, match="已办结"):
        clerk.advance(two, "join", {"into": one}, at="2020-11-02T14:00")
