"""12345 work orders (hotline_reconsideration.md 7): an order's walk and who acts on it."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.errors import InvalidData
from tests.helpers import FrozenClock, add_staff
from tests.hotline import add_hotline_staff, dispatched, register


def test_an_order_walks_from_register_to_close(db_url: str, clock: FrozenClock) -> None:
    clock.set("2020-12-01T09:00")
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    add_staff(cw)
    add_hotline_staff(cw)
    case_no = dispatched(cw, "2020-11-02T09:00")
    assert case_no == "RX-2020-city-hotline-00001"
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    op, head = cw.acting("op1"), cw.acting("sup_hot")
    clerk.advance(case_no, "sign", at="2020-11-02T10:00")
    reply = {"result": "solved", "reply_text": "已修复路灯", "told_caller": "phone"}
    sup.advance(case_no, "reply", reply, at="2020-11-05T10:00")
    head.advance(case_no, "approve_reply", at="2020-11-06T10:00")
    op.advance(
        case_no, "callback", {"reached": "yes", "rating": "satisfied"}, at="2020-11-06T11:00"
    )
    done = op.advance(case_no, "close", {"basis": "rated"}, at="2020-11-06T12:00")
    assert done["state"] == "closed"
    shown = cw.show(case_no)
    assert [e["trigger"] for e in shown["history"]] == [
        "register",
        "dispatch",
        "sign",
        "reply",
        "approve_reply",
        "callback",
        "close",
    ]
    assert shown["data"]["handling_office"] == "panzhou"
    cw.close()


def test_an_order_merged_into_its_main_one_follows_it(db_url: str, clock: FrozenClock) -> None:
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    add_staff(cw)
    add_hotline_staff(cw)
    main = dispatched(cw, "2020-11-02T09:00")
    again = register(cw, "2020-11-02T10:00")
    op = cw.acting("op1")
    done = op.advance(again, "merge", {"into": main}, at="2020-11-02T11:00")
    assert done["state"] == "merged"
    shown = cw.show(again)
    assert {
        "kind": "merged_into",
        "case_no": main,
        "case_kind": "hotline",
        "state": "dispatched",
    } in (shown["links"])
    assert shown["main_order"] == {"case_no": main, "state": "dispatched"}
    assert [lk["case_no"] for lk in cw.show(main)["links"] if lk["kind"] == "merged_from"] == [
        again
    ]
    cw.acting("clerk_pz").advance(main, "sign", at="2020-11-03T09:00")
    assert cw.show(again)["main_order"]["state"] == "handling"


def test_merge_refuses_itself_an_ended_order_and_another_procedure(
    db_url: str, clock: FrozenClock
) -> None:
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    add_staff(cw)
    add_hotline_staff(cw)
    op = cw.acting("op1")
    one, two = register(cw, "2020-11-02T09:00"), register(cw, "2020-11-02T09:10")
    answer = {"answer": "knowledge_base"}
    op.advance(two, "answer_directly", answer, at="2020-11-02T09:20")
    petition = cw.acting("clerk_pz").register("petition", "panzhou", "t", at="2020-11-02")
    for into, why in (
        (one, "自身"),
        (two, "已办结"),
        (petition["case_no"], "不是本程序"),
        ("RX-2020-city-hotline-09999", "未知案件"),
    ):
        with pytest.raises(InvalidData, match=why) as refused:
            op.advance(one, "merge", {"into": into}, at="2020-11-02T09:30")
        assert refused.value.field == "value.into"
    assert cw.show(one)["state"] == "received" and cw.show(one)["links"] == []
