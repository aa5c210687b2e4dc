"""Deadlines computed from events with a frozen clock: show, due, list --overdue, windows."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest

from casework.api import Casework
from casework.errors import GuardFailed, NotAllowed
from tests import major_disputes as MD
from tests import mediations as M
from tests import petitions as P
from tests.helpers import Cli, FrozenClock, add_staff
from workflows import Registry, default_registry
from workflows.spec import StateSpec, TimeLimit, TriggerSpec, Workflow


def _petition(cw: Casework, registered: str, accepted: str | None = None) -> str:
    """A town petition; with ``accepted``, its letter and acceptance notice on file and 受理
    that day (the reply limit runs from acceptance, petition.md 1.6)."""
    case_no = cw.acting("clerk_pz").register("petition", "panzhou", "t", at=registered)["case_no"]
    if accepted:
        P.accept(cw, case_no, accepted)
    return case_no


def _extend(cw: Casework, case_no: str, days: str, at: str) -> dict[str, object]:
    """延期 with its notice on file (G art. 34; X art. 33: once, by at most 30 days)."""
    P.doc(cw, "clerk_pz", case_no, "extension_notice", at)
    values = {"days": days, "reason": "核实", **P.NOTICE}
    return dict(cw.acting("sup_pz").advance(case_no, "extend", values, at=at))


def _replied(cw: Casework, case_no: str, at: str, outcome: str = "support") -> None:
    P.reply(cw, case_no, at, outcome)


def test_decision_limit_ending_on_a_weekend(cw: Casework) -> None:
    case_no = _petition(cw, "2020-03-06T10:00")
    due = cw.show(case_no, as_of="2020-03-22")["due"]
    assert due["date"] == "2020-03-23" and due["overdue"] is False
    assert due["rule"] == "登记后15日，逢休息日顺延"
    # 受理告知期限 binds the case office and cites the rules in force at registration
    assert (due["limit"], due["binds"], due["bound_office"]) == (
        "decide_limit",
        "office",
        "panzhou",
    )
    assert due["article"] == "《信访条例》第二十一条第一款、第二十二条第二款"
    assert cw.show(case_no, as_of="2020-03-24")["due"]["overdue"] is True


def test_reply_limit_inside_national_day_moves_to_october_9(cw: Casework) -> None:
    case_no = _petition(cw, "2020-08-01", "2020-08-03")
    due = cw.show(case_no, as_of="2020-10-09")["due"]
    assert (due["date"], due["overdue"], due["days_left"]) == ("2020-10-09", False, 0)
    assert (due["limit"], due["start"], due["article"]) == (
        "reply_limit",
        "2020-08-03",
        "《信访条例》第三十三条",
    )
    assert cw.show(case_no, as_of="2020-10-10")["due"]["overdue"] is True


def test_extension_lengthens_the_running_limit(cw: Casework) -> None:
    case_no = _petition(cw, "2020-08-20", "2020-08-21")
    assert cw.show(case_no, as_of="2020-10-01")["due"]["date"] == "2020-10-20"
    _extend(cw, case_no, "30", "2020-10-10")
    due = cw.show(case_no, as_of="2020-11-30")["due"]
    assert due["date"] == "2020-11-19" and due["rule"] == "受理后60日，已延期30日"
    assert due["overdue"] is True and due["days_left"] == -11
    # judged on a day before the extension was granted, the old limit still ran
    assert cw.show(case_no, as_of="2020-10-09")["due"]["date"] == "2020-10-20"
    # an extension comes before the limit lapses, never after (before_lapse): a second case
    # accepted the same day cannot be extended on 2020-10-21
    late = _petition(cw, "2020-08-20", "2020-08-21")
    with pytest.raises(GuardFailed, match="before_lapse"):
        _extend(cw, late, "30", "2020-10-21")
    assert cw.show(late, as_of="2020-10-21")["due"]["date"] == "2020-10-20"


def test_back_dated_acceptance_moves_the_deadline(cw: Casework) -> None:
    case_no = _petition(cw, "2020-05-01")
    P.accept(cw, case_no, "2020-05-06")
    assert cw.show(case_no, as_of="2020-06-01")["due"]["date"] == "2020-07-06"


def test_late_review_request_is_refused_with_the_last_day(cw: Casework) -> None:
    case_no = _petition(cw, "2020-06-01", "2020-06-02")
    sup = cw.acting("sup_pz")
    _replied(cw, case_no, "2020-08-28", "explain")
    # no window runs until the petitioner receives the written opinion (X art. 34)
    assert "review_window" not in {
        d["limit"] for d in cw.show(case_no, as_of="2020-08-31")["limits"]
    }
    P.deliver(cw, case_no, "2020-09-01")
    # 30 days after the delivery of 2020-09-01 is 2020-10-01, a holiday: the window closes on
    # 2020-10-09 (counted from the reply of 2020-08-28 it would have closed on 2020-09-28)
    window = cw.show(case_no, as_of="2020-09-15")["due"]
    assert window["date"] == "2020-10-09" and window["binds"] == "party"
    assert (window["limit"], window["start"]) == ("review_window", "2020-09-01")
    assert cw.show(case_no, as_of="2020-11-30")["due"]["overdue"] is False  # binds no office
    P.doc(cw, "clerk_pz", case_no, "review_request", "2020-10-09")
    with pytest.raises(GuardFailed, match=r"review_window.*closed on 2020-10-09"):
        sup.advance(case_no, "request_review", at="2020-10-10")
    assert sup.advance(case_no, "request_review", at="2020-10-09")["state"] == "reviewing"
    # the review's 30 days bind the reviewer, the town's parent office (X art. 34)
    review = cw.show(case_no, as_of="2020-10-12")["due"]
    assert (review["limit"], review["date"], review["bound_office"]) == (
        "review_limit",
        "2020-11-09",
        "city-justice",
    )


def test_late_judicial_confirmation_is_refused(cw: Casework) -> None:
    med = cw.acting("med_pz")
    case_no = cw.acting("clerk_pz").register(
        "mediation", "panzhou", "t", list(M.SIDES), at="2020-03-01"
    )["case_no"]
    med.advance(case_no, "accept", {"mediator": "med_pz"}, at="2020-03-02")
    med.advance(case_no, "agree", {"form": "written"}, at="2020-03-10")
    applied = {"court": "gzfy", "joint": "yes"}
    with pytest.raises(GuardFailed, match=r"closed on 2020-04-09"):
        cw.acting("clerk_pz").advance(case_no, "apply_confirmation", applied, at="2020-04-10")


def test_major_dispute_deadline_set_at_assignment(cw: Casework) -> None:
    case_no = cw.acting("sup_pz").register("major_dispute", "panzhou", "t", at="2020-02-01")[
        "case_no"
    ]
    MD.propose(cw, case_no, "2020-02-02", due_days=45)
    # the term is proposed with the case but runs only from the approval (major_dispute.md)
    assert cw.show(case_no, as_of="2020-02-02")["due"] is None
    MD.assign(cw, case_no, "2020-02-03")
    due = cw.show(case_no, as_of="2020-03-01")["due"]
    assert due["date"] == "2020-03-19" and due["rule"] == "审批包案后45日"


def test_mediation_advice_limit_is_a_warning_not_overdue(cw: Casework) -> None:
    case_no = cw.acting("clerk_pz").register(
        "mediation", "panzhou", "t", list(M.SIDES), at="2020-10-01"
    )["case_no"]
    cw.acting("med_pz").advance(case_no, "accept", {"mediator": "med_pz"}, at="2020-10-09")
    due = cw.show(case_no, as_of="2020-11-30")["due"]
    assert due["binds"] == "advice" and due["days_left"] < 0 and due["overdue"] is False
    rows = cw.due(as_of="2020-11-30")
    assert [r["status"] for r in rows if r["case_no"] == case_no] == ["warning"]


@pytest.fixture
def overdue_world(cw: Casework) -> dict[str, list[str]]:
    """Petitions and major disputes, some overdue on 2020-11-30, some not."""
    sup = cw.acting("sup_pz")
    late = [
        _petition(cw, "2020-11-01"),  # not accepted within 15 days (2020-11-16)
        _petition(cw, "2020-08-20", "2020-08-21"),  # reply due 2020-10-20
    ]
    extended_late = _petition(cw, "2020-08-20", "2020-08-21")
    _extend(cw, extended_late, "30", "2020-10-10")
    late.append(extended_late)  # due 2020-11-19
    major = sup.register("major_dispute", "panzhou", "t", at="2020-06-01")["case_no"]
    MD.assigned(cw, major, "2020-06-01", "2020-06-02", due_days=90)
    late.append(major)  # due 2020-08-31
    # under review at the city since 2020-09-20: the reviewer's 30 days ended on 2020-10-20
    in_review = _petition(cw, "2020-08-01", "2020-08-03")
    _replied(cw, in_review, "2020-09-01")
    P.deliver(cw, in_review, "2020-09-01")
    P.request_review(cw, in_review, "2020-09-20")
    late.append(in_review)
    shanmei_late = cw.acting("clerk_sm").register("petition", "shanmei", "t", at="2020-10-01")
    late.append(shanmei_late["case_no"])
    on_time = [
        _petition(cw, "2020-11-20"),  # decision due 2020-12-07
        _petition(cw, "2020-10-15", "2020-10-16"),  # reply due 2020-12-15
    ]
    replied = _petition(cw, "2020-08-01", "2020-08-03")
    _replied(cw, replied, "2020-09-30")
    on_time.append(replied)
    delivered = _petition(cw, "2020-08-01", "2020-08-03")  # the petitioner's window runs
    _replied(cw, delivered, "2020-09-30")
    P.deliver(cw, delivered, "2020-10-09")  # to 2020-11-08, a party's window: never overdue
    on_time.append(delivered)
    closed_after = _petition(cw, "2020-08-01", "2020-08-03")  # late on 11-30, replied 12-01
    _replied(cw, closed_after, "2020-12-01")
    late.append(closed_after)
    future = _petition(cw, "2020-12-01")  # not yet registered on 11-30
    on_time.append(future)
    return {"late": late, "on_time": on_time, "in_review": [in_review]}


def test_due_as_of_lists_exactly_the_overdue_cases(
    cw: Casework, cli: Cli, clock: FrozenClock, overdue_world: dict[str, list[str]]
) -> None:
    clock.set("2020-12-02T12:00")
    result = cli("due", "--as-of", "2020-11-30", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    keys = {"case_no", "kind", "office", "state", "date", "rule", "overdue", "days_left"}
    assert all(keys <= set(r) for r in rows)
    overdue = {r["case_no"] for r in rows if r["overdue"]}
    assert overdue == set(overdue_world["late"])
    assert [r["days_left"] for r in rows] == sorted(r["days_left"] for r in rows)
    for case_no in overdue_world["late"]:
        shown = json.loads(cli("case", "show", case_no, "--as-of", "2020-11-30", "--json").stdout)
        assert shown["due"]["overdue"] is True, case_no
    for case_no in overdue_world["on_time"]:
        shown = json.loads(cli("case", "show", case_no, "--as-of", "2020-11-30", "--json").stdout)
        assert shown["due"] is None or shown["due"]["overdue"] is False, case_no
    # the review limit is overdue at the reviewer, not at the town whose case it is
    (review,) = [r for r in rows if r["case_no"] == overdue_world["in_review"][0]]
    assert (review["limit"], review["bound_office"]) == ("review_limit", "city-justice")
    listed = json.loads(cli("case", "list", "--overdue", "--as-of", "2020-11-30", "--json").stdout)
    assert {r["case_no"] for r in listed} == set(overdue_world["late"])
    town = json.loads(cli("due", "--as-of", "2020-11-30", "--json", user="clerk_sm").stdout)
    assert {r["office"] for r in town} == {"shanmei"}
    soon = json.loads(cli("due", "--as-of", "2020-11-30", "--within", "8", "--json").stdout)
    assert {r["case_no"] for r in soon if not r["overdue"]} >= {overdue_world["on_time"][0]}
    table = cli("due", "--as-of", "2020-11-30")
    assert "超期" in table.stdout


def test_replied_on_time_uses_the_same_limits(cw: Casework) -> None:
    on_time = _petition(cw, "2020-08-01", "2020-08-03")
    _replied(cw, on_time, "2020-10-09")  # last day
    late = _petition(cw, "2020-08-01", "2020-08-03")
    _replied(cw, late, "2020-10-10")
    extended = _petition(cw, "2020-08-01", "2020-08-03")
    _extend(cw, extended, "20", "2020-09-01")
    _replied(cw, extended, "2020-10-20", "explain")
    outside = _petition(cw, "2020-06-01", "2020-06-02")
    _replied(cw, outside, "2020-07-01", "explain")
    figure = cw.replied_on_time("2020-10-01", "2020-10-31")
    assert figure["replied"] == 3 and figure["value"] == 2
    assert {i["case_no"] for i in figure["items"]} == {on_time, extended}
    assert [i["case_no"] for i in figure["late"]] == [late]


TOY_LIMIT = TimeLimit("answer_limit", "答复期限", start="register", days=5, unit="working_days")


def _toy(days: int) -> Workflow:
    return Workflow(
        name="toy_limit",
        label="测试",
        prefix="TL",
        states=(
            StateSpec("open", "待办", limit=dataclasses.replace(TOY_LIMIT, days=days)),
            StateSpec("done", "办结", terminal=True),
        ),
        initial="open",
        register_roles=("clerk",),
        triggers=(TriggerSpec("finish", "办结", ("open",), "done", ("clerk",)),),
    )


# after 2020-09-30 the working days are 10-09, 10-10 (a Saturday worked), 10-12, 10-13 ...
@pytest.mark.parametrize(
    "days,expected", [(5, "2020-10-14"), (1, "2020-10-09"), (10, "2020-10-21")]
)
def test_deadlines_follow_the_declaration(
    db_url: str, clock: FrozenClock, days: int, expected: str
) -> None:
    registry = Registry([*default_registry(), _toy(days)])
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock, registry=registry)
    add_staff(cw)
    case_no = cw.acting("clerk_pz").register("toy_limit", "panzhou", "t", at="2020-09-30")[
        "case_no"
    ]
    due = cw.show(case_no, as_of="2020-10-01")["due"]
    assert due["date"] == expected
    assert due["rule"] == f"登记后{days}个工作日"
    cw.close()


def test_uncovered_year_is_unknown_until_a_holiday_file_is_added(
    cw: Casework, cli: Cli, clock: FrozenClock, tmp_path: os.PathLike[str]
) -> None:
    clock.set("2026-12-20T10:00")
    case_no = _petition(cw, "2026-12-17")  # the 15 days run into 2027
    # Judged in 2026 the case cannot be overdue yet; its last day waits for 2027's holidays.
    pending = cw.show(case_no)["due"]
    assert pending["date"] is None and pending["overdue"] is False
    assert "2027" in pending["problem"] and "calendar add" in pending["problem"]
    table = cli("case", "show", case_no)
    assert table.exit_code == 0 and "2027" in table.stdout
    assert cli("due").exit_code == 0
    listed = json.loads(cli("due", "--json").stdout)
    assert [(r["case_no"], r["date"], r["status"]) for r in listed] == [
        (case_no, None, "calendar_missing")
    ]
    # Judged in 2027, whether it is overdue needs the calendar: unknown for this case, never a
    # guess, and never an error that would stop a listing of every case (issue 17 point 5).
    late = cw.show(case_no, as_of="2027-01-05")["due"]
    assert late["date"] is None and late["overdue"] is False and "calendar add" in late["problem"]
    shown = cli("case", "show", case_no, "--as-of", "2027-01-05")
    assert shown.exit_code == 0 and "尚无 2027" in shown.stdout
    listed_late = json.loads(cli("due", "--as-of", "2027-01-05", "--json").stdout)
    assert [r["status"] for r in listed_late] == ["calendar_missing"]
    path = os.path.join(str(tmp_path), "2027.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(
            "2027-01-01..2027-01-03 holiday 元旦\n2027-02-06..2027-02-13 holiday 春节\n"
            "2027-02-14 workday 春节调休\n"
        )
    refused = cli("calendar", "add", path, user="clerk_pz")
    assert refused.exit_code == 1 and "admin" in refused.stderr
    with pytest.raises(NotAllowed):
        cw.acting("sup_pz").calendar_add(path)
    added = cli("calendar", "add", path, "--json", user="admin")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["years"] == [2027]
    due = json.loads(cli("case", "show", case_no, "--json").stdout)["due"]
    assert due["date"] == "2027-01-04"  # 2027-01-01 is a Friday holiday; the weekend follows
    coverage = json.loads(cli("calendar", "show", "--json").stdout)
    assert coverage["last"] == 2027 and coverage["first"] == 2004
    assert {"year": 2027, "source": "file"}.items() <= coverage["years"][-1].items()


def test_help_explains_day_counting(cli: Cli) -> None:
    text = cli("due", "--help").stdout
    assert "next working day" in text and "调休" in text


def test_a_window_running_into_an_unknown_year_still_takes_requests_in_time(
    cw: Casework, clock: FrozenClock
) -> None:
    clock.set("2026-12-30T10:00")
    case_no = _petition(cw, "2026-12-01", "2026-12-02")
    sup = cw.acting("sup_pz")
    _replied(cw, case_no, "2026-12-10", "explain")
    P.deliver(cw, case_no, "2026-12-10")
    # the 30 days end in January 2027, whose holidays are unknown; 20 days in is in time anyway
    P.doc(cw, "clerk_pz", case_no, "review_request", "2026-12-30")
    assert sup.advance(case_no, "request_review", at="2026-12-30")["state"] == "reviewing"


def test_on_time_replies_need_no_calendar_when_plainly_in_time(
    cw: Casework, clock: FrozenClock
) -> None:
    clock.set("2026-12-30T10:00")
    case_no = _petition(cw, "2026-12-01", "2026-12-02")  # the 60 days end in 2027
    _replied(cw, case_no, "2026-12-20")
    figure = cw.replied_on_time("2026-12-01", "2026-12-31")
    assert figure["value"] == 1 and figure["items"][0]["case_no"] == case_no
    assert cw.stats("2026-12-01", "2026-12-31")["metrics"]["petition.replied_on_time"] == 1
