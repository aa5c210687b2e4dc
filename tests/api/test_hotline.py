"""12345 work orders (hotline_reconsideration.md 7): an order's walk and who acts on it."""

from __future__ import annotations

from casework.api import Casework
from tests.helpers import FrozenClock, add_staff
from tests.hotline import add_hotline_staff, dispatched


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
