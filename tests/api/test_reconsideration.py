"""Administrative reconsideration (行政复议): every limit of hotline_reconsideration.md 8 under
both texts, across a National Day holiday and its make-up working days.

A 1999 case (received before 2024-01-01) is dated around 2020's National Day (holidays
10-01..10-08, make-up working days Sunday 09-27 and Saturday 10-10); a 2023 case can only be
received from 2024-01-01, so it is dated around 2024's (holidays 10-01..10-07, make-up working
days Sunday 09-29 and Saturday 10-12).
"""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.errors import GuardFailed, InvalidData, NotFound
from tests.helpers import FrozenClock
from tests.reconsiderations import add_reviewers, limits, register

SUP = "sup_justice"


@pytest.fixture
def rc(cw: Casework) -> Casework:
    add_reviewers(cw)
    return cw


def _accepted(cw: Casework, received: str, accepted: str, **extra: str) -> str:
    case_no = str(register(cw, received, **extra)["case_no"])
    cw.acting(SUP).advance(case_no, "accept", {"procedure": "ordinary"}, at=accepted)
    return case_no


def test_the_version_is_pinned_by_the_day_of_receipt(rc: Casework, clock: FrozenClock) -> None:
    clock.set("2024-02-01T09:00")
    old = register(rc, "2023-12-29", at="2024-01-03")
    new = register(rc, "2024-01-02", at="2024-01-03")
    assert rc.show(old["case_no"])["data"]["rules"] == "1999"
    assert rc.show(new["case_no"])["data"]["rules"] == "2023"
    assert old["case_no"].startswith("FY-2024-city-justice-")


def test_1999_intake_limits(rc: Casework) -> None:
    case_no = str(register(rc, "2020-09-28")["case_no"])
    on = limits(rc, case_no, "2020-09-28")
    assert on["review_limit"] == "2020-10-12"  # 5 working days: 29, 30, 10-09, 10-10, 10-12
    assert on["correction_notice"] == "2020-10-12"
    # 60 日 from learning of the act (09-28) end on 11-27.
    assert on["application_window"] == "2020-11-27"
    rc.acting("rev1").advance(
        case_no, "request_correction", {"items": "身份证明", "days": "7"}, at="2020-09-28"
    )
    # T art. 29: as the notice states, 7 日 from 09-28 = 10-05, a holiday: moved to 10-09.
    assert limits(rc, case_no, "2020-09-29")["correction_window"] == "2020-10-09"
    with pytest.raises(GuardFailed, match="window_lapsed"):
        rc.acting(SUP).advance(case_no, "record_abandonment", at="2020-10-09")
    due = rc.acting(SUP).due(as_of="2020-10-10", kind="reconsideration")
    row = next(r for r in due if r["case_no"] == case_no)
    assert (row["status"], row["step"], row["limit"]) == (
        "step_due",
        "record_abandonment",
        "correction_window",
    )
    swept = rc.acting(SUP).sweep(as_of="2020-10-10")
    assert swept["fired"] == [] and swept["needs_person"][0]["trigger"] == "record_abandonment"
    rc.acting("clerk_justice").advance(case_no, "supply", at="2020-10-10")
    # The review limit restarts at supply (10-10, a make-up Saturday): 12, 13, 14, 15, 16.
    assert limits(rc, case_no, "2020-10-10")["review_limit"] == "2020-10-16"


def test_a_limit_counted_from_a_date_field_says_so(rc: Casework) -> None:
    """The application window runs from 知道之日 (learned_on), not from the registration: the
    rule names the day it counts from (行政复议法 art. 20; 1999 art. 9)."""
    case_no = str(register(rc, "2020-09-28", learned_on="2020-09-03")["case_no"])
    rules = {d["limit"]: d["rule"] for d in rc.show(case_no, as_of="2020-09-28")["limits"]}
    assert rules["application_window"] == "知道之日后60日"
    assert rules["review_limit"] == "收到申请日期后5个工作日"


