"""A procedure declared in a test, the way shipped ones are, runs without engine changes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from casework.api import Casework
from casework.errors import GuardFailed
from tests.fakes import TOY
from tests.helpers import FrozenClock, add_staff
from workflows import Registry, default_registry
from workflows.spec import Numbered, Workflow

__all__ = ["TOY"]  # the procedure, declared in tests/fakes.py


def test_toy_procedure_runs_through_the_engine(db_url: str, clock: FrozenClock) -> None:
    registry = Registry([*default_registry(), TOY])
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock, registry=registry)
    add_staff(cw)
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    case_no = clerk.register("hotline_toy", "panzhou", "路灯不亮", at="2020-11-01")["case_no"]
    assert case_no == "TX-2020-panzhou-00001"
    clerk.advance(case_no, "dispatch", {"unit": "供电所"}, at="2020-11-02")
    clerk.advance(case_no, "visit", at="2020-11-03")
    with pytest.raises(GuardFailed, match="two_visits"):
        sup.advance(case_no, "finish", {"rating": "good"}, at="2020-11-04")
    clerk.advance(case_no, "visit", at="2020-11-05")
    done = sup.advance(case_no, "finish", {"rating": "good"}, at="2020-11-06")
    assert done["state"] == "done" and done["state_label"] == "已办结"
    assert [e["trigger"] for e in cw.show(case_no)["history"]] == [
        "register",
        "dispatch",
        "visit",
        "visit",
        "finish",
    ]
    assert "hotline_toy" in cw.mermaid("hotline_toy")
    cw.close()


def _numbered_toy() -> Workflow:
    """The toy whose 办结 hands out a file number per office and year (``Numbered``)."""
    finish = dataclasses.replace(
        TOY.trigger("finish"),  # type: ignore[arg-type]
        numbered=Numbered(
            "file_no",
            "卷号",
            "RXW",
            lambda ctx: ctx.office,
            lambda ctx, y, n: f"（{y}）{ctx.office}第{n}号",
        ),
    )
    triggers = tuple(finish if t.name == "finish" else t for t in TOY.triggers)
    return dataclasses.replace(TOY, triggers=triggers)


def test_a_numbered_trigger_counts_per_key_and_year_and_a_refusal_takes_none(
    db_url: str, clock: FrozenClock
) -> None:
    clock.set("2021-01-05T09:00")
    registry = Registry([*default_registry(), _numbered_toy()])
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock, registry=registry)
    add_staff(cw)

    def finished(office: str, day: str, visits: int = 2) -> Any:
        short = {"panzhou": "pz", "shanmei": "sm"}[office]
        clerk, sup = cw.acting(f"clerk_{short}"), cw.acting(f"sup_{short}")
        case_no = clerk.register("hotline_toy", office, "路灯不亮", at=day)["case_no"]
        clerk.advance(case_no, "dispatch", {"unit": "供电所"}, at=day)
        for _ in range(visits):
            clerk.advance(case_no, "visit", at=day)
        return case_no, lambda: sup.advance(case_no, "finish", {"rating": "good"}, at=day)

    _, refused = finished("panzhou", "2020-11-02", visits=1)
    with pytest.raises(GuardFailed, match="two_visits"):
        refused()
    numbers = []
    for office, day in (
        ("panzhou", "2020-11-03"),
        ("panzhou", "2020-12-30"),
        ("shanmei", "2020-12-30"),
        ("panzhou", "2021-01-04"),
    ):
        case_no, finish = finished(office, day)
        done = finish()
        numbers.append(done["event"]["data"]["file_no"])
        shown = cw.show(case_no)
        assert shown["data"]["file_no"] == numbers[-1]
        assert {"key": "file_no", "label": "卷号", "value": numbers[-1], "value_label": None} in (
            shown["data_view"]
        )
    assert numbers == [
        "（2020）panzhou第1号",
        "（2020）panzhou第2号",
        "（2020）shanmei第1号",
        "（2021）panzhou第1号",
    ]
    cw.close()
