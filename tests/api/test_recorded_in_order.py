"""A step is never recorded before the case's previous one (issue 15 point 5): with the
server's clock set back, a step on a case is refused at ``clock``, nothing written; other
cases, and the case once the clock has caught up, go on."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.errors import InvalidData
from tests import petitions as P
from tests.helpers import FrozenClock, dump


def test_a_clock_set_back_cannot_record_a_step_before_the_last(
    cw: Casework, clock: FrozenClock
) -> None:
    clock.set("2020-12-01T10:00")
    no = cw.acting("clerk_pz").register("petition", "panzhou", "甲", at="2020-11-30")["case_no"]
    P.accept(cw, no, "2020-11-30T15:00")
    clock.set("2020-12-01T09:00")  # an hour behind the last recording
    before = dump(cw.engine)
    for step in (
        lambda: cw.acting("clerk_pz").add_document(no, "letter", at="2020-11-30T16:00"),
        lambda: cw.acting("sup_pz").advance(
            no, "extend", {"days": "30", "reason": "案情复杂"}, at="2020-11-30T16:00"
        ),
    ):
        with pytest.raises(InvalidData) as refused:
            step()
        assert refused.value.field == "clock", refused.value.reason
        assert (
            "the clock is behind" in refused.value.reason
            and "2020-12-01T10:00" in refused.value.reason
        )
    assert dump(cw.engine) == before
    other = cw.acting("clerk_pz").register("petition", "panzhou", "乙", at="2020-11-30")
    assert other["case_no"] != no  # a new case has no earlier step
    clock.set("2020-12-01T10:00")  # caught up: the same instant is not before
    cw.acting("clerk_pz").add_document(no, "letter", at="2020-11-30T16:00")
    assert cw.verify()["ok"]
