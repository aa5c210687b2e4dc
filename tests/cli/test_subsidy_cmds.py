"""``casework subsidy`` (cli/subsidy_cmds.py): eligibility, rules, the scale, a quarter's claims
from draft to payout sheet, and each refusal naming its option (``--tier`` in ``subsidy
approve``, ``--set tier=...`` in ``case advance``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casework.api import Casework
from tests import mediations as M
from tests.cli.checks import error_line
from tests.helpers import Cli, dump

Q = ["--quarter", "2020Q3"]


def mediate(cw: Casework) -> str:
    """A mediation case of panzhou, agreed, performed, documented and archived in 2020Q3."""
    return M.archived(cw, "2020-07-01", "2020-07-10", "2020-08-20")


@pytest.fixture
def checked(cw: Casework, cli: Cli) -> list[str]:
    """Two claims of 2020Q3, drafted and checked by the town office (the justice bureau's
    supervisor sup_justice, who approves them, is one of tests/helpers.py STAFF)."""
    cases = [mediate(cw), mediate(cw)]
    drafted = cli("subsidy", "draft", *Q, "--office", "panzhou", "--json", user="sup_pz")
    assert drafted.exit_code == 0, drafted.stderr
    claims = json.loads(drafted.stdout)["drafted"]
    assert len(claims) == len(cases)
    town = cli("subsidy", "town-check", *Q, "--json", user="sup_pz")
    assert town.exit_code == 0 and sorted(json.loads(town.stdout)["claims"]) == sorted(claims)
    return claims


def test_a_quarter_from_check_to_sheet(
    cw: Casework, cli: Cli, checked: list[str], tmp_path: Path
) -> None:
    mediation = cw.show(checked[0])["data"]["mediation_case"]
    verdict = json.loads(cli("subsidy", "check", str(mediation), "--json").stdout)
    assert verdict["case_no"] == mediation and "rules" in verdict
    assert "not_subsidised_before" in cli("subsidy", "check", str(mediation)).stdout
    one = cli(
        "case",
        "advance",
        checked[0],
        "approve",
        "--set",
        "tier=complex",
        "--set",
        "tier_reason=疑难",
        "--json",
        user="sup_justice",
    )
    assert one.exit_code == 0 and json.loads(one.stdout)["event"]["data"]["amount"] == 500
    bulk = cli("subsidy", "approve", *Q, "--json", user="sup_justice")
    assert bulk.exit_code == 0, bulk.stderr
    assert json.loads(bulk.stdout)["claims"] == [checked[1]]
    paid = cli("subsidy", "pay", *Q, "--batch", "2020年第三季度", user="admin")
    assert paid.exit_code == 0 and "2 claims" in paid.stdout
    sheet = json.loads(cli("subsidy", "sheet", *Q, "--json").stdout)
    assert sheet["total_cases"] == 2 and sheet["total_amount"] == 700
    out = tmp_path / "以案定补.csv"
    shown = cli("subsidy", "sheet", *Q, "--out", str(out))
    assert shown.exit_code == 0 and out.exists() and "合计" in shown.stdout
    assert "合计" in cli("subsidy", "sheet", *Q, "--csv").stdout
    figures = json.loads(
        cli("subsidy", "figures", "--from", "2020-01-01", "--to", "2020-12-31", "--json").stdout
    )
    # priced from the shipped example scale: no amount figure (mediation.md 3)
    assert figures["subsidy.cases"] == 2 and figures["subsidy.amount"] is None
    assert sheet["heading"].startswith("示例标准，非正式数据")


def test_a_tier_is_named_as_the_command_takes_it(
    cw: Casework, cli: Cli, checked: list[str]
) -> None:
    before = dump(cw.engine)
    line = error_line(
        cli("subsidy", "approve", *Q, "--tier", "gold", user="sup_justice"), 1, "--tier"
    )
    assert "'gold'" in line and "tier" in line
    one = cli("case", "advance", checked[0], "approve", "--set", "tier=gold", user="sup_justice")
    assert "'gold'" in error_line(one, 1, "--set tier=...")
    error_line(cli("subsidy", "approve", *Q, user="sup_pz"), 1, "--as")
    line = error_line(
        cli("subsidy", "approve", *Q, "--claim", checked[0], "--tier", "major", user="sup_justice"),
        1,
        "--tier-reason",
    )
    assert "tier_reason_given" in line
    assert dump(cw.engine) == before


def test_rules_and_the_scale(cli: Cli) -> None:
    rules = json.loads(cli("subsidy", "rules", "--json").stdout)
    assert "oral_agreement" in {r["rule"] for r in rules}
    assert "archived" in cli("subsidy", "rules").stdout
    moved = cli("subsidy", "rules", "set", "oral_agreement", "--from", "2023-01-01", user="admin")
    assert moved.exit_code == 0 and "2023-01-01" in moved.stdout
    scale = json.loads(cli("subsidy", "scale", "show", "--on", "2020-09-30", "--json").stdout)
    assert scale["tiers"]["ordinary"]["amount"] == 200
    args = ["subsidy", "scale", "set", "--from", "2020-07-01", "ordinary=300", "top=900"]
    made = cli(*args, "--label", "top=特别重大", user="admin")
    assert made.exit_code == 0 and "ordinary=300" in made.stdout
    assert "特别重大" in cli("subsidy", "scale", "show").stdout


@pytest.mark.parametrize(
    "args,user,code,hint",
    [
        (["check", "TJ-2020-panzhou-09999"], None, 1, "CASE_NO"),
        (["check", "TJ-2020-panzhou-09999", "--quarter", "2020Q9"], None, 1, None),
        (["rules", "set", "archived", "--from", "2020-01-01"], "admin", 2, "RULE"),
        (["rules", "set", "oral_agreement", "--from", "2020-02-30"], "admin", 1, "--from"),
        (["rules", "set", "oral_agreement", "--from", "2020-01-01"], "sup_pz", 1, "--as"),
        (["scale", "show", "--on", "2020-02-30"], None, 1, "--on"),
        (["scale", "set", "--from", "2020-01-01", "ordinary"], "admin", 2, "TIER=YUAN"),
        (["scale", "set", "--from", "2020-01-01", "ordinary=lots"], "admin", 1, "TIER=YUAN"),
        (["scale", "set", "--from", "2020-01-01", "Top Tier=1"], "admin", 1, "TIER=YUAN"),
        (["scale", "set", "--from", "2020-01-01", "a=1", "--label", "a"], "admin", 2, "--label"),
        (["scale", "set", "--from", "2020-02-30", "ordinary=1"], "admin", 1, "--from"),
        (["draft", "--quarter", "2020Q3", "--office", "atlantis"], "sup_pz", 1, "--office"),
        (["sheet", "--quarter", "2020Q3", "--out", "/nonexistent/d/s.csv"], None, 1, "--out"),
        (["figures", "--from", "2020-02-30", "--to", "2020-12-31"], None, 1, "--from"),
        (["figures", "--from", "2020-12-31", "--to", "2020-01-01"], None, 1, "--to"),
    ],
    ids=[
        "check_case",
        "check_quarter",
        "rules_rule",
        "rules_from",
        "rules_admin",
        "scale_on",
        "scale_pair",
        "scale_amount",
        "scale_tier",
        "scale_label",
        "scale_from",
        "draft_office",
        "sheet_out",
        "figures_from",
        "figures_period",
    ],
)
def test_subsidy_refusals_name_their_option(
    cw: Casework, cli: Cli, args: list[str], user: str | None, code: int, hint: str | None
) -> None:
    before = dump(cw.engine)
    error_line(cli("subsidy", *args, user=user), code, hint)
    assert dump(cw.engine) == before


def test_send_back_resubmit_sample_spot_check(cw: Casework, cli: Cli, checked: list[str]) -> None:
    back = cli(
        "subsidy",
        "send-back",
        checked[0],
        "--reason",
        "缺签名",
        "--to-fix",
        "补签",
        "--json",
        user="sup_pz",
    )
    assert back.exit_code == 0 and json.loads(back.stdout)["state"] == "returned"
    again = cli("subsidy", "resubmit", checked[0], "--note", "已补签", user="clerk_pz")
    assert again.exit_code == 0 and "drafted" in again.stdout
    assert cli("subsidy", "town-check", *Q, user="sup_pz").exit_code == 0
    drawn = cli(
        "subsidy", "sample", *Q, "--share", "0.5", "--seed", "3", "--json", user="clerk_justice"
    )
    assert drawn.exit_code == 0, drawn.stderr
    sampled = json.loads(drawn.stdout)["sampled"]
    assert (
        len(sampled) == 1
        and sampled
        == json.loads(
            cli(
                "subsidy",
                "sample",
                *Q,
                "--share",
                "0.5",
                "--seed",
                "3",
                "--json",
                user="clerk_justice",
            ).stdout
        )["sampled"]
    )
    check = ["subsidy", "spot-check", sampled[0], "--method", "phone", "--result", "pass"]
    error_line(
        cli(*check[:3], "--method", "fax", "--result", "pass", user="clerk_justice"), 1, "--method"
    )
    assert cli(*check, user="clerk_justice").exit_code == 0
    error_line(
        cli("subsidy", "reject", checked[0], "--reason", "maybe", user="sup_justice"), 1, "--reason"
    )
    done = cli("subsidy", "approve", *Q, "--json", user="sup_justice")
    assert done.exit_code == 0 and len(json.loads(done.stdout)["claims"]) == 2


def test_tiers_and_the_cap(cli: Cli, tmp_path: Path) -> None:
    shown = json.loads(cli("subsidy", "tiers", "show", "--json").stdout)
    assert shown["example"] and [r["tier"] for r in shown["rules"]] == [
        "major",
        "complex",
        "ordinary",
        "simple",
    ]
    rules = tmp_path / "rules.json"
    rules.write_text(
        '[{"tier": "ordinary", "any": [{"people_gte": 2}]}, {"tier": "simple"}]', "utf-8"
    )
    made = cli("subsidy", "tiers", "set", str(rules), "--from", "2021-01-01", user="admin")
    assert made.exit_code == 0, made.stderr
    later = json.loads(cli("subsidy", "tiers", "show", "--on", "2021-02-01", "--json").stdout)
    assert not later["example"] and later["rules"][0] == {
        "tier": "ordinary",
        "any": [{"people_gte": 2}],
    }
    error_line(
        cli("subsidy", "tiers", "set", '[{"tier": "gold"}]', "--from", "2021-01-01", user="admin"),
        1,
        "RULES",
    )
    error_line(
        cli("subsidy", "tiers", "set", str(rules), "--from", "2021-01-01", user="sup_pz"), 1, "--as"
    )
    error_line(
        cli(
            "subsidy",
            "cap",
            "set",
            "--from",
            "2021-01-01",
            "--yuan",
            "500",
            "--per",
            "month",
            user="admin",
        ),
        1,
        "--per",
    )
    capped = cli(
        "subsidy", "cap", "set", "--from", "2021-01-01", "--yuan", "500", "--json", user="admin"
    )
    assert json.loads(capped.stdout) == {"effective_from": "2021-01-01", "cap": "500/quarter"}
