"""The five limits of a 12345 order, in working days across 2020's National Day (10-01..10-08,
make-up working days 09-27 and 10-10) and Spring Festival (01-24..02-02, make-up 01-19)."""

from __future__ import annotations

from typing import Any

import pytest

from casework.api import Casework
from tests.hotline import add_hotline_staff, dispatched, register

REPLY = {"result": "solved", "reply_text": "已处理", "told_caller": "phone"}


@pytest.fixture
def hot(cw: Casework) -> Casework:
    add_hotline_staff(cw)
    return cw


def limit(cw: Casework, case_no: str, as_of: str, name: str) -> dict[str, Any] | None:
    found = cw.show(case_no, as_of=as_of)["limits"]
    return next((dict(d) for d in found if d["limit"] == name), None)


def test_dispatch_limit_is_one_working_day_past_national_day(hot: Casework) -> None:
    case_no = register(hot, "2020-09-30T16:00")
    due = limit(hot, case_no, "2020-10-09", "dispatch_limit")
    assert due is not None
    assert (due["date"], due["overdue"], due["bound_office"]) == (
        "2020-10-09",
        False,
        "city-hotline",
    )
    assert due["rule"] == "登记后1个工作日"
    # 10-10 is a Saturday worked in exchange: the order is overdue on it
    assert limit(hot, case_no, "2020-10-10", "dispatch_limit")["overdue"] is True  # type: ignore[index]


def test_a_make_up_sunday_is_a_working_day(hot: Casework) -> None:
    case_no = register(hot, "2020-09-26T10:00")  # a Saturday; 09-27 is worked
    assert limit(hot, case_no, "2020-09-27", "dispatch_limit")["date"] == "2020-09-27"  # type: ignore[index]


