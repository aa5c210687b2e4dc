"""The 12345 orders' figures (hotline_reconsideration.md 7, Metrics) on a small November:
received less merged, closed, 办结率 with its ``closed_by`` cut-off, on-time, callback,
satisfaction by final rating, redo, returns by office and orders overdue."""

from __future__ import annotations

from typing import Any

import pytest

from casework.api import Casework
from tests.helpers import FrozenClock, add_staff
from tests.hotline import add_hotline_staff, dispatched, register

REPLY = {"result": "solved", "reply_text": "已处理", "told_caller": "phone"}


def _closed_after_reply(
    cw: Casework, case_no: str, days: tuple[str, str, str], rating: str, office: str = "pz"
) -> None:
    """Signed and replied by the office, approved, called back and closed by the centre."""
    sign, reply, close = days
    cw.acting(f"clerk_{office}").advance(case_no, "sign", at=f"{sign}T10:00")
    cw.acting(f"sup_{office}").advance(case_no, "reply", REPLY, at=reply)
    cw.acting("sup_hot").advance(case_no, "approve_reply", at=reply)
    op = cw.acting("op1")
    op.advance(case_no, "callback", {"reached": "yes", "rating": rating}, at=close)
    op.advance(case_no, "close", {"basis": "rated"}, at=close)


def _november(cw: Casework) -> dict[str, str]:
    op = cw.acting("op1")
    orders = {name: register(cw, "2020-11-02T09:00") for name in ("rated_direct", "unrated")}
    op.advance(orders["rated_direct"], "answer_directly", {"answer": "knowledge_base",
               "rating": "satisfied"}, at="2020-11-02T09:10")  # fmt: skip
    unrated = {"answer": "other_channel"}
    op.advance(orders["unrated"], "answer_directly", unrated, at="2020-11-02T10:00")
    orders["on_time"] = dispatched(cw, "2020-11-02T09:00")  # a complaint: 15 working days
    # merged into on_time while it is open (a duplicate call of 11-03)
    orders["merged"] = register(cw, "2020-11-03T09:00")
    op.advance(orders["merged"], "merge", {"into": orders["on_time"]}, at="2020-11-03T10:00")
    _closed_after_reply(
        cw, orders["on_time"], ("2020-11-02", "2020-11-05", "2020-11-06"), "satisfied"
    )
    # a consultation has 2 working days (to 11-04): replied on 11-09, overdue from 11-05
    orders["late"] = dispatched(cw, "2020-11-02T09:00", category="consultation")
    _closed_after_reply(cw, orders["late"], ("2020-11-02", "2020-11-09", "2020-11-10"), "basic")
    # returned by panzhou, sent on to shanmei, still being handled
    orders["open"] = dispatched(cw, "2020-11-03T09:00")
    cw.acting("clerk_pz").advance(orders["open"], "return_order", {"reason": "not_our_area"},
                                  at="2020-11-03T11:00")  # fmt: skip
    op.advance(orders["open"], "dispatch", {"to_office": "shanmei"}, at="2020-11-03T14:00")
    # registered before the cut-off of 11-18, answered after it
    orders["after_cut"] = register(cw, "2020-11-16T09:00")
    op.advance(orders["after_cut"], "answer_directly", {"answer": "knowledge_base",
               "rating": "unsatisfied"}, at="2020-11-19T09:00")  # fmt: skip
    return orders


@pytest.fixture
def hotline(db_url: str, clock: FrozenClock) -> Casework:
    clock.set("2020-12-01T09:00")
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    add_staff(cw)
    add_hotline_staff(cw)
    return cw


def _figures(cw: Casework, **options: Any) -> dict[str, Any]:
    found = cw.acting("sup_hot").stats("2020-11-01", "2020-11-20", **options)
    return {k.removeprefix("hotline."): v for k, v in found["metrics"].items() if "hotline" in k}


def test_the_hotline_figures_of_a_small_november(hotline: Casework) -> None:
    orders = _november(hotline)
    f = _figures(hotline)
    assert f["received"] == 6 and f["merged"] == 1 and f["closed"] == 5
    assert f["closure_rate"] == 83.33  # 5 of 6: the open one
    assert f["on_time_rate"] == 50.0  # the consultation replied late
    assert f["callback_rate"] == 100.0
    assert f["satisfaction_rate"] == 75.0  # 3 of 4 rated; the unrated answer has none
    assert f["redo_rate"] == 0.0
    assert f["return_rate"] == 25.0  # 1 return of 4 dispatches
    assert f["overdue"] == 1
    assert "closed_by_cut_off" not in f  # a rate's part, not reported alone

    cut = _figures(hotline, closed_by="2020-11-18")
    assert cut["received"] == 6 and cut["closure_rate"] == 66.67

    sup = hotline.acting("sup_hot")
    received = sup.explain("hotline.received", "2020-11-01", "2020-11-20")
    assert received["value"] == 6
    assert {i["case_no"] for i in received["items"]} == set(orders.values()) - {orders["merged"]}
    overdue = sup.explain("hotline.overdue", "2020-11-01", "2020-11-20")
    assert [(i["case_no"], i["date"], i["office"]) for i in overdue["items"]] == [
        (orders["late"], "2020-11-05", "panzhou")
    ]
    by_office = sup.stats("2020-11-01", "2020-11-20", "office", metrics=["hotline.return_rate"])
    rates = {r["key"]: r["metrics"]["hotline.return_rate"] for r in by_office["rows"]}
    assert rates["panzhou"] == 33.33 and rates["shanmei"] == 0.0


def test_a_redone_order_counts_once_by_its_last_rating(hotline: Casework) -> None:
    case_no = dispatched(hotline, "2020-11-02T09:00")
    clerk, sup, head = (hotline.acting(u) for u in ("clerk_pz", "sup_pz", "sup_hot"))
    op = hotline.acting("op1")
    clerk.advance(case_no, "sign", at="2020-11-02T10:00")
    sup.advance(case_no, "reply", REPLY, at="2020-11-03")
    head.advance(case_no, "approve_reply", at="2020-11-03")
    unsatisfied = {"reached": "yes", "rating": "unsatisfied", "cause": "handling"}
    op.advance(case_no, "callback", unsatisfied, at="2020-11-04")
    head.advance(case_no, "redo", {"reason": "未解决"}, at="2020-11-04")
    sup.advance(case_no, "reply", REPLY, at="2020-11-06")
    head.advance(case_no, "approve_reply", at="2020-11-06")
    op.advance(case_no, "callback", {"reached": "no"}, at="2020-11-09")
    op.advance(case_no, "callback", {"reached": "yes", "rating": "basic"}, at="2020-11-09")
    op.advance(case_no, "close", {"basis": "rated"}, at="2020-11-09")
    f = _figures(hotline)
    assert f["satisfaction_rate"] == 100.0 and f["redo_rate"] == 100.0
    assert f["on_time_rate"] == 100.0 and f["closure_rate"] == 100.0
