"""Every kind of refusal: exit code 1 (2 for usage), one line on stderr, no traceback, and a
database whose content is unchanged."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from casework.api import Casework
from tests.helpers import VALID_ID, Cli, FrozenClock, dump


@dataclass(frozen=True)
class Cases:
    registered: str
    handling: str
    replied_long_ago: str
    extended: str
    performed: str
    concluded: str
    shanmei: str


@pytest.fixture
def cases(cw: Casework) -> Cases:
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    p = "petitioner:陈某:" + VALID_ID
    registered = clerk.register("petition", "panzhou", "登记", [p], at="2020-11-01")["case_no"]
    handling = clerk.register("petition", "panzhou", "办理", at="2020-10-01")["case_no"]
    sup.advance(handling, "accept", at="2020-10-02")
    replied = clerk.register("petition", "panzhou", "已答复", at="2020-06-01")["case_no"]
    sup.advance(replied, "accept", at="2020-06-02")
    sup.advance(replied, "reply", {"outcome": "explain"}, at="2020-07-01")
    extended = clerk.register("petition", "panzhou", "已延期", at="2020-09-01")["case_no"]
    sup.advance(extended, "accept", at="2020-09-02")
    sup.advance(extended, "extend", {"days": "10", "reason": "复杂"}, at="2020-10-20")
    med = cw.acting("med_pz")
    performed = clerk.register("mediation", "panzhou", "调解", at="2020-08-01")["case_no"]
    med.advance(performed, "accept", {"mediator": "med_pz"}, at="2020-08-02")
    med.advance(performed, "agree", {"form": "written"}, at="2020-08-03")
    med.advance(performed, "perform", at="2020-08-10")
    med.advance(performed, "follow_up", {"satisfaction": "satisfied"}, at="2020-08-20")
    clerk.add_document(performed, "application", at="2020-08-20T10:00")
    concluded = clerk.register("petition", "panzhou", "终结", [p], at="2020-01-02")["case_no"]
    for trig, values, at in [
        ("accept", {}, "2020-01-03"),
        ("reply", {"outcome": "not_support"}, "2020-02-01"),
        ("request_review", {}, "2020-02-10"),
        ("review", {"outcome": "not_support"}, "2020-03-01"),
        ("request_rereview", {}, "2020-03-10"),
        ("rereview", {"outcome": "not_support"}, "2020-04-01"),
    ]:
        sup.advance(concluded, trig, values, at=at)
    shanmei = cw.acting("clerk_sm").register("petition", "shanmei", "山美", at="2020-11-02")
    return Cases(registered, handling, replied, extended, performed, concluded, shanmei["case_no"])


# (name, user, args with {placeholders} for case numbers, words the error line must contain)
REFUSALS = [
    (
        "wrong_state",
        "sup_pz",
        ["case", "advance", "{registered}", "reply", "--set", "outcome=support"],
        ["'registered'", "'reply'", "'handling'"],
    ),
    (
        "wrong_role",
        "clerk_pz",
        ["case", "advance", "{registered}", "accept"],
        ["'accept'", "supervisor", "clerk"],
    ),
    ("other_town", "sup_sm", ["case", "advance", "{registered}", "accept"], ["panzhou"]),
    ("other_town_show", "clerk_sm", ["case", "show", "{registered}"], ["panzhou"]),
    ("missing_value", "sup_pz", ["case", "advance", "{handling}", "reply"], ["'reply'", "outcome"]),
    (
        "bad_choice",
        "sup_pz",
        ["case", "advance", "{handling}", "reply", "--set", "outcome=maybe"],
        ["outcome", "support"],
    ),
    (
        "too_many_days",
        "sup_pz",
        ["case", "advance", "{handling}", "extend", "--set", "days=31", "--set", "reason=x"],
        ["days", "30"],
    ),
    (
        "days_not_number",
        "sup_pz",
        ["case", "advance", "{handling}", "extend", "--set", "days=ten", "--set", "reason=x"],
        ["days"],
    ),
    (
        "unknown_value",
        "sup_pz",
        ["case", "advance", "{registered}", "accept", "--set", "foo=1"],
        ["foo"],
    ),
    (
        "extend_twice",
        "sup_pz",
        ["case", "advance", "{extended}", "extend", "--set", "days=5", "--set", "reason=again"],
        ["{extended}", "'handling'", "'extend'", "extend_once"],
    ),
    (
        "town_supervise",
        "sup_pz",
        ["case", "advance", "{handling}", "supervise", "--note", "快"],
        ["city"],
    ),
    (
        "late_review",
        "clerk_pz",
        ["case", "advance", "{replied_long_ago}", "request_review"],
        ["review_window", "2020-07-31"],
    ),
    (
        "archive_missing_docs",
        "sup_pz",
        ["case", "advance", "{performed}", "archive"],
        ["case_file_complete", "record", "agreement", "follow_up"],
    ),
    (
        "back_dated",
        "sup_pz",
        [
            "case",
            "advance",
            "{handling}",
            "reply",
            "--set",
            "outcome=support",
            "--at",
            "2020-09-30",
        ],
        ["before", "previous event"],
    ),
    (
        "future",
        "sup_pz",
        [
            "case",
            "advance",
            "{handling}",
            "reply",
            "--set",
            "outcome=support",
            "--at",
            "2021-06-01",
        ],
        ["future"],
    ),
    (
        "malformed_date",
        "sup_pz",
        [
            "case",
            "advance",
            "{handling}",
            "reply",
            "--set",
            "outcome=support",
            "--at",
            "2020-13-45",
        ],
        ["2020-13-45"],
    ),
    (
        "bad_id_number",
        "clerk_pz",
        [
            "case",
            "register",
            "petition",
            "--office",
            "panzhou",
            "--title",
            "t",
            "--party",
            "petitioner:张三:110101199003074515",
        ],
        ["check digit"],
    ),
    (
        "bad_phone",
        "clerk_pz",
        [
            "case",
            "register",
            "petition",
            "--office",
            "panzhou",
            "--title",
            "t",
            "--party",
            "petitioner:张三::12345",
        ],
        ["phone"],
    ),
    (
        "bad_party_role",
        "clerk_pz",
        [
            "case",
            "register",
            "petition",
            "--office",
            "panzhou",
            "--title",
            "t",
            "--party",
            "judge:张三",
        ],
        ["judge"],
    ),
    (
        "unknown_case",
        "sup_pz",
        ["case", "advance", "XF-2020-panzhou-09999", "accept"],
        ["XF-2020-panzhou-09999"],
    ),
    (
        "unknown_office",
        "clerk_pz",
        ["case", "register", "petition", "--office", "atlantis", "--title", "t"],
        ["atlantis"],
    ),
    ("unknown_user", "nobody", ["case", "advance", "{registered}", "accept"], ["nobody"]),
    ("no_user", None, ["case", "advance", "{registered}", "accept"], ["--as"]),
    (
        "unknown_kind",
        "clerk_pz",
        ["case", "register", "lawsuit", "--office", "panzhou", "--title", "t"],
        ["lawsuit"],
    ),
    ("unknown_trigger", "sup_pz", ["case", "advance", "{registered}", "approve"], ["approve"]),
    (
        "viewer_registers",
        "viewer1",
        ["case", "register", "petition", "--office", "panzhou", "--title", "t"],
        ["viewer"],
    ),
    (
        "empty_title",
        "clerk_pz",
        ["case", "register", "petition", "--office", "panzhou", "--title", "   "],
        ["title"],
    ),
    (
        "concluded_repeat",
        "clerk_pz",
        [
            "case",
            "register",
            "petition",
            "--office",
            "panzhou",
            "--title",
            "again",
            "--link",
            "{concluded}",
        ],
        ["{concluded}", "concluded"],
    ),
    ("reveal_as_clerk", "clerk_pz", ["case", "show", "{registered}", "--reveal"], ["reveal"]),
    ("doc_kind_unknown", "clerk_pz", ["case", "doc", "{performed}", "selfie"], ["selfie"]),
    (
        "doc_missing_file",
        "clerk_pz",
        ["case", "doc", "{performed}", "record", "--file", "/nonexistent/x.pdf"],
        ["/nonexistent/x.pdf"],
    ),
    ("doc_on_closed_case", "clerk_pz", ["case", "doc", "{concluded}", "evidence"], ["closed"]),
    (
        "user_add_not_admin",
        "sup_pz",
        ["user", "add", "x1", "--name", "X", "--role", "clerk", "--office", "panzhou"],
        ["admin"],
    ),
    (
        "office_add_bad_level",
        "admin",
        ["office", "add", "newtown", "--name", "新镇", "--level", "village"],
        ["level"],
    ),
    (
        "user_bad_role",
        "admin",
        ["user", "add", "x1", "--name", "X", "--role", "king", "--office", "panzhou"],
        ["king"],
    ),
    (
        "list_bad_state",
        "admin",
        ["case", "list", "--kind", "petition", "--state", "flying"],
        ["flying"],
    ),
]


def _fill(args: list[str], cases: Cases) -> list[str]:
    return [a.format(**cases.__dict__) for a in args]


@pytest.mark.parametrize("name,user,args,words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal(
    cw: Casework,
    cli: Cli,
    cases: Cases,
    name: str,
    user: str | None,
    args: list[str],
    words: list[str],
) -> None:
    before = dump(cw.engine)
    result = cli(*_fill(args, cases), user=user)
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word.format(**cases.__dict__) in lines[0], lines[0]
    assert result.stdout == ""
    assert dump(cw.engine) == before


def test_mediator_must_be_a_mediator(cw: Casework, cli: Cli, cases: Cases) -> None:
    case_no = cw.acting("clerk_pz").register("mediation", "panzhou", "t", at="2020-11-20")[
        "case_no"
    ]
    before = dump(cw.engine)
    result = cli("case", "advance", case_no, "accept", "--set", "mediator=clerk_pz", user="sup_pz")
    assert result.exit_code == 1
    assert "not a mediator" in result.stderr
    assert dump(cw.engine) == before


USAGE = [
    ["case", "advance", "{registered}", "accept", "--set", "novalue"],
    ["case", "advance", "{registered}", "accept", "--set", "=x"],
    ["case", "advance", "{registered}", "accept", "--set", "a=1", "--set", "a=2"],
    ["case", "advance", "{registered}", "accept", "--bogus"],
    ["case", "register", "petition", "--title", "no office"],
    ["case", "frobnicate"],
    ["case", "list", "--limit", "many"],
]


@pytest.mark.parametrize("args", USAGE, ids=[" ".join(a[:2] + a[3:5]) for a in USAGE])
def test_usage_errors_exit_2(cw: Casework, cli: Cli, cases: Cases, args: list[str]) -> None:
    before = dump(cw.engine)
    result = cli(*_fill(args, cases), user="sup_pz")
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert dump(cw.engine) == before


def test_missing_database_is_refused_and_not_created(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(str(tmp_path), "absent.db")
    result = Cli(path, FrozenClock(datetime(2020, 1, 1, tzinfo=UTC)))("case", "list")
    assert result.exit_code == 1
    assert "casework init" in result.stderr
    assert not os.path.exists(path)