def test_1999_a_late_application_is_warned_and_not_accepted(rc: Casework) -> None:
    done = register(rc, "2020-10-10", learned_on="2020-08-03")
    # 60 日 from 08-03 end on 10-02, a holiday: the window closes on 10-09.
    assert any("in_window" in w for w in done["warnings"])
    with pytest.raises(GuardFailed, match="2020-10-09"):
        rc.acting(SUP).advance(done["case_no"], "accept", {"procedure": "ordinary"})
    in_time = register(rc, "2020-10-09", learned_on="2020-08-03", delay_days="0")
    assert not in_time["warnings"]
    # + 10 days lost to force majeure (1999 art. 9 para 2): 70 日 end on Monday 10-12.
    delayed = register(rc, "2020-10-12", learned_on="2020-08-03", delay_days="10")
    assert not delayed["warnings"]
    late = register(rc, "2020-10-12", learned_on="2020-08-03", delay_days="3")
    assert late["warnings"]  # 63 日 end on 10-05, a holiday: moved to 10-09


def test_1999_review_limits(rc: Casework) -> None:
    case_no = _accepted(rc, "2020-08-03", "2020-08-03")
    on = limits(rc, case_no, "2020-08-03")
    assert on["decision_limit"] == "2020-10-09"  # 60 日: 10-02, a holiday, moved to 10-09
    assert on["copy_limit"] == "2020-08-12"
    later = _accepted(rc, "2020-09-28", "2020-09-28")
    on = limits(rc, later, "2020-09-28")
    assert on["copy_limit"] == "2020-10-14"  # 7 working days: 29, 30, 9, 10, 12, 13, 14
    rev = rc.acting("rev1")
    rev.advance(later, "send_copy", {"received_on": "2020-09-25"}, at="2020-09-29")
    on = limits(rc, later, "2020-09-29")
    assert "copy_limit" not in on  # stopped by the copy sent
    shown = {d["limit"]: d for d in rc.show(later, as_of="2020-10-20")["limits"]}
    # 10 日 (1999 art. 23) from the respondent's receipt: 10-05, a holiday -> 10-09; it binds
    # the respondent, an organ outside casework: never overdue.
    assert shown["answer_limit"]["date"] == "2020-10-09"
    assert shown["answer_limit"]["binds"] == "outside" and not shown["answer_limit"]["overdue"]
    rev.advance(later, "receive_answer", at="2020-10-09")
    assert "answer_limit" not in limits(rc, later, "2020-10-09")


def test_1999_decision_limit_moves_by_the_days_suspended(rc: Casework) -> None:
    case_no = _accepted(rc, "2020-08-03", "2020-08-03")
    sup = rc.acting(SUP)
    sup.advance(case_no, "suspend", {"ground": "died"}, at="2020-08-10")
    paused = {d["limit"]: d for d in rc.show(case_no, as_of="2020-08-15")["limits"]}
    assert paused["decision_limit"]["paused"] and paused["decision_limit"]["date"] is None
    assert paused["suspension_limit"]["date"] == "2020-10-09"  # 60 日 from 08-10 = 10-09
    # A suspension (中止), not a hearing: the rule says so without naming a hearing.
    assert paused["decision_limit"]["rule"] == "受理后60日，中止期间暂停计算"
    sup.advance(case_no, "resume", at="2020-08-19")
    # Suspended 08-10..08-19, both ends counted: 10 days; 10-02 + 10 = 10-12 (Monday).
    assert limits(rc, case_no, "2020-08-19")["decision_limit"] == "2020-10-12"
    moved = {d["limit"]: d for d in rc.show(case_no, as_of="2020-08-19")["limits"]}
    assert moved["decision_limit"]["rule"] == "受理后60日，中止期间10日不计"
    sup.advance(case_no, "extend", {"days": "30", "reason": "案情复杂"}, at="2020-09-01")
    assert limits(rc, case_no, "2020-09-01")["decision_limit"] == "2020-11-11"
    with pytest.raises(GuardFailed, match="extend_once"):
        sup.advance(case_no, "extend", {"days": "5", "reason": "再延"}, at="2020-09-02")


