"""Who sees a 12345 order: the operator's role reaches hotline orders only (spec 9 item 11),
and the handling office sees an order while it is assigned to it (item 7)."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.errors import NotFound
from tests.hotline import add_hotline_staff, dispatched, register


@pytest.fixture
def hot(cw: Casework) -> Casework:
    add_hotline_staff(cw)
    return cw


def test_an_operator_sees_hotline_orders_only(hot: Casework) -> None:
    order = register(hot, "2020-11-02T09:00")
    petition = hot.acting("clerk_city").register("petition", "city-petition", "t", at="2020-11-02")
    op = hot.acting("op1")
    assert op.show(order)["case_no"] == order
    with pytest.raises(NotFound, match="未知案件"):
        op.show(petition["case_no"])
    assert {r["kind"] for r in op.cases()} == {"hotline"}
    assert {r["kind"] for r in op.search(op.search_filter())["rows"]} == {"hotline"}
    # the petition bureau's clerk still sees both
    assert {r["kind"] for r in hot.acting("clerk_city").cases()} == {"hotline", "petition"}


def test_an_operator_cannot_step_on_a_petition(hot: Casework) -> None:
    petition = hot.acting("clerk_city").register("petition", "city-petition", "t", at="2020-11-02")
    with pytest.raises(NotFound):
        hot.acting("op1").advance(petition["case_no"], "supervise", {"note": "n"})


def test_the_handling_office_sees_the_order_while_assigned(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-11-02T09:00")
    clerk = hot.acting("clerk_pz")
    shown = clerk.show(case_no)
    assert shown["office"] == "city-hotline" and "sign" in shown["triggers"]
    assert case_no in [r["case_no"] for r in clerk.cases()]
    assert case_no not in [r["case_no"] for r in hot.acting("clerk_sm").cases()]
    with pytest.raises(NotFound):
        hot.acting("clerk_sm").show(case_no)
    clerk.advance(case_no, "return_order", {"reason": "not_our_area"}, at="2020-11-02T10:00")
    with pytest.raises(NotFound):
        clerk.show(case_no)
    assert case_no not in [r["case_no"] for r in clerk.cases()]


def test_the_handling_offices_due_list_has_its_orders(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-11-02T09:00")
    found = hot.acting("clerk_pz").due(within=30, as_of="2020-11-02")
    assert case_no in [r["case_no"] for r in found]


def test_a_department_s_steps_are_recorded_for_it_and_the_history_shows_each_assignment(
    hot: Casework,
) -> None:
    case_no = dispatched(hot, "2020-11-02T09:00")
    hot.acting("clerk_pz").advance(
        case_no, "return_order", {"reason": "not_our_duty"}, at="2020-11-02T10:00"
    )
    op = hot.acting("op1")
    op.advance(case_no, "dispatch", {"to_office": "city-housing"}, at="2020-11-02T11:00")
    signed = op.advance(case_no, "sign", at="2020-11-02T12:00")
    assert signed["event"]["data"]["recorded_for"] == "city-housing"
    reply = {"result": "explained", "reply_text": "已答复", "told_caller": "phone"}
    replied = op.advance(case_no, "reply", reply, at="2020-11-03T09:00")
    assert replied["event"]["data"]["recorded_for"] == "city-housing"
    shown = hot.show(case_no, as_of="2020-11-03")
    assert shown["assignments"] == [
        {"office": "panzhou", "from": "2020-11-02", "ended_by": "return_order", "to": "2020-11-02"},
        {"office": "city-housing", "from": "2020-11-02", "ended_by": None},
    ]
    offices = {o["code"]: o for o in hot.offices()}
    assert offices["city-housing"]["kind"] == "department"
    assert offices["city-housing"]["parent"] == "ext:高州市人民政府"
