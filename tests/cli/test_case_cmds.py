"""``casework case`` (cli/case_cmds.py): register, advance, doc, show, list, history; every path
of each procedure; every kind of refusal, each one line ending with the option to fix and
leaving the database as it was; Chinese labels as input."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from casework.api import Casework
from tests import mediations as M
from tests import petitions as P
from tests.cli.checks import error_line
from tests.databases import Templates, shared_database
from tests.helpers import NOBODY, VALID_ID, Cli, FrozenClock, dump
from tests.paths import NOW, PATHS, Path


@dataclass(frozen=True)
class Cases:
    registered: str
    handling: str
    replied_long_ago: str
    extended: str
    performed: str
    concluded: str
    shanmei: str
    repeat: str


def build_cases(cw: Casework) -> Cases:
    """A case in each state the refusals need, each taken there as the law runs it (petition.md:
    the letter and notice on file before routing, delivery before the review window runs, the
    review decided by the justice bureau and the re-review recorded from Maoming's)."""
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    p = "petitioner:陈某:" + VALID_ID
    registered = clerk.register("petition", "panzhou", "登记", [p], at="2020-11-01")["case_no"]
    for kind in ("letter", "acceptance_notice"):
        P.doc(cw, P.TOWN_CLERK, registered, kind, "2020-11-01")
    handling = clerk.register("petition", "panzhou", "办理", at="2020-10-01")["case_no"]
    P.accept(cw, handling, "2020-10-02")
    replied = clerk.register("petition", "panzhou", "已答复", at="2020-06-01")["case_no"]
    P.replied(cw, replied, "2020-06-02", "2020-07-01", "2020-07-01")
    P.doc(cw, P.TOWN_CLERK, replied, "review_request", "2020-07-01")
    extended = clerk.register("petition", "panzhou", "已延期", at="2020-09-01")["case_no"]
    P.accept(cw, extended, "2020-09-02")
    P.doc(cw, P.TOWN_CLERK, extended, "extension_notice", "2020-10-20")
    sup.advance(extended, "extend", {"days": "10", "reason": "复杂", **P.NOTICE}, at="2020-10-20")
    med = cw.acting("med_pz")
    sides = list(M.SIDES)  # a mediation is accepted with two sides
    performed = clerk.register("mediation", "panzhou", "调解", sides, at="2020-08-01")["case_no"]
    med.advance(performed, "accept", {"mediator": "med_pz"}, at="2020-08-02")
    med.advance(performed, "agree", {"form": "written"}, at="2020-08-03")
    med.advance(performed, "perform", at="2020-08-10")
    med.advance(performed, "follow_up", {"satisfaction": "satisfied"}, at="2020-08-20")
    clerk.add_document(performed, "application", at="2020-08-20T10:00")
    concluded = P.rereviewing(cw, "2020-01-02", "2020-01-20", "2020-02-10", "2020-02-20")
    P.doc(cw, P.CITY_CLERK, concluded, "rereview_opinion", "2020-03-10")
    outside = {"outcome": "not_support", "organ": "茂名市司法局", "doc_no": "茂司复核〔2020〕1号"}
    cw.acting(P.CITY_CLERK).advance(concluded, "rereview", outside, at="2020-03-10")
    shanmei = cw.acting("clerk_sm").register("petition", "shanmei", "山美", at="2020-11-02")
    repeat = P.register(cw, "2020-11-03")
    for kind in ("letter", "acceptance_notice"):
        P.doc(cw, P.TOWN_CLERK, repeat, kind, "2020-11-03")
    clerk.link(repeat, concluded, "same_matter", at="2020-11-03T12:00")
    return Cases(
        registered,
        handling,
        replied,
        extended,
        performed,
        concluded,
        shanmei["case_no"],
        repeat,
    )


@pytest.fixture
def cases(cw: Casework) -> Cases:
    """The cases of ``build_cases`` in the test's own database, for a test that writes."""
    return build_cases(cw)


@dataclass(frozen=True)
class Shared:
    cw: Casework
    cli: Cli
    cases: Cases


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[Shared]:
    """The cases of ``build_cases`` built once per backend, for the tests that only read them or
    are refused (each of those checks the database is as it was): building them for each of
    about fifty such tests was most of their time."""
    with shared_database(request.param, tmp_path_factory, templates) as (url, clock):
        cw = Casework(url, clock=clock)
        try:
            yield Shared(cw, Cli(url, clock), build_cases(cw))
        finally:
            cw.close()


def _fill(args: list[str], cases: Cases) -> list[str]:
    return [a.format(**cases.__dict__) for a in args]


REGISTER = ["case", "register", "petition", "--office", "panzhou", "--title", "t"]
REPLY = ["case", "advance", "{handling}", "reply", "--set", "outcome=support"]
EXTEND = "case advance {case} extend --set days={days} --set reason=x --set notice_method=post"

# (name, user, args with {placeholders} for case numbers, words the line must contain (the
# stable parts: case numbers, English identifiers), the option it ends with, or None)
REFUSALS: list[tuple[str, str | None, list[str], list[str], str | None]] = [
    (
        "wrong_state",
        "sup_pz",
        ["case", "advance", "{registered}", "reply", "--set", "outcome=support"],
        ["{registered}", "registered", "reply", "handling"],
        None,
    ),
    (
        "wrong_role",
        "clerk_pz",
        ["case", "advance", "{registered}", "accept"],
        ["{registered}", "accept", "supervisor", "clerk"],
        "--as",
    ),
    ("other_town", "sup_sm", ["case", "advance", "{registered}", "accept"], ["panzhou"], None),
    ("other_town_show", "clerk_sm", ["case", "show", "{registered}"], ["panzhou"], None),
    (
        "missing_value",
        "sup_pz",
        ["case", "advance", "{handling}", "reply"],
        ["{handling}", "reply", "outcome"],
        "--set outcome=...",
    ),
    (
        "bad_choice",
        "sup_pz",
        ["case", "advance", "{handling}", "reply", "--set", "outcome=maybe"],
        ["outcome", "support", "'maybe'"],
        "--set outcome=...",
    ),
    (
        "too_many_days",
        "sup_pz",
        [*EXTEND.format(case="{handling}", days=31).split()],
        ["days", "30"],
        "--set days=...",
    ),
    (
        "days_not_number",
        "sup_pz",
        [*EXTEND.format(case="{handling}", days="ten").split()],
        ["days", "'ten'"],
        "--set days=...",
    ),
    (
        "unknown_value",
        "sup_pz",
        ["case", "advance", "{registered}", "accept", "--set", "foo=1"],
        ["'foo'"],
        "--set foo=...",
    ),
    (
        "extend_twice",
        "sup_pz",
        [*EXTEND.format(case="{extended}", days=5).split()],
        ["{extended}", "handling", "extend", "extend_once"],
        None,
    ),
    (
        "town_supervise",
        "sup_pz",
        ["case", "advance", "{handling}", "supervise", "--note", "快"],
        ["city", "supervise"],
        "--as",
    ),
    (
        "late_review",
        "clerk_pz",
        ["case", "advance", "{replied_long_ago}", "request_review"],
        ["review_window", "2020-07-31"],
        None,
    ),
    (
        "archive_missing_docs",
        "sup_pz",
        ["case", "advance", "{performed}", "archive"],
        ["case_file_complete", "record", "agreement", "follow_up"],
        None,
    ),
    (
        "back_dated",
        "sup_pz",
        [*REPLY, "--at", "2020-09-30"],
        ["{handling}", "before the case's previous event"],
        "--at",
    ),
    ("future", "sup_pz", [*REPLY, "--at", "2021-06-01"], ["future"], "--at"),
    ("malformed_date", "sup_pz", [*REPLY, "--at", "2020-13-45"], ["'2020-13-45'"], "--at"),
    (
        "bad_id_number",
        "clerk_pz",
        [*REGISTER, "--party", "petitioner:张三:110101199003074515"],
        ["ID number", "check digit"],
        "--party",
    ),
    (
        "bad_phone",
        "clerk_pz",
        [*REGISTER, "--party", "petitioner:张三::12345"],
        ["phone"],
        "--party",
    ),
    ("bad_party_role", "clerk_pz", [*REGISTER, "--party", "judge:张三"], ["'judge'"], "--party"),
    (
        "party_malformed",
        "clerk_pz",
        [*REGISTER, "--party", "张三"],
        ["ROLE:NAME[:ID[:PHONE]]"],
        "--party",
    ),
    (
        "unknown_case",
        "sup_pz",
        ["case", "advance", "XF-2020-panzhou-09999", "accept"],
        ["XF-2020-panzhou-09999"],
        "CASE_NO",
    ),
    (
        "unknown_office",
        "clerk_pz",
        ["case", "register", "petition", "--office", "atlantis", "--title", "t"],
        ["'atlantis'"],
        "--office",
    ),
    ("unknown_user", "nobody", ["case", "advance", "{registered}", "accept"], ["nobody"], "--as"),
    ("no_user", NOBODY, ["case", "advance", "{registered}", "accept"], ["acting user"], "--as"),
    (
        "unknown_kind",
        "clerk_pz",
        ["case", "register", "lawsuit", "--office", "panzhou", "--title", "t"],
        ["'lawsuit'"],
        "KIND",
    ),
    (
        "unknown_trigger",
        "sup_pz",
        ["case", "advance", "{registered}", "approve"],
        ["'approve'"],
        "TRIGGER",
    ),
    ("viewer_registers", "viewer1", REGISTER, ["viewer"], "--as"),
    (
        "empty_title",
        "clerk_pz",
        ["case", "register", "petition", "--office", "panzhou", "--title", "   "],
        ["title"],
        "--title",
    ),
    (
        # A repeat is registered (G art. 44(1)) and refused only at acceptance, the guard
        # named: a matter concluded on re-review is not accepted again (X art. 35 para 3).
        "concluded_repeat",
        "sup_pz",
        ["case", "advance", "{repeat}", "accept", "--set", "notice_method=post"],
        ["{repeat}", "{concluded}", "not_concluded"],
        None,
    ),
    (
        "unknown_link",
        "clerk_pz",
        [*REGISTER, "--link", "XF-2019-panzhou-09999"],
        ["XF-2019-panzhou-09999"],
        "--link",
    ),
    (
        "reveal_as_clerk",
        "clerk_pz",
        ["case", "show", "{registered}", "--reveal"],
        ["supervisor", "admin"],
        "--reveal",
    ),
    (
        "show_bad_as_of",
        "clerk_pz",
        ["case", "show", "{registered}", "--as-of", "2020-02-30"],
        ["'2020-02-30'"],
        "--as-of",
    ),
    (
        "doc_kind_unknown",
        "clerk_pz",
        ["case", "doc", "{performed}", "selfie"],
        ["'selfie'"],
        "DOC_KIND",
    ),
    (
        "doc_missing_file",
        "clerk_pz",
        ["case", "doc", "{performed}", "record", "--file", "/nonexistent/x.pdf"],
        ["/nonexistent/x.pdf"],
        "--file",
    ),
    (
        "doc_on_closed_case",
        "clerk_pz",
        ["case", "doc", "{concluded}", "evidence"],
        ["{concluded}", "closed to new documents"],
        None,
    ),
    (
        "list_bad_state",
        "admin",
        ["case", "list", "--kind", "petition", "--state", "flying"],
        ["'flying'"],
        "--state",
    ),
    ("list_bad_limit", "admin", ["case", "list", "--limit", "0"], ["limit"], "--limit"),
    (
        "list_huge_limit",
        "admin",
        ["case", "list", "--limit", "99999999999999999999"],
        ["limit", "1,000,000", "99999999999999999999"],
        "--limit",
    ),
    (
        "list_bad_as_of",
        "admin",
        ["case", "list", "--overdue", "--as-of", "yesterday"],
        ["'yesterday'"],
        "--as-of",
    ),
    ("history_unknown", "admin", ["case", "history", "XF-1"], ["'XF-1'"], "CASE_NO"),
]


@pytest.mark.parametrize("name,user,args,words,hint", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal(
    shared: Shared,
    name: str,
    user: str | None,
    args: list[str],
    words: list[str],
    hint: str | None,
) -> None:
    cw, cli, cases = shared.cw, shared.cli, shared.cases
    before = dump(cw.engine)
    line = error_line(cli(*_fill(args, cases), user=user), 1, hint)
    for word in words:
        assert word.format(**cases.__dict__) in line, line
    assert dump(cw.engine) == before


def test_mediator_must_be_a_mediator(cw: Casework, cli: Cli) -> None:
    case_no = cw.acting("clerk_pz").register("mediation", "panzhou", "t", at="2020-11-20")[
        "case_no"
    ]
    before = dump(cw.engine)
    result = cli("case", "advance", case_no, "accept", "--set", "mediator=clerk_pz", user="sup_pz")
    line = error_line(result, 1, "--set mediator=...")
    assert "'clerk_pz'" in line and "clerk" in line and "mediator" in line
    assert dump(cw.engine) == before


# (args, the usage error's Chinese words, its option)
USAGE: list[tuple[list[str], str, str]] = [
    (["case", "advance", "{registered}", "accept", "--set", "novalue"], "名称=值", "--set"),
    (["case", "advance", "{registered}", "accept", "--set", "=x"], "名称=值", "--set"),
    (
        ["case", "advance", "{registered}", "accept", "--set", "a=1", "--set", "a=2"],
        "两次",
        "--set",
    ),
    (["case", "advance", "{registered}", "accept", "--bogus"], "没有此选项", "--bogus"),
    (["case", "advance", "{registered}"], "缺少参数", "TRIGGER"),
    (["case", "register", "petition", "--title", "no office"], "缺少选项", "--office"),
    (["case", "frobnicate"], "没有此命令", "frobnicate"),
    (["case", "list", "--limit", "many"], "应为整数", "--limit"),
    (["case", "list", "--limit"], "选项缺少取值", "--limit"),
    (["case", "show", "{registered}", "extra"], "多余的参数", "extra"),
]


@pytest.mark.parametrize("args,chinese,names", USAGE, ids=[" ".join(u[0][1:]) for u in USAGE])
def test_usage_errors_exit_2(shared: Shared, args: list[str], chinese: str, names: str) -> None:
    cw, cli, cases = shared.cw, shared.cli, shared.cases
    before = dump(cw.engine)
    line = error_line(cli(*_fill(args, cases), user="sup_pz"), 2)
    # Chinese first, then Typer's English or ours, naming what is wrong.
    assert line.removeprefix("Error: ").split()[0].isascii() is False, line
    assert chinese in line and names in line, line
    assert dump(cw.engine) == before


def test_case_list_filters_newest_first(cw: Casework, cli: Cli) -> None:
    clerk = cw.acting("clerk_pz")
    a = clerk.register("petition", "panzhou", "a", at="2020-03-01")["case_no"]
    b = clerk.register("mediation", "panzhou", "b", at="2020-04-01")["case_no"]
    c = cw.acting("clerk_sm").register("petition", "shanmei", "c", at="2020-05-01")["case_no"]
    rows = json.loads(cli("case", "list", "--json").stdout)
    assert [r["case_no"] for r in rows] == [c, b, a]
    assert set(rows[0]) >= {"case_no", "kind", "office", "state", "registered_at"}
    only = json.loads(
        cli("case", "list", "--kind", "petition", "--office", "panzhou", "--json").stdout
    )
    assert [r["case_no"] for r in only] == [a]
    mine = json.loads(cli("case", "list", "--json", user="clerk_sm").stdout)
    assert [r["case_no"] for r in mine] == [c]
    assert "案件" in cli("case", "list").stdout


def test_case_doc_keeps_name_and_sha256(cw: Casework, cli: Cli, tmp_path: os.PathLike[str]) -> None:
    case_no = cw.acting("clerk_pz").register("mediation", "panzhou", "t", at="2020-11-01")[
        "case_no"
    ]
    path = os.path.join(str(tmp_path), "申请书.pdf")
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4 application")
    result = cli("case", "doc", case_no, "application", "--file", path, "--json", user="clerk_pz")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)["document"]
    assert doc["file_name"] == "申请书.pdf"
    assert doc["sha256"] == hashlib.sha256(b"%PDF-1.4 application").hexdigest()
    shown = json.loads(cli("case", "show", case_no, "--json").stdout)
    assert shown["documents"][0]["sha256"] == doc["sha256"]
    assert shown["history"][-1]["trigger"] == "doc"
    assert "record" in shown["missing_documents"]
    table = cli("case", "doc", case_no, "record", "--file", path, user="clerk_pz")
    text = " ".join(table.stdout.split())
    assert table.exit_code == 0 and "申请书.pdf sha256:" + doc["sha256"][:12] in text


def test_case_show_lists_triggers_for_the_acting_user(cw: Casework, cli: Cli) -> None:
    case_no = cw.acting("clerk_pz").register("petition", "panzhou", "t", at="2020-11-01")["case_no"]
    as_clerk = json.loads(cli("case", "show", case_no, "--json", user="clerk_pz").stdout)
    assert as_clerk["triggers"] == ["forward"]
    as_sup = json.loads(cli("case", "show", case_no, "--json", user="sup_pz").stdout)
    assert as_sup["triggers"][:3] == ["accept", "refuse", "forward"]
    # A 2020 petition follows the 2005 rules, which have no objection and no diversion.
    assert as_sup["rules"]["name"] == "xf2005"
    assert not {"object", "divert", "reply"} & set(as_sup["triggers"])
    assert as_sup["due"] is None or set(as_sup["due"]) >= {"date", "rule", "overdue"}


def test_case_show_and_history_tables(shared: Shared) -> None:
    cli, cases = shared.cli, shared.cases
    shown = cli("case", "show", cases.handling, "--as-of", "2020-12-01", user="sup_pz")
    assert shown.exit_code == 0, shown.stderr
    for word in (cases.handling, "办理中 handling", "受理 accept", "可用操作 triggers"):
        assert word in shown.stdout, word
    history = cli("case", "history", cases.extended, user="sup_pz")
    assert history.exit_code == 0, history.stderr
    assert cases.extended in history.stdout and "extend" in history.stdout
    events = json.loads(cli("case", "history", cases.extended, "--json").stdout)
    steps = [e["trigger"] for e in events if e["trigger"] != "doc"]
    assert steps == ["register", "accept", "extend"]
    filed = [e["data"].get("kind") for e in events if e["trigger"] == "doc"]
    assert "extension_notice" in filed and "acceptance_notice" in filed, filed


def test_advance_with_a_ref_is_recorded_once(cw: Casework, cli: Cli, cases: Cases) -> None:
    args = ["case", "advance", cases.registered, "accept", "--ref", "letter-7"]
    args += ["--set", "notice_method=post"]
    first = cli(*args, user="sup_pz")
    assert first.exit_code == 0, first.stderr
    again = cli(*args, "--json", user="sup_pz")
    assert again.exit_code == 0 and json.loads(again.stdout)["repeated"] is True
    assert "recorded before" in cli(*args, user="sup_pz").stdout


# -- Chinese labels as input -------------------------------------------------------------------


def test_a_procedure_a_party_role_and_a_choice_by_their_chinese_labels(
    cw: Casework, cli: Cli
) -> None:
    result = cli(
        "case",
        "register",
        "信访事项",
        "--office",
        "panzhou",
        "--title",
        "来访",
        "--party",
        "信访人:陈某",
        "--set",
        "channel=来访",
        "--json",
        user="clerk_pz",
    )
    assert result.exit_code == 0, result.stderr
    case_no = json.loads(result.stdout)["case_no"]
    shown = cw.show(case_no)
    assert shown["kind"] == "petition" and shown["data"]["channel"] == "visit"
    assert shown["parties"][0]["role"] == "petitioner"
    mediation = cli(
        "case",
        "register",
        "人民调解",
        "--office",
        "panzhou",
        "--title",
        "邻里",
        "--party",
        "申请人:张三",
        "--set",
        "dispute_type=邻里",
        "--json",
        user="clerk_pz",
    )
    assert mediation.exit_code == 0, mediation.stderr
    assert cw.show(json.loads(mediation.stdout)["case_no"])["parties"][0]["role"] == "applicant"


def test_a_trigger_and_a_state_by_their_chinese_labels(
    cw: Casework, cli: Cli, cases: Cases
) -> None:
    accepted = cli(
        "case",
        "advance",
        cases.registered,
        "受理",
        "--set",
        "notice_method=邮寄",
        "--json",
        user="sup_pz",
    )
    assert accepted.exit_code == 0, accepted.stderr
    out = json.loads(accepted.stdout)
    assert out["event"]["trigger"] == "accept" and out["state"] == "handling"
    assert out["event"]["data"]["notice_method"] == "post"
    by_label = json.loads(cli("case", "list", "--state", "办理中", "--json").stdout)
    by_name = json.loads(cli("case", "list", "--state", "handling", "--json").stdout)
    assert by_label == by_name and cases.registered in {r["case_no"] for r in by_label}
    mediating = json.loads(
        cli("case", "list", "--kind", "人民调解", "--state", "已履行", "--json").stdout
    )
    assert [r["case_no"] for r in mediating] == [cases.performed]


def test_the_help_says_labels_are_accepted(cli: Cli) -> None:
    for args, label in (
        (["case", "register", "--help"], "信访事项"),
        (["case", "register", "--help"], "申请人:张三"),
        (["case", "register", "--help"], "channel=来访"),
        (["case", "advance", "--help"], "受理"),
        (["case", "list", "--help"], "调解中"),
    ):
        text = cli(*args).stdout
        assert label in text and "Chinese label" in " ".join(text.split()), (args, label)


# -- every path of each procedure ----------------------------------------------------------------


def run_path_cli(cli: Cli, path: Path) -> str:
    args = [
        "case",
        "register",
        path.kind,
        "--office",
        path.office,
        "--title",
        path.name,
        "--at",
        path.registered_at,
        "--json",
    ]
    for party in path.parties:
        args += ["--party", party]
    for key, value in path.register_values.items():
        args += ["--set", f"{key}={value}"]
    result = cli(*args, user=path.registrar)
    assert result.exit_code == 0, result.stderr
    registered = json.loads(result.stdout)
    assert set(registered) >= {"case_no", "kind", "office", "state"}
    case_no = registered["case_no"]
    for step in path.steps:
        if step.action.startswith("doc:"):
            args = ["case", "doc", case_no, step.action[4:], "--at", step.at, "--json"]
        else:
            args = ["case", "advance", case_no, step.action, "--at", step.at, "--json"]
            for key, value in step.values.items():
                args += ["--set", f"{key}={value}"]
            if step.note:
                args += ["--note", step.note]
        result = cli(*args, user=step.user)
        assert result.exit_code == 0, (step, result.stderr)
        out = json.loads(result.stdout)
        assert out["state"] == step.expect
        if not step.action.startswith("doc:"):
            assert set(out["event"]) >= {
                "seq",
                "trigger",
                "from_state",
                "to_state",
                "occurred_at",
                "recorded_at",
                "actor",
            }
            assert out["event"]["trigger"] == step.action
    return case_no


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_path_through_cli(cli: Cli, clock: FrozenClock, path: Path) -> None:
    clock.set(NOW)  # after the last step of every path (some run under the 2022 rules)
    case_no = run_path_cli(cli, path)
    result = cli("case", "show", case_no, "--json", user="admin")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    keys = {
        "case_no",
        "kind",
        "office",
        "title",
        "state",
        "state_label",
        "data",
        "parties",
        "documents",
        "triggers",
        "due",
        "history",
    }
    assert keys <= set(shown)
    assert shown["state"] == path.steps[-1].expect
    assert len(shown["history"]) == len(path.steps) + 1
    # the human table renders too
    table = cli("case", "show", case_no, user="admin")
    assert table.exit_code == 0 and case_no in table.stdout


def test_case_list_pages_50_unless_limit_or_all(cw: Casework, cli: Cli) -> None:
    """Issue 17: a listing shows a terminal's page, says when there are more, and lists every
    match with --all."""
    clerk = cw.acting("clerk_pz")
    for n in range(53):
        clerk.register("petition", "panzhou", f"第{n}件", at="2020-11-02")
    page = cli("case", "list", "--json", user="admin")
    assert page.exit_code == 0 and len(json.loads(page.stdout)) == 50
    table = cli("case", "list", user="admin")
    assert "first 50 shown; --limit N or --all for more" in table.stdout
    assert len(json.loads(cli("case", "list", "--all", "--json", user="admin").stdout)) == 53
    assert (
        len(json.loads(cli("case", "list", "--limit", "52", "--json", user="admin").stdout)) == 52
    )
    exact = cli("case", "list", "--limit", "53", user="admin")
    assert "shown; --limit" not in exact.stdout
