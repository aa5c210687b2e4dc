"""The petition procedure (petition.md) driven through the command line, on every database.

The rules tests/api/test_petition_law.py checks through the API, here as a county's staff meet
them at the terminal: each refusal exits 1 with one line, Chinese first, naming the guard that
refused; ``case show --json`` gives the case's rules, flags, deciding offices and limits (what
they bind, which office, whether paused); ``case register`` and ``case link`` show and record
the evidence of a repeat. Cases are set up through the API (tests/petitions.py) where the step
itself is not what a test is about.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from casework.api import Casework
from tests import petitions as P
from tests.cli.checks import error_line
from tests.helpers import VALID_ID, Cli, FrozenClock

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def late_clock(clock: FrozenClock) -> Iterator[None]:
    """Today is 2024-06-01: every date of these tests is in the past."""
    clock.set("2024-06-01T10:00")
    yield


def refused(cli: Cli, rule: str, *args: str, user: str) -> str:
    """A step refused: exit 1, one line, Chinese first, naming the rule that refused it."""
    line = error_line(cli(*args, user=user), 1)
    assert CJK.match(re.sub(r"^Error:\s*[「」\s]*", "", line)[:1]), line
    assert rule in line, (rule, line)
    return line


def advance(cli: Cli, case_no: str, trigger: str, at: str, user: str, **sets: str) -> Any:
    """``case advance ... --json``, checked to succeed: its JSON."""
    args = ["case", "advance", case_no, trigger, "--at", at, "--json"]
    for key, val in sets.items():
        args += ["--set", f"{key}={val}"]
    result = cli(*args, user=user)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def advancing(case_no: str, trigger: str, at: str, **sets: str) -> list[str]:
    args = ["case", "advance", case_no, trigger, "--at", at]
    for key, val in sets.items():
        args += ["--set", f"{key}={val}"]
    return args


def doc(cli: Cli, case_no: str, kind: str, at: str, user: str = P.TOWN_CLERK) -> None:
    result = cli("case", "doc", case_no, kind, "--at", at, user=user)
    assert result.exit_code == 0, result.stderr


def show(cli: Cli, case_no: str, as_of: str, user: str = "admin") -> Any:
    result = cli("case", "show", case_no, "--as-of", as_of, "--json", user=user)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def limits(cli: Cli, case_no: str, as_of: str) -> dict[str, Any]:
    return {d["limit"]: d for d in show(cli, case_no, as_of)["limits"]}


def register(cli: Cli, at: str, *args: str, user: str = P.TOWN_CLERK) -> Any:
    result = cli(
        "case", "register", "petition", "--office", "panzhou", "--title", "拖欠工资",
        "--at", at, "--json", *args, user=user,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# -- 1.2 registration: representatives, flags, repeats -------------------------------------------


def test_six_representatives_refused_five_registered(cli: Cli) -> None:
    six = [a for i in range(6) for a in ("--party", f"representative:代表{i}")]
    visit = ["--set", "channel=visit", "--set", "people=40"]
    args = ["case", "register", "petition", "--office", "panzhou", "--title", "集体访"]
    line = refused(
        cli, "representatives_at_most_5", *args, "--at", "2023-03-01", *six, *visit,
        user=P.TOWN_CLERK,
    )  # fmt: skip
    assert "第二十条第三款" in line
    assert json.loads(cli("case", "list", "--json").stdout) == []
    five = register(cli, "2023-03-01", *six[:10], *visit)
    flags = {f["name"] for f in show(cli, five["case_no"], "2023-03-02")["flags"]}
    assert "collective" in flags


def test_register_lists_the_persons_petitions_and_link_records_a_repeat(cli: Cli) -> None:
    first = register(cli, "2023-03-01", "--party", f"petitioner:陈某:{VALID_ID}")["case_no"]
    again = register(cli, "2023-05-01", "--party", f"petitioner:陈某:{VALID_ID}")
    related = again["related"]
    assert [(r["case_no"], r["office"], r["matched"], r["similarity"]) for r in related] == [
        (first, "panzhou", ["id_number"], 1.0)
    ]
    second = again["case_no"]
    assert {"name": "first_or_repeat", "label": "初信初访", "value": "first"} in show(
        cli, second, "2023-05-01"
    )["flags"]
    result = cli(
        "case", "link", second, first, "--relation", "same_matter", "--at", "2023-05-01T12:00",
        "--json", user=P.TOWN_CLERK,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)["link"]
    assert (found["relation"], found["matched"], found["similarity"]) == (
        "same_matter", ["id_number"], 1.0,
    )  # fmt: skip
    shown = show(cli, second, "2023-05-02")
    assert {"name": "first_or_repeat", "label": "重复信访", "value": "repeat"} in shown["flags"]
    assert shown["related"][0]["case_no"] == first
    error_line(cli("case", "link", second, first, "--relation", "maybe", user=P.TOWN_CLERK))


# -- 1.1 rule versions -------------------------------------------------------------------------


def test_a_2020_petition_pins_xf2005_a_2023_one_xf2022_each_citing_its_articles(
    cli: Cli, cw: Casework
) -> None:
    old = register(cli, "2020-03-02")
    new = register(cli, "2023-03-01")
    assert (old["rules"], new["rules"]) == ("xf2005", "xf2022")
    P.accept(cw, old["case_no"], "2020-03-03")
    P.accept(cw, new["case_no"], "2023-03-02")
    old_shown = show(cli, old["case_no"], "2020-03-04")
    new_shown = show(cli, new["case_no"], "2023-03-03")
    assert old_shown["rules"]["name"] == "xf2005" and new_shown["rules"]["name"] == "xf2022"
    old_reply = {d["limit"]: d for d in old_shown["limits"]}["reply_limit"]
    new_reply = {d["limit"]: d for d in new_shown["limits"]}["reply_limit"]
    assert old_reply["article"] == "《信访条例》第三十三条"
    assert new_reply["article"] == "《信访工作条例》第三十四条"
    rules = cli("workflow", "show", "petition", "--rules")
    assert rules.exit_code == 0, rules.stderr
    out = rules.stdout
    assert "xf2005" in out and "xf2022" in out
    assert "《信访条例》" in out and "《信访工作条例》" in out
    assert "2005-05-01" in out and "2022-05-01" in out
    # the tables wrap at the terminal's width: the articles are checked in the JSON
    described = json.loads(cli("workflow", "show", "petition", "--rules", "--json").stdout)
    versions = {v["name"]: v for v in described["versions"]}
    x = {c["rule"]: c["article"] for c in versions["xf2005"]["citations"]}
    g = {c["rule"]: c["article"] for c in versions["xf2022"]["citations"]}
    assert (x["reply_limit"], g["reply_limit"]) == ("第三十三条", "第三十四条")
    assert (x["reviewer_is_upper"], g["reviewer_is_upper"]) == ("第三十四条", "第三十五条")
    assert "object" in versions["xf2022"]["triggers"]
    assert "object" not in versions["xf2005"]["triggers"]


def test_objection_is_not_offered_under_the_2005_rules(cli: Cli, cw: Casework) -> None:
    _, spawned = P.assigned(cw, "2021-03-01")
    doc(cli, spawned, "objection", "2021-03-01")
    line = error_line(
        cli(*advancing(spawned, "object", "2021-03-02", reason="不属本所"), user=P.TOWN_SUP)
    )
    assert "xf2005" in line and "object" in line


# -- 1.3 intake guards -------------------------------------------------------------------------


def test_an_accusations_accept_is_refused(cli: Cli, cw: Casework) -> None:
    case_no = register(cli, "2023-03-01", "--set", "category=accusation")["case_no"]
    for kind in ("letter", "acceptance_notice"):
        doc(cli, case_no, kind, "2023-03-01")
    line = refused(
        cli, "not_accusation", *advancing(case_no, "accept", "2023-03-02", notice_method="post"),
        user=P.TOWN_SUP,
    )  # fmt: skip
    assert "discipline" in line and "第二十二条第二款、第三十条" in line
    assert show(cli, case_no, "2023-03-02")["state"] == "registered"


def test_accept_without_the_letter_or_notice_is_refused(cli: Cli) -> None:
    case_no = register(cli, "2023-03-01")["case_no"]
    accept = advancing(case_no, "accept", "2023-03-02", notice_method="post")
    refused(cli, "intake_document", *accept, user=P.TOWN_SUP)
    doc(cli, case_no, "letter", "2023-03-01")
    line = refused(cli, "notice_given", *accept, user=P.TOWN_SUP)
    assert "(--set" not in line  # the method was given: only the paper is missing
    doc(cli, case_no, "acceptance_notice", "2023-03-02")
    no_method = refused(
        cli, "notice_given", *advancing(case_no, "accept", "2023-03-02"), user=P.TOWN_SUP
    )
    assert no_method.endswith("(--set notice_method=...)"), no_method
    assert advance(cli, case_no, "accept", "2023-03-02", P.TOWN_SUP, notice_method="post")[
        "state"
    ] == "handling"  # fmt: skip


# -- 1.5 review by the deciding office ----------------------------------------------------------


def test_a_town_supervisors_review_refused_and_no_admin_stands_in(cli: Cli, cw: Casework) -> None:
    case_no = P.reviewing(cw, "2023-01-03", "2023-02-01")
    doc(cli, case_no, "review_opinion", "2023-02-20", P.CITY_CLERK)
    review = advancing(case_no, "review", "2023-02-20", outcome="explain", on_original="uphold")
    for user in (P.TOWN_SUP, "admin", P.CITY_CLERK):
        line = error_line(cli(*review, user=user), 1)
        assert "city-justice" in line and "review" in line, line
    shown = show(cli, case_no, "2023-02-02")
    assert (shown["reviewer"], shown["rereviewer"]) == ("city-justice", "ext:茂名市司法局")
    review_limit = {d["limit"]: d for d in shown["limits"]}["review_limit"]
    assert (review_limit["binds"], review_limit["bound_office"]) == ("office", "city-justice")
    assert review_limit["paused"] is False
    done = advance(cli, case_no, "review", "2023-02-20", P.CITY_SUP, outcome="explain",
                   on_original="uphold")  # fmt: skip
    assert done["state"] == "reviewed"


def test_a_review_asked_of_the_case_office_names_reviewer_is_upper(cli: Cli, cw: Casework) -> None:
    case_no = P.register(cw, "2023-01-03")
    P.replied(cw, case_no, "2023-01-03", "2023-01-03", "2023-01-03")
    doc(cli, case_no, "review_request", "2023-02-01")
    advance(cli, case_no, "request_review", "2023-02-01", P.TOWN_CLERK, organ="panzhou")
    doc(cli, case_no, "review_opinion", "2023-02-20")
    review = advancing(case_no, "review", "2023-02-20", outcome="explain", on_original="uphold")
    refused(cli, "reviewer_is_upper", *review, user=P.TOWN_SUP)


# -- 1.7 closing ----------------------------------------------------------------------------------


def test_close_refused_the_day_after_a_reply_allowed_after_the_window(
    cli: Cli, cw: Casework
) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20", "2023-03-20")  # window to 2023-04-19
    line = refused(cli, "may_close", *advancing(case_no, "close", "2023-03-21"), user=P.TOWN_CLERK)
    assert "review_window" in line
    refused(cli, "may_close", *advancing(case_no, "close", "2023-04-19"), user=P.TOWN_CLERK)
    assert advance(cli, case_no, "close", "2023-04-20", P.TOWN_CLERK)["state"] == "closed"


def test_close_after_an_accepting_evaluation(cli: Cli, cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20", "2023-03-20")
    advance(cli, case_no, "evaluate", "2023-03-21", P.TOWN_CLERK, rating="satisfied", method="sms")
    refused(
        cli, "evaluate_once",
        *advancing(case_no, "evaluate", "2023-03-21", rating="basic", method="sms"),
        user=P.TOWN_CLERK,
    )  # fmt: skip
    assert advance(cli, case_no, "close", "2023-03-21", P.TOWN_CLERK)["state"] == "closed"
    doc(cli, case_no, "review_request", "2023-04-01")
    reopened = advance(cli, case_no, "request_review", "2023-04-01", P.TOWN_CLERK)
    assert reopened["state"] == "reviewing"


# -- 1.5 / 1.6 extend, hearings, objections, assignment -----------------------------------------


def test_a_late_extend_refused(cli: Cli, cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-02")
    P.accept(cw, case_no, "2023-03-02")  # reply limit: 2023-05-04 (past the May Day holiday)
    doc(cli, case_no, "extension_notice", "2023-05-05")
    extend = advancing(case_no, "extend", "2023-05-05", days="30", reason="复杂",
                       notice_method="post")  # fmt: skip
    line = refused(cli, "before_lapse", *extend, user=P.TOWN_SUP)
    assert "2023-05-04" in line and "第三十四条" in line
    assert limits(cli, case_no, "2023-05-05")["reply_limit"]["date"] == "2023-05-04"


def test_a_hearing_pauses_the_re_review_limit_by_its_days(cli: Cli, cw: Casework) -> None:
    case_no = P.rereviewing(cw, "2023-01-03", "2023-02-01", "2023-02-20", "2023-03-01")
    before = limits(cli, case_no, "2023-03-02")["rereview_limit"]
    assert (before["date"], before["binds"], before["bound_office"]) == (
        "2023-03-31", "outside", "ext:茂名市司法局",
    )  # fmt: skip
    line = error_line(cli(*advancing(case_no, "hearing_start", "2023-03-10"), user=P.TOWN_SUP))
    assert "hearing_start" in line and "茂名市司法局" in line
    advance(cli, case_no, "hearing_start", "2023-03-10", P.CITY_CLERK)
    paused = limits(cli, case_no, "2023-03-11")["rereview_limit"]
    assert (paused["date"], paused["paused"]) == (None, True)
    refused(cli, "one_hearing", *advancing(case_no, "hearing_start", "2023-03-11"),
            user=P.CITY_CLERK)  # fmt: skip
    doc(cli, case_no, "hearing_record", "2023-03-12", P.CITY_CLERK)
    advance(cli, case_no, "hearing_end", "2023-03-12", P.CITY_CLERK)
    moved = limits(cli, case_no, "2023-03-13")["rereview_limit"]
    assert (moved["date"], moved["paused"]) == ("2023-04-03", False)


def test_the_objections_5_working_days_across_the_spring_festival(cli: Cli, cw: Casework) -> None:
    _, spawned = P.assigned(cw, "2023-01-20")  # Friday before the 2023 Spring Festival
    window = limits(cli, spawned, "2023-01-21")["objection_window"]
    # 01-21..27 rest days, 01-28 and 01-29 make-up working days, then 01-30, 01-31, 02-01
    assert (window["date"], window["binds"]) == ("2023-02-01", "office_window")
    doc(cli, spawned, "objection", "2023-01-20")
    line = refused(
        cli, "objection_window", *advancing(spawned, "object", "2023-02-02", reason="不属本所"),
        user=P.TOWN_SUP,
    )  # fmt: skip
    assert "2023-02-01" in line and "第二十三条第三款" in line
    done = advance(cli, spawned, "object", "2023-02-01", P.TOWN_SUP, reason="不属本所")
    assert done["state"] == "objected"


def test_a_spawned_assignment_appears_at_the_receiving_office(cli: Cli, cw: Casework) -> None:
    sent = P.register(cw, "2023-03-01", "city-justice", P.CITY_CLERK)
    for kind in ("letter", "forwarding_letter", "forwarding_notice"):
        doc(cli, sent, kind, "2023-03-01", P.CITY_CLERK)
    done = advance(cli, sent, "assign_down", "2023-03-01", P.CITY_SUP, to_office="panzhou",
                   report_days="20", notice_method="post")  # fmt: skip
    assert done["state"] == "assigned_down"
    spawned = done["spawned"]
    listed = json.loads(cli("case", "list", "--json", user=P.TOWN_SUP).stdout)
    assert [c["case_no"] for c in listed] == [spawned]
    theirs = show(cli, spawned, "2023-03-02", P.TOWN_SUP)
    assert (theirs["office"], theirs["data"]["origin"], theirs["data"]["parent_case"]) == (
        "panzhou", "assigned", sent,
    )  # fmt: skip
    report = {d["limit"]: d for d in theirs["limits"]}["report_limit"]
    assert (report["date"], report["binds"], report["bound_office"]) == (
        "2023-03-21", "office", "panzhou",
    )  # fmt: skip
    town = cli("case", "advance", sent, "assign_down", user=P.TOWN_SUP)
    assert error_line(town, 1)


# -- every other guard of 1.5, refused through the CLI -------------------------------------------


def _registered(cw: Casework, *kinds: str, **values: str) -> str:
    case_no = P.register(cw, "2023-03-01", data=values)
    for kind in kinds:
        P.doc(cw, P.TOWN_CLERK, case_no, kind, "2023-03-01")
    return case_no


def _delivered(cw: Casework) -> str:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20", "2023-03-20")
    return case_no


def _replied(cw: Casework) -> str:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20")
    return case_no


def _reviewing_with_record(cw: Casework) -> str:
    case_no = P.reviewing(cw, "2023-01-03", "2023-02-01")
    P.doc(cw, P.CITY_CLERK, case_no, "hearing_record", "2023-02-10")
    return case_no


def _forwarded_out(cw: Casework) -> str:
    case_no = _registered(cw, "letter", "forwarding_letter", "forwarding_notice")
    cw.acting(P.TOWN_CLERK).advance(
        case_no, "forward", {"to_organ": "高州市自然资源局", "organ_type": "ordinary", **P.NOTICE},
        at="2023-03-01",
    )  # fmt: skip
    return case_no


def _objected_from_outside(cw: Casework) -> str:
    case_no = P.register(cw, "2023-03-01", origin="forwarded", from_organ="茂名市信访局")
    P.doc(cw, P.TOWN_CLERK, case_no, "objection", "2023-03-01")
    cw.acting(P.TOWN_SUP).advance(case_no, "object", {"reason": "不属本所"}, at="2023-03-02")
    return case_no


def _reported(cw: Casework) -> str:
    _, spawned = P.assigned(cw, "2023-03-01")
    P.replied(cw, spawned, "2023-03-02", "2023-03-10")
    P.doc(cw, P.TOWN_CLERK, spawned, "completion_report", "2023-03-12")
    cw.acting(P.TOWN_SUP).advance(spawned, "report", at="2023-03-12")
    return spawned


def _rereview_of_the_reviewer(cw: Casework) -> str:
    case_no = P.reviewed(cw, "2023-01-03", "2023-02-01", "2023-02-20")
    P.doc(cw, P.TOWN_CLERK, case_no, "rereview_request", "2023-03-01")
    cw.acting(P.TOWN_CLERK).advance(
        case_no, "request_rereview", {"organ": "city-justice"}, at="2023-03-01"
    )
    P.doc(cw, P.CITY_CLERK, case_no, "rereview_opinion", "2023-03-20")
    return case_no


def _accusation_replied(cw: Casework) -> str:
    cw.acting("admin").config_set("petition.accusation_forward_x", "off", "2005-05-01")
    case_no = P.register(cw, "2020-03-02", category="accusation")
    P.replied(cw, case_no, "2020-03-02", "2020-03-02", "2020-03-02")
    return case_no


@dataclass(frozen=True)
class Refusal:
    name: str
    setup: Callable[[Casework], str]
    trigger: str
    at: str
    user: str
    rule: str
    sets: tuple[tuple[str, str], ...] = ()


N = (("notice_method", "post"),)
REFUSALS = (
    Refusal("refuse_legal_route_under_2022", lambda cw: _registered(
        cw, "letter", "non_acceptance_notice"), "refuse", "2023-03-02", P.TOWN_SUP,
        "reason_valid", (("reason", "legal_route"), *N)),
    Refusal("refuse_without_its_notice", lambda cw: _registered(cw, "letter"), "refuse",
        "2023-03-02", P.TOWN_SUP, "notice_given", (("reason", "outside_remit"), *N)),
    Refusal("forward_two_destinations", lambda cw: _registered(
        cw, "letter", "forwarding_letter", "forwarding_notice"), "forward", "2023-03-02",
        P.TOWN_CLERK, "one_destination", (("to_office", "shanmei"), ("to_organ", "某局"), *N)),
    Refusal("forward_an_accusation_to_an_office", lambda cw: _registered(
        cw, "letter", "forwarding_letter", "forwarding_notice", category="accusation"),
        "forward", "2023-03-02", P.TOWN_CLERK, "accusation_to_discipline",
        (("to_office", "shanmei"), *N)),
    Refusal("accept_a_matter_for_litigation", lambda cw: _registered(
        cw, "letter", "acceptance_notice", litigation="yes"), "accept", "2023-03-02",
        P.TOWN_SUP, "not_litigation", N),
    Refusal("object_a_matter_not_received", lambda cw: _registered(cw, "objection"), "object",
        "2023-03-02", P.TOWN_SUP, "received", (("reason", "不属本所"),)),
    Refusal("uphold_without_the_outside_answer", _objected_from_outside, "uphold_objection",
        "2023-03-10", P.TOWN_SUP, "outside_answer", (("reason", "同意"),)),
    Refusal("take_back_without_the_letter", _forwarded_out, "take_back", "2023-03-06",
        P.TOWN_SUP, "outside_return"),
    Refusal("divert_without_its_notice", lambda cw: _registered(cw, "letter"), "divert",
        "2023-03-02", P.TOWN_SUP, "notice_given", (("route", "litigation"), *N)),
    Refusal("deliver_twice", _delivered, "deliver", "2023-03-21", P.TOWN_CLERK,
        "once_per_opinion", (("method", "post"),)),
    Refusal("hearing_end_without_a_hearing", lambda cw: _reviewing_with_record(cw),
        "hearing_end", "2023-02-10", P.CITY_SUP, "hearing_open"),
    Refusal("evaluate_before_delivery", lambda cw: _replied(cw), "evaluate", "2023-03-21",
        P.TOWN_CLERK, "delivered", (("rating", "satisfied"), ("method", "sms"))),
    Refusal("evaluate_an_accusation", _accusation_replied, "evaluate", "2020-03-03",
        P.TOWN_CLERK, "evaluation_scope", (("rating", "satisfied"), ("method", "sms"))),
    Refusal("rereview_by_the_reviewer", _rereview_of_the_reviewer, "rereview", "2023-03-20",
        P.CITY_SUP, "rereviewer_is_upper", (("outcome", "explain"),)),
    Refusal("report_twice", _reported, "report", "2023-03-13", P.TOWN_SUP, "report_once"),
    Refusal("answer_before_supervision", lambda cw: _registered(cw, "supervision_answer"),
        "answer_supervision", "2023-03-02", P.TOWN_SUP, "after_supervision"),
    Refusal("extend_twice", lambda cw: _extended(cw), "extend", "2023-03-20", P.TOWN_SUP,
        "extend_once", (("days", "5"), ("reason", "复杂"), *N)),
)  # fmt: skip


def _extended(cw: Casework) -> str:
    case_no = P.register(cw, "2023-03-02")
    P.accept(cw, case_no, "2023-03-02")
    P.doc(cw, P.TOWN_CLERK, case_no, "extension_notice", "2023-03-10")
    values = {"days": "10", "reason": "复杂", **P.NOTICE}
    cw.acting(P.TOWN_SUP).advance(case_no, "extend", values, at="2023-03-10")
    return case_no


@pytest.mark.parametrize("case", REFUSALS, ids=[r.name for r in REFUSALS])
def test_each_guard_refuses_through_the_cli(cli: Cli, cw: Casework, case: Refusal) -> None:
    case_no = case.setup(cw)
    before = show(cli, case_no, "2024-06-01")
    args = advancing(case_no, case.trigger, case.at, **dict(case.sets))
    refused(cli, case.rule, *args, user=case.user)
    after = show(cli, case_no, "2024-06-01")
    assert (after["state"], len(after["history"])) == (before["state"], len(before["history"]))


# -- the limits of 1.6 as case show --json gives them ------------------------------------------


def test_the_windows_and_duties_in_case_show(cli: Cli, cw: Casework) -> None:
    case_no = P.register(cw, "2021-03-01")
    decide = limits(cli, case_no, "2021-03-02")["decide_limit"]
    assert (decide["date"], decide["binds"], decide["bound_office"]) == (
        "2021-03-16", "office", "panzhou",
    )  # fmt: skip
    assert decide["article"] == "《信访条例》第二十一条第一款、第二十二条第二款"
    P.replied(cw, case_no, "2021-03-02", "2021-03-10", "2021-03-12")
    window = limits(cli, case_no, "2021-03-13")["review_window"]
    assert (window["start"], window["date"], window["binds"]) == (
        "2021-03-12", "2021-04-12", "party",
    )  # fmt: skip
    assert window["article"] == "《信访条例》第三十四条"
    P.doc(cw, P.TOWN_CLERK, case_no, "supervision_letter", "2021-03-15")
    advance(cli, case_no, "supervise", "2021-03-15", P.BUREAU_SUP, note="请及时办结")
    answer = limits(cli, case_no, "2021-03-16")["supervision_answer"]
    assert (answer["date"], answer["bound_office"]) == ("2021-04-14", "panzhou")
    doc(cli, case_no, "supervision_answer", "2021-03-20", P.TOWN_CLERK)
    advance(cli, case_no, "answer_supervision", "2021-03-20", P.TOWN_SUP)
    assert "supervision_answer" not in limits(cli, case_no, "2021-03-21")
