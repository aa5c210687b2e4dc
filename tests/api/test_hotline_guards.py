"""The rules a 12345 order's steps must pass (hotline_reconsideration.md 7), one test each."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.errors import GuardFailed, InvalidData, NotAllowed
from tests.hotline import add_hotline_staff, dispatched, register

REPLY = {"result": "solved", "reply_text": "已处理", "told_caller": "phone"}
UNSATISFIED = {"reached": "yes", "rating": "unsatisfied", "cause": "handling"}


@pytest.fixture
def hot(cw: Casework) -> Casework:
    add_hotline_staff(cw)
    return cw


def signed(cw: Casework, day: str, **values: str) -> str:
    case_no = dispatched(cw, f"{day}T08:00", **values)
    cw.acting("sup_pz").advance(case_no, "sign", at=f"{day}T09:00")
    return case_no


def at_callback(cw: Casework, day: str, **values: str) -> str:
    case_no = signed(cw, day, **values)
    cw.acting("sup_pz").advance(case_no, "reply", REPLY, at=f"{day}T10:00")
    cw.acting("sup_hot").advance(case_no, "approve_reply", at=f"{day}T11:00")
    return case_no


def test_an_order_is_registered_at_the_centre_only(hot: Casework) -> None:
    data = {"channel": "phone", "category": "help", "matter": "m"}
    with pytest.raises(GuardFailed, match="热线中心"):
        hot.acting("sup_pz").register("hotline", "panzhou", "m", data=data, at="2020-11-02")


def test_area_must_be_a_town(hot: Casework) -> None:
    with pytest.raises(GuardFailed, match="area"):
        register(hot, "2020-11-02T09:00", area="city-justice")


def test_an_anonymous_caller_is_registered_without_a_party(hot: Casework) -> None:
    data = {"channel": "wechat", "category": "report", "matter": "噪音扰民"}
    done = hot.acting("op1").register("hotline", "city-hotline", "噪音", data=data, at="2020-11-02")
    assert hot.show(done["case_no"])["parties"] == []


def test_dispatch_refuses_an_office_that_returned_the_order(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-11-02T09:00")
    back = {"reason": "not_our_duty", "suggest_office": "shanmei"}
    returned = hot.acting("clerk_pz").advance(case_no, "return_order", back, at="2020-11-02T10:00")
    assert returned["event"]["data"]["returned_by"] == "panzhou"
    again = {"to_office": "panzhou"}
    with pytest.raises(GuardFailed, match="已退回"):
        hot.acting("op1").advance(case_no, "dispatch", again, at="2020-11-02T11:00")
    with pytest.raises(GuardFailed, match="已退回"):  # an operator's reason does not override
        hot.acting("op1").advance(case_no, "dispatch", {**again, "reason": "确属本辖区"})
    done = hot.acting("sup_hot").advance(
        case_no, "dispatch", {**again, "reason": "确属本辖区"}, at="2020-11-02T11:00"
    )
    assert done["state"] == "dispatched"


def test_return_only_within_the_sign_limit(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-09-30T09:00")
    with pytest.raises(GuardFailed, match="签收时限"):
        hot.acting("clerk_pz").advance(
            case_no, "return_order", {"reason": "unclear"}, at="2020-10-10T09:00"
        )
    done = hot.acting("clerk_pz").advance(
        case_no, "return_order", {"reason": "unclear"}, at="2020-10-09T17:00"
    )
    assert done["state"] == "received"


def test_only_the_assigned_office_signs(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-11-02T09:00")
    with pytest.raises(NotAllowed, match="承办单位 panzhou"):
        hot.acting("clerk_sm").advance(case_no, "sign", at="2020-11-02T10:00")
    done = hot.acting("clerk_pz").advance(case_no, "sign", at="2020-11-02T10:00")
    assert "recorded_for" not in done["event"]["data"]


def test_an_operator_records_a_step_for_the_handling_office_flagged(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-11-02T09:00")
    done = hot.acting("op1").advance(case_no, "sign", at="2020-11-02T10:00")
    assert done["event"]["data"]["recorded_for"] == "panzhou"


def test_a_clerk_of_the_handling_office_does_not_reply(hot: Casework) -> None:
    case_no = signed(hot, "2020-11-02")
    with pytest.raises(NotAllowed):
        hot.acting("clerk_pz").advance(case_no, "reply", REPLY, at="2020-11-03")


def test_approve_reply_needs_the_reply_text(hot: Casework) -> None:
    case_no = signed(hot, "2020-11-02")
    bare = {"result": "explained", "told_caller": "sms"}
    hot.acting("sup_pz").advance(case_no, "reply", bare, at="2020-11-03")
    with pytest.raises(GuardFailed, match="reply_text"):
        hot.acting("sup_hot").advance(case_no, "approve_reply", at="2020-11-03T10:00")


def test_decide_extension_needs_a_pending_request(hot: Casework) -> None:
    case_no = signed(hot, "2020-11-02")
    head = hot.acting("sup_hot")
    with pytest.raises(GuardFailed, match="没有待审批"):
        head.advance(case_no, "decide_extension", {"approved": "no"}, at="2020-11-03")
    ask = {"days": "4", "reason": "协调多部门"}
    hot.acting("sup_pz").advance(case_no, "request_extension", ask, at="2020-11-03")
    with pytest.raises(GuardFailed, match="不能超过申请的 4 日"):
        head.advance(case_no, "decide_extension", {"approved": "yes", "days": "5"}, at="2020-11-04")
    with pytest.raises(GuardFailed, match="批准延期需填写"):
        head.advance(case_no, "decide_extension", {"approved": "yes"}, at="2020-11-04")
    head.advance(case_no, "decide_extension", {"approved": "yes", "days": "4"}, at="2020-11-04")
    with pytest.raises(GuardFailed, match="没有待审批"):
        head.advance(case_no, "decide_extension", {"approved": "no"}, at="2020-11-05")


def test_request_extension_once_per_round(hot: Casework) -> None:
    case_no = signed(hot, "2020-11-02")
    sup = hot.acting("sup_pz")
    sup.advance(case_no, "request_extension", {"days": "2", "reason": "r"}, at="2020-11-03")
    with pytest.raises(GuardFailed, match="已申请过延期"):
        sup.advance(case_no, "request_extension", {"days": "2", "reason": "r"}, at="2020-11-04")


def test_request_extension_before_the_handle_limit_ends(hot: Casework) -> None:
    case_no = signed(hot, "2020-09-30", category="consultation")  # ends 10-10
    ask = {"days": "2", "reason": "r"}
    with pytest.raises(GuardFailed, match="已于 2020-10-10 届满"):
        hot.acting("sup_pz").advance(case_no, "request_extension", ask, at="2020-10-12")


def test_request_extension_days_are_1_to_10(hot: Casework) -> None:
    case_no = signed(hot, "2020-11-02")
    sup = hot.acting("sup_pz")
    with pytest.raises(GuardFailed, match="至多 10 个工作日"):
        sup.advance(case_no, "request_extension", {"days": "11", "reason": "r"}, at="2020-11-03")
    with pytest.raises(InvalidData, match="days"):
        sup.advance(case_no, "request_extension", {"days": "0", "reason": "r"}, at="2020-11-03")


def test_callback_values_hang_together(hot: Casework) -> None:
    case_no = at_callback(hot, "2020-11-02")
    op = hot.acting("op1")
    with pytest.raises(InvalidData, match="rating"):
        op.advance(case_no, "callback", {"reached": "yes"}, at="2020-11-03")
    with pytest.raises(InvalidData, match="cause"):
        op.advance(
            case_no, "callback", {"reached": "yes", "rating": "unsatisfied"}, at="2020-11-03"
        )
    with pytest.raises(GuardFailed, match="rating"):
        op.advance(case_no, "callback", {"reached": "no", "rating": "basic"}, at="2020-11-03")
    with pytest.raises(GuardFailed, match="cause"):
        bad = {"reached": "yes", "rating": "basic", "cause": "policy"}
        op.advance(case_no, "callback", bad, at="2020-11-03")


def test_redo_only_for_an_unsatisfied_rating_caused_by_the_handling(hot: Casework) -> None:
    case_no = at_callback(hot, "2020-11-02")
    op, head = hot.acting("op1"), hot.acting("sup_hot")
    unreasonable = {**UNSATISFIED, "cause": "unreasonable"}
    op.advance(case_no, "callback", unreasonable, at="2020-11-03T09:00")
    with pytest.raises(GuardFailed, match="不是办理原因"):
        head.advance(case_no, "redo", {"reason": "r"}, at="2020-11-03T10:00")
    op.advance(case_no, "callback", {"reached": "yes", "rating": "basic"}, at="2020-11-03T11:00")
    with pytest.raises(GuardFailed, match="不是不满意"):
        head.advance(case_no, "redo", {"reason": "r"}, at="2020-11-03T12:00")


def test_redo_under_two_times(hot: Casework) -> None:
    case_no = at_callback(hot, "2020-11-02")
    op, head, sup = hot.acting("op1"), hot.acting("sup_hot"), hot.acting("sup_pz")
    for day in ("2020-11-03", "2020-11-05"):
        op.advance(case_no, "callback", UNSATISFIED, at=f"{day}T09:00")
        head.advance(case_no, "redo", {"reason": "r"}, at=f"{day}T10:00")
        sup.advance(case_no, "reply", REPLY, at=f"{day}T11:00")
        head.advance(case_no, "approve_reply", at=f"{day}T12:00")
    op.advance(case_no, "callback", UNSATISFIED, at="2020-11-09T09:00")
    with pytest.raises(GuardFailed, match="至多 2 次"):
        head.advance(case_no, "redo", {"reason": "r"}, at="2020-11-09T10:00")
    with pytest.raises(GuardFailed, match="supervisor only"):
        op.advance(case_no, "close", {"basis": "redo_exhausted"}, at="2020-11-09T10:00")
    done = head.advance(case_no, "close", {"basis": "redo_exhausted"}, at="2020-11-09T10:00")
    assert done["state"] == "closed"


@pytest.mark.parametrize(
    ("calls", "basis", "ok"),
    [
        ([{"reached": "yes", "rating": "satisfied"}], "rated", True),
        ([{"reached": "yes", "rating": "basic"}], "rated", True),
        ([UNSATISFIED], "rated", False),
        ([{**UNSATISFIED, "cause": "unreasonable"}], "not_handling", True),
        ([UNSATISFIED], "not_handling", False),
        ([{"reached": "refused"}], "no_consent", True),
        ([{"reached": "no"}], "no_consent", False),
        ([{"reached": "yes", "rating": "basic"}], "redo_exhausted", False),
    ],
)
def test_close_basis(hot: Casework, calls: list[dict[str, str]], basis: str, ok: bool) -> None:
    case_no = at_callback(hot, "2020-11-02")
    for i, call in enumerate(calls):
        hot.acting("op1").advance(case_no, "callback", call, at=f"2020-11-03T0{i + 1}:00")
    close = lambda: hot.acting("sup_hot").advance(  # noqa: E731
        case_no, "close", {"basis": basis}, at="2020-11-03T10:00"
    )
    if ok:
        assert close()["state"] == "closed"
    else:
        with pytest.raises(GuardFailed, match="办结依据"):
            close()


def test_close_without_consent(hot: Casework) -> None:
    case_no = at_callback(hot, "2020-11-02", callback_consent="no")
    done = hot.acting("op1").advance(case_no, "close", {"basis": "no_consent"}, at="2020-11-03")
    assert done["state"] == "closed"


def test_close_unreachable_needs_three_failed_calls_on_two_working_days(hot: Casework) -> None:
    case_no = at_callback(hot, "2020-09-30")
    op = hot.acting("op1")
    for at in ("2020-09-30T12:00", "2020-09-30T15:00", "2020-10-01T10:00"):  # 10-01 a holiday
        op.advance(case_no, "callback", {"reached": "no"}, at=at)
    with pytest.raises(GuardFailed, match="1 个工作日"):
        op.advance(case_no, "close", {"basis": "unreachable"}, at="2020-10-01T11:00")
    op.advance(case_no, "callback", {"reached": "no"}, at="2020-10-09T10:00")
    done = op.advance(case_no, "close", {"basis": "unreachable"}, at="2020-10-09T11:00")
    assert done["state"] == "closed"


def test_answer_directly_is_an_operators_step(hot: Casework) -> None:
    case_no = register(hot, "2020-11-02T09:00", category="consultation")
    answer = {"answer": "knowledge_base", "rating": "satisfied"}
    with pytest.raises(NotAllowed):
        hot.acting("sup_hot").advance(case_no, "answer_directly", answer, at="2020-11-02T09:05")
    done = hot.acting("op1").advance(case_no, "answer_directly", answer, at="2020-11-02T09:05")
    assert done["state"] == "closed"


def test_supervise_by_the_centre_or_a_leader(hot: Casework) -> None:
    case_no = dispatched(hot, "2020-11-02T09:00")
    note = {"level": "centre", "note": "请加快办理"}
    with pytest.raises(GuardFailed, match="督办需由"):
        hot.acting("sup_justice").advance(case_no, "supervise", note, at="2020-11-03")
    hot.acting("sup_hot").advance(case_no, "supervise", note, at="2020-11-03")
    lead = {"level": "leader", "note": "领导督办"}
    hot.acting("leader1").advance(case_no, "supervise", lead, at="2020-11-03")
