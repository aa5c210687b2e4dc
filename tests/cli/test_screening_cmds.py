"""``casework screening`` (cli/screening_cmds.py): log, list, show, gaps, campaigns; a case
registered with ``--set screening=ID``; the screening figures and their ``stats explain``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli, dump

LOG = ["screening", "log", "--office", "panzhou", "--date", "2020-03-02"]
CAMPAIGN = ["screening", "campaign", "add", "2020-yq", "--name", "疫情防控专项排查"]
PANDEMIC = [*CAMPAIGN, "--from", "2020-01-24", "--to", "2020-07-31", "--pandemic"]
ZERO = ["--kind", "routine", "--found", "0", "--prevented", "0", "--json"]
ONE = ["--kind", "routine", "--found", "1", "--prevented", "0", "--json"]
MARCH = ["--from", "2020-03-01", "--to", "2020-04-30"]


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_screening_log_and_list(cli: Cli) -> None:
    ok(cli(*PANDEMIC, "--json", user="sup_city"))
    args = [*LOG, "--kind", "special", "--campaign", "2020-yq", "--found", "3", "--prevented", "2"]
    row = ok(cli(*args, "--measure", "criminal:1:4", "--json", user="clerk_pz"))
    assert set(row) >= {"id", "office", "date", "kind", "found", "prevented", "measures"}
    assert row["measures"] == [{"kind": "criminal", "label": "防止民转刑", "cases": 1, "people": 4}]
    zero = cli(*LOG, "--kind", "routine", "--found", "0", "--prevented", "0", user="clerk_pz")
    assert zero.exit_code == 0 and "screening" in zero.stdout and "零报告" in zero.stdout
    rows = ok(cli("screening", "list", "--json"))
    assert [r["kind"] for r in rows] == ["routine", "special"]
    assert [r["zero_report"] for r in rows] == [True, False]
    by_label = ok(cli("screening", "list", "--kind", "专项", "--json"))
    assert [r["id"] for r in by_label] == [row["id"]]
    shown = cli("screening", "list", "--from", "2020-01-01").stdout
    assert "排查台账" in shown and "零报告" in shown


@pytest.mark.parametrize(
    "args,user,hint",
    [
        (["--kind", "routine", "--found", "x", "--prevented", "0"], "clerk_pz", "--found"),
        (["--kind", "routine", "--found", "1", "--prevented", "-1"], "clerk_pz", "--prevented"),
        (["--kind", "special", "--found", "1", "--prevented", "0"], "clerk_pz", "--campaign"),
        (
            ["--kind", "special", "--campaign", "2021-x", "--found", "1", "--prevented", "0"],
            "clerk_pz",
            "--campaign",
        ),
        (["--kind", "weekly", "--found", "1", "--prevented", "0"], "clerk_pz", "--kind"),
        (["--kind", "routine", "--found", "1", "--prevented", "0"], "viewer1", "--as"),
        (["--kind", "routine", "--found", "1", "--prevented", "0"], "clerk_sm", "--office"),
        (
            ["--kind", "routine", "--found", "1", "--prevented", "0", "--measure", "fire:1:1"],
            "clerk_pz",
            "--measure",
        ),
        (
            ["--kind", "routine", "--found", "1", "--prevented", "0", "--measure", "suicide:a:1"],
            "clerk_pz",
            "--measure",
        ),
        (
            ["--kind", "routine", "--found", "1", "--prevented", "0", "--committee", "x-tj"],
            "clerk_pz",
            "--committee",
        ),
    ],
    ids=[
        "found",
        "prevented",
        "campaign",
        "unknown_campaign",
        "kind",
        "viewer",
        "other_office",
        "measure_kind",
        "measure_number",
        "committee",
    ],
)
def test_screening_log_refusals(
    cw: Casework, cli: Cli, args: list[str], user: str, hint: str
) -> None:
    before = dump(cw.engine)
    error_line(cli(*LOG, *args, user=user), 1, hint)
    assert dump(cw.engine) == before


def test_screening_dates_name_their_option(cli: Cli) -> None:
    future = ["screening", "log", "--office", "panzhou", "--date", "2021-03-02"]
    args = ["--kind", "routine", "--found", "1", "--prevented", "0"]
    line = error_line(cli(*future, *args, user="clerk_pz"), 1, "--date")
    assert "future" in line
    error_line(cli("screening", "list", "--from", "2020-3-1"), 1, "--from")
    error_line(cli("screening", "list", "--kind", "weekly"), 1, "--kind")
    error_line(cli(*LOG, "--kind", "routine", user="clerk_pz"), 2)


def test_campaigns_add_and_list(cw: Casework, cli: Cli) -> None:
    made = ok(cli(*PANDEMIC, "--json", user="sup_city"))
    assert made == {
        "code": "2020-yq",
        "name": "疫情防控专项排查",
        "from": "2020-01-24",
        "to": "2020-07-31",
        "pandemic": True,
        "entries": 0,
    }
    spring = ["screening", "campaign", "add", "2020-cg", "--name", "春耕专项排查"]
    added = cli(*spring, "--from", "2020-03-01", "--to", "2020-04-30", user="admin")
    assert added.exit_code == 0 and "2020-cg" in added.stdout
    listed = ok(cli("screening", "campaign", "list", "--json"))
    assert [(c["code"], c["pandemic"]) for c in listed] == [("2020-cg", False), ("2020-yq", True)]
    assert "2020-yq" in cli("screening", "campaign", "list").stdout
    before = dump(cw.engine)
    error_line(cli(*PANDEMIC, user="sup_city"), 1, "CODE")  # twice
    late, bad = ["--from", "2020-05-01"], ["--from", "2020-02-30"]
    error_line(cli(*spring, *late, "--to", "2020-04-30", user="admin"), 1, "--to")
    error_line(cli(*spring, *bad, "--to", "2020-04-30", user="admin"), 1, "--from")
    error_line(cli(*PANDEMIC, user="clerk_pz"), 1, "--as")
    assert dump(cw.engine) == before
    outside = [*LOG[:4], "--date", "2020-08-01", "--kind", "special", "--campaign", "2020-yq"]
    line = error_line(cli(*outside, "--found", "1", "--prevented", "0", user="clerk_pz"), 1)
    assert "2020-yq" in line and line.endswith("(--campaign)")
    assert dump(cw.engine) == before


def register(cli: Cli, *sets: str) -> Any:
    args = ["case", "register", "mediation", "--office", "panzhou", "--title", "邻里纠纷"]
    args += ["--party", "applicant:甲某", "--party", "respondent:乙某", "--at", "2020-03-03"]
    for pair in sets:
        args += ["--set", pair]
    return cli(*args, "--json", user="clerk_pz")


def test_cases_found_by_an_entry_and_its_show(cw: Casework, cli: Cli) -> None:
    row = ok(cli(*LOG, *ONE, user="clerk_pz"))
    number = str(row["id"])
    case = ok(register(cli, "source=screening", f"screening={number}"))
    shown = ok(cli("screening", "show", number, "--json"))
    assert [c["case_no"] for c in shown["cases"]] == [case["case_no"]]
    assert shown["linked"] == 1 and shown["found"] == 1
    panel = cli("screening", "show", number).stdout
    assert case["case_no"] in panel and "1 / 1" in panel
    before = dump(cw.engine)
    line = error_line(
        register(cli, "source=screening", f"screening={number}"), 1, "--set screening=..."
    )
    assert "found" in line
    error_line(register(cli, "source=screening"), 1, "--set screening=...")
    error_line(register(cli, "screening=999"), 1, "--set screening=...")
    assert dump(cw.engine) == before
    error_line(cli("screening", "show", "999"), 1, "ID")
    error_line(cli("screening", "show", "x"), 1, "ID")
    error_line(cli("screening", "show", number, user="clerk_sm"), 1, "ID")


def test_gaps(cw: Casework, cli: Cli) -> None:
    ok(cli(*LOG, *ZERO, user="clerk_pz"))
    found = ok(cli("screening", "gaps", *MARCH, "--json"))
    assert set(found) >= {"from", "to", "gaps"}
    gaps = {(g["office"], g["month"]) for g in found["gaps"]}
    assert ("panzhou", "2020-04") in gaps and ("panzhou", "2020-03") not in gaps
    own = ok(cli("screening", "gaps", *MARCH, "--json", user="clerk_pz"))
    assert [(g["office"], g["month"]) for g in own["gaps"]] == [("panzhou", "2020-04")]
    table = cli("screening", "gaps", *MARCH).stdout
    assert "shanmei" in table and "2020-04" in table
    error_line(cli("screening", "gaps", "--from", "2020-05-01", "--to", "2020-04-30"), 1, "--to")
    error_line(cli("screening", "gaps", "--from", "2020-03-01"), 2)


def test_the_screening_figures_and_their_explain(cli: Cli) -> None:
    ok(cli(*PANDEMIC, "--json", user="sup_city"))
    special = [*LOG, "--kind", "special", "--campaign", "2020-yq", "--found", "2", "--prevented"]
    a = ok(cli(*special, "1", "--json", user="clerk_pz"))
    z = ok(cli(*LOG, *ZERO, user="clerk_pz"))
    case = ok(register(cli, "source=screening", f"screening={a['id']}"))
    period = ["--from", "2020-03-01", "--to", "2020-03-31"]
    figures = ok(cli("stats", *period, "--json"))["metrics"]
    assert figures["screening.found"] == 2 and figures["screening.zero_reports"] == 1
    assert figures["screening.registered"] == 1 and figures["screening.pandemic"] == 1
    for metric, key, wanted in [
        ("screening.found", "screening_id", a["id"]),
        ("screening.zero_reports", "screening_id", z["id"]),
        ("screening.pandemic", "screening_id", a["id"]),
        ("screening.registered", "case_no", case["case_no"]),
    ]:
        out = ok(cli("stats", "explain", metric, *period, "--json"))
        assert [i[key] for i in out["items"]] == [wanted], metric
    table = cli("stats", "explain", "screening.registered", *period).stdout
    assert case["case_no"] in table and "case_no" in table
