"""A procedure declared in a test, the way shipped ones are, runs without engine changes."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.errors import GuardFailed
from tests.fakes import TOY
from tests.helpers import FrozenClock, add_staff
from workflows import Registry, default_registry

__all__ = ["TOY"]  # the procedure, declared in tests/fakes.py


def test_toy_procedure_runs_through_the_engine(db_url: str, clock: FrozenClock) -> None:
    registry = Registry([*default_registry(), TOY])
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock, registry=registry)
    add_staff(cw)
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    case_no = clerk.register("hotline_toy", "panzhou", "路灯不亮", at="2020-11-01")["case_no"]
    assert case_no == "RX-2020-panzhou-00001"
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
