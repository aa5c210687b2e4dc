"""The demo year: the report's seven figures from the statistics, and the same seed, the same
database."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import select

from casework.api import Casework
from casework.storage.tables import cases, events
from tests.helpers import Cli, FrozenClock

FIGURES = {  # metric: (from, to, value), statistics.md
    "screening.sessions": ("2020-01-01", "2020-11-30", 578),
    "screening.special": ("2020-01-01", "2020-11-30", 140),
    "screening.prevented": ("2020-01-01", "2020-11-30", 627),
    "mediation.mediated": ("2020-01-01", "2020-11-30", 7454),
    "subsidy.cases": ("2020-01-01", "2020-09-30", 5467),
    "major_dispute.identified": ("2020-01-01", "2020-12-24", 148),
    "major_dispute.resolved": ("2020-01-01", "2020-12-24", 96),
}


def test_the_demo_year_gives_the_reports_figures(tmp_path: Path, clock: FrozenClock) -> None:
    clock.set("2021-01-05T09:00")
    cli = Cli(str(tmp_path / "demo.db"), clock)
    result = cli("demo", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["all_match"] is True and len(summary["figures"]) == 7
    for metric, (start, end, value) in FIGURES.items():
        stats = cli("stats", "--from", start, "--to", end, "--metric", metric, "--json")
        assert stats.exit_code == 0, stats.stderr
        assert json.loads(stats.stdout)["metrics"][metric] == value, metric
    explained = json.loads(
        cli(
            "stats",
            "explain",
            "major_dispute.resolved",
            "--from",
            "2020-01-01",
            "--to",
            "2020-12-24",
            "--json",
        ).stdout
    )
    assert len(explained["items"]) == explained["value"] == 96
    audit = json.loads(cli("audit", "verify", "--json").stdout)
    assert audit["ok"] is True and audit["events"] == summary["events"]
    # a believable year: every procedure and most of their paths were walked
    cw = Casework(str(tmp_path / "demo.db"))
    with cw.engine.connect() as conn:
        triggers = {r[0] for r in conn.execute(select(events.c.trigger).distinct())}
        kinds = {r[0] for r in conn.execute(select(cases.c.kind).distinct())}
    cw.close()
    assert kinds == {"petition", "mediation", "major_dispute", "subsidy_claim"}
    assert triggers >= {
        "accept",
        "refuse",
        "forward",
        "divert",
        "extend",
        "reply",
        "request_review",
        "review",
        "request_rereview",
        "rereview",
        "close",
        "supervise",
        "decline",
        "agree",
        "fail",
        "perform",
        "breach",
        "follow_up",
        "archive",
        "assign",
        "plan",
        "resolve",
        "verify",
        "reopen",
        "check",
        "approve",
        "reject",
        "pay",
        "doc",
    }
    overdue = json.loads(cli("due", "--as-of", "2020-11-30", "--json").stdout)
    assert any(r["overdue"] for r in overdue)
    report = cli("report", "annual", "--year", "2020")
    assert report.exit_code == 0, report.stderr
    assert (
        "1-11月全市共排查纠纷578次，其中开展疫情专项排查活动达140次，预防纠纷627件" in report.stdout
    )
    assert "2020年1-11月共调解7454件" in report.stdout
    assert "前三季度纳入以案定补案件5467件" in report.stdout
    assert "梳理出148件重大矛盾纠纷和信访突出问题" in report.stdout
    assert "案件96件" in report.stdout and "潘州街道司法所" in report.stdout
    md = cli("report", "monthly", "--month", "2020-11", "--format", "md").stdout
    assert md.startswith("# 2020年11月") and "| 合计 |" in md
    xlsx = tmp_path / "2020-11.xlsx"
    assert (
        cli(
            "report", "monthly", "--month", "2020-11", "--format", "xlsx", "--out", str(xlsx)
        ).exit_code
        == 0
    )
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0]]
    body, total = rows[3:-1], rows[-1]
    assert total[0] == "合计" and total[4] == sum(r[4] for r in body)  # 调解件数
    november = json.loads(
        cli("stats", "--from", "2020-11-01", "--to", "2020-11-30", "--json").stdout
    )["metrics"]
    assert total[4] == november["mediation.mediated"]
    again = cli("demo")
    assert again.exit_code == 1 and "--force" in again.stderr


def _snapshot(path: Path) -> tuple[list[tuple[str, str, int]], dict[str, object]]:
    cw = Casework(str(path))
    with cw.engine.connect() as conn:
        rows = [
            tuple(r)
            for r in conn.execute(
                select(cases.c.case_no, cases.c.state, cases.c.version).order_by(cases.c.case_no)
            )
        ]
    stats = cw.stats("2020-01-01", "2020-12-31")["metrics"]
    by_month = cw.stats("2020-01-01", "2020-12-31", by="month")["rows"]
    cw.close()
    return rows, {"metrics": stats, "by_month": by_month}


def test_same_seed_same_database(tmp_path: Path, clock: FrozenClock) -> None:
    clock.set("2021-01-05T09:00")
    snapshots = []
    for name in ("a.db", "b.db"):
        cli = Cli(str(tmp_path / name), clock)
        result = cli("demo", "--seed", "7", "--until", "2020-02-20", "--json")
        assert result.exit_code == 0, result.stderr
        partial = json.loads(result.stdout)
        assert partial["cases"] > 500 and partial["all_match"] is False
        snapshots.append(_snapshot(tmp_path / name))
    assert snapshots[0] == snapshots[1]
    other = Cli(str(tmp_path / "c.db"), clock)("demo", "--seed", "8", "--until", "2020-02-20")
    assert other.exit_code == 0
    assert _snapshot(tmp_path / "c.db") != snapshots[0]


def test_force_replaces_a_database_with_cases(tmp_path: Path, clock: FrozenClock) -> None:
    clock.set("2021-01-05T09:00")
    path = str(tmp_path / "used.db")
    cw = Casework.initialise(path, offices="gaozhou", clock=clock)
    cw.acting("admin").add_user("c1", "某", "clerk", "panzhou")
    cw.acting("c1").register("petition", "panzhou", "旧案")
    cw.close()
    cli = Cli(path, clock)
    refused = cli("demo")
    assert refused.exit_code == 1 and "already holds 1 cases" in refused.stderr
    forced = cli("demo", "--force", "--until", "2020-01-10", "--json")
    assert json.loads(forced.stdout)["cases"] > 10
    assert os.path.exists(path)
