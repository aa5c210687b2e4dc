"""``casework stats`` (cli/stats_cmds.py); the screening commands are in test_screening_cmds.py."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from casework.api import Casework
from tests import petitions as P
from tests.cli.checks import error_line
from tests.helpers import Cli


@pytest.fixture
def figures(cw: Casework) -> str:
    clerk = cw.acting("clerk_pz")
    city = cw.acting("sup_city")
    city.add_screening_campaign("2020-yq", "疫情防控专项排查", "2020-01-24", "2020-07-31")
    clerk.log_screening("panzhou", "2020-03-02", "special", 3, 2, campaign="2020-yq")
    case_no = clerk.register("petition", "panzhou", "信访", at="2020-03-01")["case_no"]
    cw.acting("clerk_sm").register("petition", "shanmei", "信访", at="2020-04-01")
    return case_no


def test_stats_figures_by_group_and_to_files(cli: Cli, figures: str, tmp_path: Path) -> None:
    out = json.loads(cli("stats", "--from", "2020-01-01", "--to", "2020-11-30", "--json").stdout)
    assert set(out) >= {"from", "to", "metrics"} and "labels" not in out
    assert out["metrics"]["petition.registered"] == 2
    assert out["metrics"]["screening.special"] == 1
    by = json.loads(
        cli("stats", "--by", "office", "--metric", "petition.registered", "--json").stdout
    )
    assert by["by"] == "office" and {r["key"] for r in by["rows"]} >= {"panzhou", "shanmei"}
    table = tmp_path / "stats.csv"
    workbook = tmp_path / "stats.xlsx"
    shown = cli("stats", "--as-of", "2020-12-01", "--csv", str(table), "--xlsx", str(workbook))
    assert shown.exit_code == 0 and "statistics" in shown.stdout
    with open(table, encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == ["指标 metric", "值 value"]
    assert workbook.exists()


def test_stats_explain_lists_the_cases_behind_a_figure(cli: Cli, figures: str) -> None:
    out = json.loads(cli("stats", "explain", "petition.registered", "--json").stdout)
    assert out["value"] == 2 and figures in {i.get("case_no") for i in out["items"]}
    screenings = cli("stats", "explain", "screening.special", "--office", "panzhou")
    assert screenings.exit_code == 0 and "screening_id" in screenings.stdout


@pytest.mark.parametrize(
    "args,user,hint",
    [
        (["--by", "week"], None, "--by"),
        (["--metric", "petition.nothing"], None, "--metric"),
        (["--from", "2020-02-30"], None, "--from"),
        (["--to", "2020-02-30"], None, "--to"),
        (["--from", "2020-12-01", "--to", "2020-01-01"], None, "--to"),
        (["--as-of", "2020-02-30"], None, "--as-of"),
        (["--office", "atlantis"], None, "--office"),
        (["--office", "shanmei"], "clerk_pz", "--office"),
        (["--csv", "/nonexistent/dir/s.csv"], None, "--csv"),
        (["--xlsx", "s.csv"], None, "--xlsx"),
        (["explain", "petition.nothing"], None, "METRIC"),
        (["explain", "petition.registered", "--from", "x"], None, "--from"),
        (["explain", "petition.registered", "--office", "atlantis"], None, "--office"),
    ],
    ids=[
        "by",
        "metric",
        "from",
        "to",
        "period",
        "as_of",
        "office",
        "other_office",
        "csv",
        "xlsx",
        "explain_metric",
        "explain_from",
        "explain_office",
    ],
)
def test_stats_refusals_name_their_option(
    cli: Cli, args: list[str], user: str | None, hint: str
) -> None:
    error_line(cli("stats", *args, user=user), 1, hint)


def test_stats_by_channel_and_by_refusal_reason(cw: Casework, cli: Cli) -> None:
    """petition.md Statistics: ``--by channel`` counts by 信访形式, ``--by reason`` by the
    reason of a refusal."""
    for at, channel in (("2020-03-01", "visit"), ("2020-03-02", "visit"), ("2020-03-03", "phone")):
        P.register(cw, at, channel=channel)
    refused = P.register(cw, "2020-03-04")
    for kind in ("letter", "non_acceptance_notice"):
        P.doc(cw, P.TOWN_CLERK, refused, kind, "2020-03-04")
    values = {"reason": "outside_remit", **P.NOTICE}
    cw.acting(P.TOWN_SUP).advance(refused, "refuse", values, at="2020-03-05")
    span = ("--from", "2020-01-01", "--to", "2020-11-30")
    by_channel = json.loads(
        cli("stats", *span, "--by", "channel", "--metric", "petition.registered", "--json").stdout
    )
    assert by_channel["by"] == "channel"
    counts = {r["key"]: r["metrics"]["petition.registered"] for r in by_channel["rows"]}
    assert {k: v for k, v in counts.items() if v} == {"visit": 2, "phone": 1, "letter": 1}
    by_reason = json.loads(
        cli("stats", *span, "--by", "reason", "--metric", "petition.not_accepted", "--json").stdout
    )
    reasons = {r["key"]: r["metrics"]["petition.not_accepted"] for r in by_reason["rows"]}
    assert {k: v for k, v in reasons.items() if v} == {"outside_remit": 1}
    table = cli("stats", *span, "--by", "channel", "--metric", "petition.registered")
    assert table.exit_code == 0 and "visit" in table.stdout