def test_1999_suspension_lapses_to_a_termination_due(rc: Casework) -> None:
    case_no = _accepted(rc, "2020-08-03", "2020-08-03")
    sup = rc.acting(SUP)
    sup.advance(case_no, "suspend", {"ground": "died"}, at="2020-08-03")
    assert limits(rc, case_no, "2020-08-04")["suspension_limit"] == "2020-10-09"
    with pytest.raises(GuardFailed, match="suspension_lapsed"):
        sup.advance(case_no, "terminate", {"ground": "suspension_lapsed"}, at="2020-10-09")
    due = sup.due(as_of="2020-10-10", kind="reconsideration")
    row = next(r for r in due if r["case_no"] == case_no and r["limit"] == "suspension_limit")
    assert row["step"] == "terminate" and row["status"] == "step_due"
    sup.advance(case_no, "terminate", {"ground": "suspension_lapsed"}, at="2020-10-10")
    assert rc.show(case_no)["state"] == "terminated"


def test_1999_service_litigation_window_archive_and_suit(rc: Casework) -> None:
    case_no = _accepted(rc, "2020-08-03", "2020-08-03")
    sup, clerk = rc.acting(SUP), rc.acting("clerk_justice")
    with pytest.raises(GuardFailed, match="decision_in_version"):
        sup.advance(case_no, "decide", {"decision": "confirm_void", "approved_by": "head"})
    sup.advance(case_no, "decide", {"decision": "annul", "approved_by": "head"}, at="2020-09-18")
    clerk.advance(case_no, "serve", {"served_on": "2020-09-20", "method": "post"}, at="2020-09-21")
    # 15 日 from service: 10-05, a holiday, moved to 10-09.
    assert limits(rc, case_no, "2020-09-21")["litigation_window"] == "2020-10-09"
    with pytest.raises(GuardFailed, match="litigation_over"):
        sup.advance(case_no, "archive", at="2020-10-09")
    with pytest.raises(GuardFailed, match="archive_ready"):
        sup.advance(case_no, "archive", at="2020-10-10")
    for kind in ("application", "acceptance_notice", "respondent_answer", "decision"):
        clerk.add_document(case_no, kind, at="2020-10-10")
    clerk.add_document(case_no, "service_proof", at="2020-10-10")
    sup.advance(case_no, "archive", at="2020-10-10")
    suit = {"court_case_no": "（2020）粤0981行初1号", "filed_on": "2020-10-08"}
    clerk.advance(case_no, "record_suit", suit, at="2020-10-12")
    shown = rc.show(case_no)
    assert shown["state"] == "archived"
    assert shown["history"][-1]["data"]["ended_as"] == "archived"


def test_2023_limits_across_national_day_2024(rc: Casework, clock: FrozenClock) -> None:
    clock.set("2024-12-01T09:00")
    case_no = str(register(rc, "2024-09-27")["case_no"])
    assert rc.show(case_no)["data"]["rules"] == "2023"
    # 5 working days from Friday 09-27: 09-29 (make-up Sunday), 09-30, 10-08, 10-09, 10-10.
    assert limits(rc, case_no, "2024-09-27")["review_limit"] == "2024-10-10"
    rc.acting("rev1").advance(case_no, "request_correction", {"items": "证据"}, at="2024-09-27")
    # 10 working days: 29, 30, 8, 9, 10, 11, 12 (make-up Saturday), 14, 15, 16.
    assert limits(rc, case_no, "2024-09-28")["correction_window"] == "2024-10-16"
    rc.acting(SUP).advance(case_no, "extend", {"days": "5", "reason": "正当理由"}, at="2024-09-30")
    assert limits(rc, case_no, "2024-09-30")["correction_window"] == "2024-10-23"
    rc.acting("rev1").advance(case_no, "supply", at="2024-10-11")
    # Restarted at supply (Friday 10-11): 10-12 (make-up Saturday), 14, 15, 16, 17.
    assert limits(rc, case_no, "2024-10-11")["review_limit"] == "2024-10-17"
    assert rc.acting(SUP).sweep(as_of="2024-10-17")["fired"] == []
    swept = rc.acting(SUP).sweep(as_of="2024-10-18")
    assert [r["trigger"] for r in swept["fired"]] == ["deem_accept"]
    last = rc.show(case_no)["history"][-1]
    # 2023 art. 30 para 3: accepted on the review limit's last day.
    assert last["occurred_at"].startswith("2024-10-17") and last["data"]["accepted_on"] == (
        "2024-10-17"
    )
    assert rc.acting(SUP).sweep(as_of="2024-10-18")["fired"] == []
    on = limits(rc, case_no, "2024-10-18")
    assert on["decision_limit"] == "2024-12-16"  # 60 日 from 10-17
    assert on["copy_limit"] == "2024-10-28"  # 7 working days: 18, 21, 22, 23, 24, 25, 28