def test_dispatch_limit_restarts_at_a_return(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-29T09:00")
    hot.acting("clerk_pz").advance(
        case_no, "return_order", {"reason": "not_our_area"}, at="2020-09-30T09:00"
    )
    due = limit(hot, case_no, "2020-09-30", "dispatch_limit")
    assert due is not None and (due["date"], due["start"]) == ("2020-10-09", "2020-09-30")


def test_sign_limit_binds_the_centre_and_ends_with_the_signature(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-30T09:00")
    due = limit(hot, case_no, "2020-10-08", "sign_limit")
    assert due is not None and (due["date"], due["binds"]) == ("2020-10-09", "office")
    hot.acting("clerk_pz").advance(case_no, "sign", at="2020-10-09T09:00")
    assert limit(hot, case_no, "2020-10-09", "sign_limit") is None


@pytest.mark.parametrize(
    ("category", "urgency", "dispatched_on", "last"),
    [
        ("complaint", "normal", "2020-09-25", "2020-10-22"),  # 15
        ("report", "normal", "2020-09-25", "2020-10-22"),  # 15
        ("consultation", "normal", "2020-09-30", "2020-10-10"),  # 2: 10-09 and the make-up 10-10
        ("help", "normal", "2020-01-17", "2020-02-07"),  # 10: 01-19 worked, 01-24..02-02 not
        ("suggestion", "normal", "2020-01-17", "2020-02-07"),  # 10
        ("complaint", "urgent", "2020-01-23", "2020-02-03"),  # urgent: 1, over Spring Festival
        ("praise", "urgent", "2020-09-30", "2020-10-09"),  # urgency first
    ],
)
def test_handle_limit_by_category_and_urgency(
    hot: Casework, category: str, urgency: str, dispatched_on: str, last: str
) -> None:
    case_no = dispatched(hot, f"{dispatched_on}T09:00", category=category, urgency=urgency)
    due = limit(hot, case_no, dispatched_on, "handle_limit")
    assert due is not None
    assert (due["date"], due["bound_office"], due["start"]) == (last, "panzhou", dispatched_on)


def test_praise_has_no_handle_limit(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-30T09:00", category="praise")
    assert limit(hot, case_no, "2020-09-30", "handle_limit") is None
    assert limit(hot, case_no, "2020-09-30", "sign_limit") is not None


def test_handle_limit_spans_both_states_and_runs_on_after_a_rejected_reply(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-25T09:00")
    sup, head = hot.acting("sup_pz"), hot.acting("sup_hot")
    sup.advance(case_no, "sign", at="2020-09-27T09:00")
    assert limit(hot, case_no, "2020-09-27", "handle_limit")["date"] == "2020-10-22"  # type: ignore[index]
    sup.advance(case_no, "reply", REPLY, at="2020-09-30T09:00")
    assert limit(hot, case_no, "2020-09-30", "handle_limit") is None
    assert limit(hot, case_no, "2020-09-30", "audit_limit")["date"] == "2020-10-09"  # type: ignore[index]
    head.advance(case_no, "reject_reply", {"reason": "答复不完整"}, at="2020-10-09T09:00")
    due = limit(hot, case_no, "2020-10-23", "handle_limit")
    assert due is not None and (due["date"], due["overdue"]) == ("2020-10-22", True)
    sup.advance(case_no, "reply", REPLY, at="2020-10-23T09:00")
    head.advance(case_no, "approve_reply", at="2020-10-23T10:00")
    assert limit(hot, case_no, "2020-10-23", "handle_limit") is None


def test_handle_limit_grows_by_approved_extension_days(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-25T09:00")
    sup, head = hot.acting("sup_pz"), hot.acting("sup_hot")
    sup.advance(case_no, "sign", at="2020-09-25T10:00")
    sup.advance(
        case_no, "request_extension", {"days": "5", "reason": "需现场勘查"}, at="2020-09-28"
    )
    head.advance(case_no, "decide_extension", {"approved": "yes", "days": "3"}, at="2020-09-29")
    due = limit(hot, case_no, "2020-09-29", "handle_limit")
    assert due is not None and due["date"] == "2020-10-27"  # 10-22 + 3 working days
    assert due["rule"] == "派单后15个工作日，已延期3日"


def test_a_refused_extension_adds_nothing(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-25T09:00")
    sup, head = hot.acting("sup_pz"), hot.acting("sup_hot")
    sup.advance(case_no, "sign", at="2020-09-25T10:00")
    sup.advance(
        case_no, "request_extension", {"days": "5", "reason": "需现场勘查"}, at="2020-09-28"
    )
    head.advance(case_no, "decide_extension", {"approved": "no"}, at="2020-09-29")
    assert limit(hot, case_no, "2020-09-29", "handle_limit")["date"] == "2020-10-22"  # type: ignore[index]


def _to_callback(cw: Casework, case_no: str, day: str) -> None:
    sup = cw.acting("sup_pz")
    sup.advance(case_no, "sign", at=f"{day}T09:00")
    sup.advance(case_no, "reply", REPLY, at=f"{day}T10:00")
    cw.acting("sup_hot").advance(case_no, "approve_reply", at=f"{day}T11:00")


def test_callback_limit_is_two_working_days_and_met_by_the_first_callback(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-29T08:00")
    _to_callback(hot, case_no, "2020-09-29")
    due = limit(hot, case_no, "2020-10-09", "callback_limit")
    assert due is not None and (due["date"], due["overdue"]) == ("2020-10-09", False)
    assert limit(hot, case_no, "2020-10-10", "callback_limit")["overdue"] is True  # type: ignore[index]
    hot.acting("op1").advance(case_no, "callback", {"reached": "no"}, at="2020-10-10T09:00")
    assert limit(hot, case_no, "2020-10-10", "callback_limit") is None


def test_redo_restarts_handle_limit_for_its_days(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-25T08:00")
    _to_callback(hot, case_no, "2020-09-25")
    op = hot.acting("op1")
    rated = {"reached": "yes", "rating": "unsatisfied", "cause": "handling"}
    op.advance(case_no, "callback", rated, at="2020-09-28T09:00")
    hot.acting("sup_hot").advance(
        case_no, "redo", {"reason": "未解决", "days": "3"}, at="2020-09-30"
    )
    due = limit(hot, case_no, "2020-09-30", "handle_limit")
    assert due is not None and (due["date"], due["start"]) == ("2020-10-12", "2020-09-30")
    assert due["bound_office"] == "panzhou"


def test_handle_limit_from_registration_when_the_setting_says_so(hot: Casework) -> None:
    hot.acting("admin").config_set("hotline.handle_start", "register", "2020-01-01")
    case_no = register(hot, "2020-09-25T09:00", category="consultation")
    hot.acting("op1").advance(case_no, "dispatch", {"to_office": "panzhou"}, at="2020-09-28")
    due = limit(hot, case_no, "2020-09-28", "handle_limit")
    assert due is not None and (due["date"], due["start"]) == ("2020-09-28", "2020-09-25")


def test_the_handle_days_table_is_read_as_it_stood_on_the_dispatch_day(hot: Casework) -> None:
    admin = hot.acting("admin")
    admin.config_set("hotline.handle_days", "咨询=3,complaint=20,urgent=1", "2020-10-01")
    before = dispatched(hot, "2020-09-30T09:00", category="consultation")
    after = dispatched(hot, "2020-10-09T09:00", category="consultation")
    assert limit(hot, before, "2020-10-09", "handle_limit")["date"] == "2020-10-10"  # type: ignore[index]
    assert limit(hot, after, "2020-10-09", "handle_limit")["date"] == "2020-10-13"  # type: ignore[index]
    shown = hot.config("hotline.handle_days", on="2020-10-02")[0]
    assert shown["value"] == "consultation=3,complaint=20,urgent=1"
