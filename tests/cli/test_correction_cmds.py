"""``casework case correct`` (更正, issue 14 point 5): a typo put right with a reason, shown
with both values by ``case show`` and ``case history``, refused in one line naming the option
with nothing written, counted by the statistics as corrected."""

from __future__ import annotations

import json
from typing import Any

from casework.api import Casework
from tests import petitions as P
from tests.cli.checks import error_line
from tests.helpers import VALID_ID, VALID_ID_2, Cli, dump

TYPO = f"petitioner:陈某某:{VALID_ID_2}:13800138001"


def typo_case(cw: Casework) -> str:
    return P.register(cw, "2020-10-01", title="拖欠公资", parties=(TYPO,))


def corrected(cli: Cli, *args: str, user: str = "clerk_pz") -> dict[str, Any]:
    done = cli("case", "correct", *args, "--json", user=user)
    assert done.exit_code == 0, done.stderr
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def test_correct_a_party_and_show_both_values(cw: Casework, cli: Cli) -> None:
    case_no = typo_case(cw)
    out = corrected(
        cli,
        *(case_no, "--party", "1", "--name", "陈某", "--id-number", VALID_ID),
        *("--title", "拖欠工资", "--set", "channel=来访", "--reason", "登记时录入错误"),
    )
    assert out["event"]["trigger"] == "correct" and out["state"] == "registered"
    keys = [c["key"] for c in out["event"]["data"]["changes"]]
    assert keys == ["title", "1.name", "1.id_number", "channel"]
    shown = json.loads(cli("case", "show", case_no, "--json", user="clerk_pz").stdout)
    assert shown["title"] == "拖欠工资" and shown["parties"][0]["name"] == "陈某"
    assert shown["data"]["channel"] == "visit"
    change = {c["key"]: c for c in shown["history"][-1]["data"]["changes"]}["1.id_number"]
    assert (change["from"], change["to"]) == ("440981********0010", "110101********4514")
    # At 80 columns the step's label and code may sit on two lines of its cell.
    table = cli("case", "show", case_no, user="clerk_pz").stdout
    assert "│ 更正" in table and "│ correct" in table, table
    revealed = cli("case", "show", case_no, "--reveal", "--json", user="sup_pz").stdout
    change = {c["key"]: c for c in json.loads(revealed)["history"][-1]["data"]["changes"]}
    assert (change["1.id_number"]["from"], change["1.id_number"]["to"]) == (VALID_ID_2, VALID_ID)
    history = " ".join(cli("case", "history", case_no, user="clerk_pz").stdout.split())
    assert "更正 correct" in history and "陈某某 → 陈某" in history and "登记时录入错误" in history
    assert "440981********0010 → 110101********4514" in history  # masked, old and new
    assert VALID_ID not in history and VALID_ID_2 not in history
    verified = cli("audit", "verify", "--json", user="admin")
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True


def test_plain_output_says_what_changed(cw: Casework, cli: Cli) -> None:
    case_no = typo_case(cw)
    done = cli(
        *("case", "correct", case_no, "--party", "1", "--phone", "13800138000"),
        *("--reason", "电话错一位"),
        user="clerk_pz",
    )
    assert done.exit_code == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert f"{case_no}: 已更正 corrected" in text and "138****8001 → 138****8000" in text


def test_the_statistics_move_with_a_corrected_value(cw: Casework, cli: Cli) -> None:
    case_no = typo_case(cw)

    def by_channel() -> dict[str, int]:
        args = ("stats", "--from", "2020-01-01", "--by", "channel")
        out = json.loads(cli(*args, "--metric", "petition.registered", "--json").stdout)
        return {r["key"]: r["metrics"]["petition.registered"] for r in out["rows"]}

    assert by_channel().get("letter") == 1
    corrected(cli, case_no, "--set", "channel=visit", "--reason", "实为来访")
    after = by_channel()
    assert after.get("visit") == 1 and not after.get("letter")


def test_the_same_ref_twice_corrects_once(cw: Casework, cli: Cli) -> None:
    case_no = typo_case(cw)
    args = (case_no, "--title", "拖欠工资", "--reason", "错别字", "--ref", "fix-1")
    first = corrected(cli, *args)
    state = dump(cw.engine)
    again = corrected(cli, *args)
    assert again["repeated"] and again["event"]["seq"] == first["event"]["seq"]
    assert dump(cw.engine) == state


def test_refusals_are_one_line_naming_the_option(cw: Casework, cli: Cli) -> None:
    case_no = typo_case(cw)
    before = dump(cw.engine)
    cases = [
        ((case_no, "--title", "拖欠工资"), 1, "--reason", "理由"),
        ((case_no, "--party", "1", "--id-number", "110101199003074515", "--reason", "r"), 1,
         "--id-number", "校验码错误"),
        ((case_no, "--party", "3", "--name", "李某", "--reason", "r"), 1, "--party", "第 3 位"),
        ((case_no, "--set", "channel=pigeon", "--reason", "r"), 1, "--set channel=...", "信访形式"),
        ((case_no, "--title", "拖欠公资", "--reason", "r"), 1, "--title", "无需更正"),
        ((case_no, "--name", "李某", "--reason", "r"), 2, "--party", "--party N"),
        ((case_no, "--party", "1", "--reason", "r"), 2, "--party", "--name"),
    ]  # fmt: skip
    for args, code, hint, said in cases:
        line = error_line(cli("case", "correct", *args, user="clerk_pz"), code)
        assert said in line and hint in line, line
    viewer = error_line(cli("case", "correct", case_no, "--title", "x", "--reason", "r",
                            user="viewer1"))  # fmt: skip
    assert "只能查看" in viewer
    assert dump(cw.engine) == before


def test_help_is_chinese_first_with_examples(cli: Cli) -> None:
    shown = cli("case", "correct", "--help")
    text = " ".join(shown.stdout.split())
    assert shown.exit_code == 0 and text.index("更正案件") < text.index("Correct a mistyped")
    assert "Example: casework --as clerk_pz case correct" in text
