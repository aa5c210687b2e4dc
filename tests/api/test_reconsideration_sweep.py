"""Acceptance by default (视为受理): the sweep fires deem_accept once, after five working days
counted across the 2020 National Day holiday (10-01..10-08, make-up days 09-27 and 10-10)."""

from __future__ import annotations

from casework.api import Casework
from tests.helpers import FrozenClock
from tests.reconsiderations import add_reviewers, register


def test_deem_accept_fires_once_after_five_working_days(cw: Casework, clock: FrozenClock) -> None:
    add_reviewers(cw)
    case_no = register(cw, "2020-09-28")["case_no"]
    shown = cw.show(case_no, as_of="2020-09-28")
    assert shown["data"]["rules"] == "1999"
    limits = {d["limit"]: d["date"] for d in shown["limits"]}
    # 09-29, 09-30, (holiday 10-01..10-08), 10-09, 10-10 (make-up Saturday), 10-12.
    assert limits["review_limit"] == "2020-10-12"
    sup = cw.acting("sup_justice")
    assert sup.sweep(as_of="2020-10-12")["fired"] == []
    done = sup.sweep(as_of="2020-10-13")
    assert [(r["case_no"], r["trigger"], r["limit"]) for r in done["fired"]] == [
        (case_no, "deem_accept", "review_limit")
    ]
    assert sup.sweep(as_of="2020-10-13")["fired"] == []
    assert sup.sweep(as_of="2020-10-20")["fired"] == []
    history = cw.show(case_no)["history"]
    last = history[-1]
    assert last["trigger"] == "deem_accept" and last["actor"] == "engine"
    assert last["data"]["lapsed"] == "review_limit"
    # 1999 art. 17 para 2: accepted from receipt; the decision limit counts from it.
    assert last["data"]["accepted_on"] == "2020-09-28"
    assert cw.show(case_no)["state"] == "reviewing"
    assert sum(1 for e in history if e["trigger"] == "deem_accept") == 1