def test_2023_simple_procedure_limits(rc: Casework, clock: FrozenClock) -> None:
    clock.set("2024-12-01T09:00")
    case_no = str(register(rc, "2024-09-26", amount="2000")["case_no"])
    sup = rc.acting(SUP)
    sup.advance(case_no, "accept", {"procedure": "simple"}, at="2024-09-27")
    on = limits(rc, case_no, "2024-09-27")
    assert on["copy_limit"] == "2024-10-08"  # 3 working days: 09-29, 09-30, 10-08
    assert on["decision_limit"] == "2024-10-28"  # 30 日 from 09-27: 10-27 is a Sunday
    rc.acting("rev1").advance(case_no, "send_copy", {"received_on": "2024-09-27"}, at="2024-09-27")
    # 5 working days from the respondent's receipt: 09-29, 09-30, 10-08, 10-09, 10-10.
    assert limits(rc, case_no, "2024-09-28")["answer_limit"] == "2024-10-10"
    with pytest.raises(GuardFailed, match="extend_once"):
        sup.advance(case_no, "extend", {"days": "10", "reason": "复杂"}, at="2024-09-28")
    sup.advance(case_no, "switch_to_ordinary", {"reason": "案情复杂"}, at="2024-09-28")
    # 60 日 counted from acceptance [I]: 11-26; the answer limit becomes 10 working days.
    on = limits(rc, case_no, "2024-09-28")
    assert on["decision_limit"] == "2024-11-26"
    assert on["answer_limit"] == "2024-10-16"
    big = str(register(rc, "2024-09-26", amount="5000")["case_no"])
    with pytest.raises(GuardFailed, match="simple_allowed"):
        sup.advance(big, "accept", {"procedure": "simple"}, at="2024-09-27")


def test_2023_ordinary_decision_needs_views_and_hearing_notice(
    rc: Casework, clock: FrozenClock
) -> None:
    clock.set("2024-12-01T09:00")
    case_no = _accepted(rc, "2024-09-20", "2024-09-20")
    sup, rev = rc.acting(SUP), rc.acting("rev1")
    with pytest.raises(InvalidData, match="reviewers"):
        sup.advance(case_no, "assign", {"reviewers": "rev1"}, at="2024-09-20")
    sup.advance(case_no, "assign", {"reviewers": "rev1,rev2"}, at="2024-09-20")
    with pytest.raises(GuardFailed, match="hearing_notice"):
        rev.advance(
            case_no,
            "schedule_hearing",
            {"hearing_date": "2024-10-09", "place": "三楼"},
            at="2024-09-27",
        )
    # Told on 09-27: 09-29, 09-30, 10-08, 10-09, 10-10 before a hearing on 10-11.
    rev.advance(
        case_no,
        "schedule_hearing",
        {"hearing_date": "2024-10-11", "place": "三楼"},
        at="2024-09-27",
    )
    with pytest.raises(GuardFailed, match="views_heard"):
        sup.advance(case_no, "decide", {"decision": "uphold", "approved_by": "head"})
    rev.advance(case_no, "hear_views", {"how": "phone"}, at="2024-09-28")
    sup.advance(case_no, "decide", {"decision": "confirm_void", "approved_by": "collective"})


def test_a_reviewer_sees_reconsiderations_only(rc: Casework) -> None:
    case_no = str(register(rc, "2020-09-28")["case_no"])
    petition = rc.acting("clerk_justice").register(
        "petition", "city-justice", "来信", parties=["petitioner:李四"], at="2020-09-28"
    )["case_no"]
    rev = rc.acting("rev1")
    assert rev.show(case_no)["case_no"] == case_no
    with pytest.raises(NotFound):
        rev.show(petition)
    assert {r["kind"] for r in rev.cases()} == {"reconsideration"}
