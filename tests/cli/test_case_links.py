"""Repeat detection and what ``case show`` adds for petitions (petition.md 1.2, 1.5, 1.6 and
"CLI additions"): ``case register`` lists the same person's petitions it found, ``case link``
records a person's finding with the evidence shown, ``case show`` gives rules, flags,
reviewer, re-reviewer, limits (binds, bound_office, paused, article) and related, in the table
and in ``--json``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from casework.api import Casework
from tests import petitions as P
from tests.cli.checks import error_line
from tests.helpers import Cli, dump

PERSON = "petitioner:陈某:110101199003074514:13800138000"
# The same person without an ID number: recognised by name and phone.
BY_PHONE = "petitioner:陈某::13800138000"


def register(
    cli: Cli, *args: str, user: str = "clerk_pz", office: str = "panzhou"
) -> dict[str, Any]:
    result = cli(*("case", "register", "petition", "--office", office, "--json", *args), user=user)
    assert result.exit_code == 0, result.stderr
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def test_register_lists_the_same_persons_petitions_with_the_evidence(
    cw: Casework, cli: Cli
) -> None:
    first = P.register(cw, "2020-10-01", title="拖欠工资", request="讨要工资")
    elsewhere = P.register(
        cw, "2020-10-05", "shanmei", "clerk_sm", title="土地纠纷", parties=(BY_PHONE,)
    )
    out = register(
        cli,
        *("--title", "拖欠工资款", "--party", PERSON, "--set", "request=讨要工资"),
        *("--at", "2020-11-01"),
    )
    assert out["rules"] == "xf2005"  # registered in 2020: the 2005 rules
    related = {r["case_no"]: r for r in out["related"]}
    assert set(related) == {first, elsewhere}
    mine, theirs = related[first], related[elsewhere]
    assert mine["matched"] == ["id_number"] and mine["office"] == "panzhou"
    assert theirs["matched"] == ["name", "phone"] and theirs["office"] == "shanmei"
    # Another office's petition by number, office and state only (no score read from its
    # title and request), after those scored.
    assert theirs["title"] is None and mine["title"] == "拖欠工资"
    assert 0.5 < mine["similarity"] <= 1 and theirs["similarity"] is None
    assert [r["case_no"] for r in out["related"]] == [first, elsewhere]  # most alike first
    table = cli(
        *("case", "register", "petition", "--office", "panzhou", "--title", "拖欠工资"),
        *("--party", PERSON, "--at", "2020-11-02"),
        user="clerk_pz",
    )
    text = " ".join(table.stdout.split())
    assert table.exit_code == 0 and "related" in text and first in text, text


def test_case_link_records_the_finding_and_case_show_the_repeat(cw: Casework, cli: Cli) -> None:
    earlier = P.register(cw, "2020-09-01")
    later = P.register(cw, "2020-11-01")
    done = cli(
        *("case", "link", later, earlier, "--relation", "同一事项", "--note", "同一欠薪"),
        *("--at", "2020-11-01T12:00", "--json"),
        user="clerk_pz",
    )
    assert done.exit_code == 0, done.stderr
    found = json.loads(done.stdout)["link"]
    assert found["relation"] == "same_matter" and found["other"] == earlier
    assert found["matched"] == ["id_number"] and found["similarity"] == 1.0
    shown = json.loads(cli("case", "show", later, "--json", user="clerk_pz").stdout)
    assert {"name": "first_or_repeat", "label": "重复信访", "value": "repeat"} in shown["flags"]
    assert {"kind": "same_matter", "case_no": earlier} in [
        {"kind": link["kind"], "case_no": link["case_no"]} for link in shown["links"]
    ]
    link_event = shown["history"][-1]
    assert link_event["trigger"] == "link" and link_event["data"]["matched"] == ["id_number"]
    first = json.loads(cli("case", "show", earlier, "--json", user="clerk_pz").stdout)
    assert {"name": "first_or_repeat", "label": "初信初访", "value": "first"} in first[
        "flags"
    ]  # it points to no earlier one
    table = " ".join(cli("case", "show", later, user="clerk_pz").stdout.split())
    assert "重复信访 repeat" in table and "同一事项 same_matter" in table
    text = cli("case", "link", earlier, later, "--relation", "related", user="clerk_pz").stdout
    assert "相关事项 related" in text and "依据 evidence" in text


@pytest.fixture
def two(cw: Casework) -> tuple[str, str]:
    return P.register(cw, "2020-09-01"), P.register(cw, "2020-11-01")


LINK_REFUSALS = [
    ("bad_relation", ["--relation", "maybe"], "{b}", ["'maybe'", "same_matter"], "--relation"),
    ("unknown_other", ["--relation", "related"], "XF-2020-panzhou-09999", ["09999"], "OTHER"),
    ("itself", ["--relation", "related"], "{a}", ["{a}"], "OTHER"),
]


@pytest.mark.parametrize(
    "name,opts,other,words,hint", LINK_REFUSALS, ids=[r[0] for r in LINK_REFUSALS]
)
def test_case_link_refusals_name_their_option(
    cw: Casework,
    cli: Cli,
    two: tuple[str, str],
    name: str,
    opts: list[str],
    other: str,
    words: list[str],
    hint: str,
) -> None:
    a, b = two
    before = dump(cw.engine)
    target = other.format(a=a, b=b)
    line = error_line(cli("case", "link", a, target, *opts, user="clerk_pz"), 1, hint)
    for word in words:
        assert word.format(a=a, b=b) in line, line
    assert dump(cw.engine) == before


def test_case_link_needs_a_relation(cli: Cli, two: tuple[str, str]) -> None:
    line = error_line(cli("case", "link", *two, user="clerk_pz"), 2, None)
    assert "缺少选项" in line and "--relation" in line


def test_case_show_gives_reviewer_and_the_limit_bound_to_it(cw: Casework, cli: Cli) -> None:
    """A town petition under review: the review limit binds the city reviewer (its parent),
    the re-reviewer is Maoming's justice bureau outside casework."""
    case_no = P.reviewing(cw, "2020-09-01", "2020-09-20")
    shown = json.loads(
        cli("case", "show", case_no, "--as-of", "2020-10-01", "--json", user="sup_justice").stdout
    )
    assert shown["rules"]["name"] == "xf2005" and shown["rules"]["law"] == "《信访条例》"
    assert shown["reviewer"] == "city-justice" and shown["rereviewer"] == "ext:茂名市司法局"
    limits = {d["limit"]: d for d in shown["limits"]}
    review = limits["review_limit"]
    assert review["bound_office"] == "city-justice" and review["paused"] is False
    assert review["binds"] == "office" and "第三十四条" in review["article"]
    assert review["date"] == "2020-10-20"  # 30 days from the reviewer's receipt
    assert "review" in shown["triggers"]
    as_town = json.loads(cli("case", "show", case_no, "--json", user="sup_pz").stdout)
    assert "review" not in as_town["triggers"]  # a town cannot review its own reply
    text = " ".join(
        cli("case", "show", case_no, "--as-of", "2020-10-01", user="sup_justice").stdout.split()
    )
    for words in ("复查机关 reviewer", "city-justice", "复核机关 rereviewer", "期限 limits"):
        assert words in text, words
    assert "review_limit" in text and "xf2005" in text


def test_case_show_marks_a_limit_paused_by_a_hearing(cw: Casework, cli: Cli) -> None:
    """A hearing pauses the re-review limit (X art. 35 para 2): while it is open the limit has
    no last day and is never overdue."""
    case_no = P.rereviewing(cw, "2020-06-01", "2020-06-20", "2020-07-10", "2020-07-20")
    cw.acting(P.CITY_CLERK).advance(case_no, "hearing_start", at="2020-08-01")
    shown = json.loads(
        cli("case", "show", case_no, "--as-of", "2020-11-30", "--json", user="admin").stdout
    )
    limit = {d["limit"]: d for d in shown["limits"]}["rereview_limit"]
    assert limit["paused"] is True and limit["overdue"] is False and limit["date"] is None
    assert limit["binds"] == "outside"
    text = " ".join(
        cli("case", "show", case_no, "--as-of", "2020-11-30", user="admin").stdout.split()
    )
    assert "中止" in text and "paused" in text
    # The reviewer said once in the panel, with its label (the history's data names it again).
    panel = text.split("办理记录 history")[0]
    assert panel.count("city-justice") == 1, text
