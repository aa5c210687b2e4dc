"""``casework stats publish`` and ``stats --published`` (cli/publish_cmds.py, issue 17 point
8): publish a month, enter a case late, see the diff, revise, read both versions, and the
monthly report from the published figures; refusals in one line, nothing written."""

from __future__ import annotations

import json

from casework.api import Casework
from casework.storage.published import versions
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock

REGISTERED = "petition.registered"


def _late_case(cw: Casework, clock: FrozenClock) -> None:
    clock.set("2020-12-05T09:00")
    cw.acting("clerk_pz").register("petition", "panzhou", "信访", at="2020-11-20")


def _stored(cw: Casework) -> int:
    with cw.engine.connect() as conn:
        return len(versions(conn, "2020-11", "office"))


def test_publish_diff_revise_and_read_both_versions(
    cli: Cli, cw: Casework, clock: FrozenClock
) -> None:
    cw.acting("clerk_pz").register("petition", "panzhou", "信访", at="2020-11-02")
    done = cli("stats", "publish", "--period", "2020-11", "--by", "office", user="viewer1")
    assert done.exit_code == 0, done.stderr
    assert "已公布 published：2020-11 第 1 版" in done.stdout
    _late_case(cw, clock)
    rerun = json.loads(cli("stats", "--period", "2020-11", "--by", "office", "--json").stdout)
    assert {r["key"]: r["metrics"][REGISTERED] for r in rerun["rows"]}["panzhou"] == 2
    assert (rerun["from"], rerun["to"]) == ("2020-11-01", "2020-11-30")

    shown = cli("stats", "--published", "--period", "2020-11", "--by", "office", "--json")
    old = json.loads(shown.stdout)
    assert old["version"] == 1 and old["published_by"] == "viewer1"
    assert {r["key"]: r["metrics"][REGISTERED] for r in old["figures"]["rows"]}["panzhou"] == 1

    diff = cli("stats", "publish", "--period", "2020-11", "--by", "office", "--diff")
    assert diff.exit_code == 0, diff.stderr
    assert "panzhou" in diff.stdout and "shanmei" not in diff.stdout
    summary = diff.stdout.splitlines()[-1]
    assert "格不同" in summary and "输入已变化 (inputs changed since publication)" in summary
    cells = json.loads(
        cli("stats", "publish", "--period", "2020-11", "--by", "office", "--diff", "--json").stdout
    )["cells"]
    cell = next(c for c in cells if c["metric"] == REGISTERED)
    assert (cell["group"], cell["published"], cell["today"]) == ("panzhou", 1, 2)

    again = cli("stats", "publish", "--period", "2020-11", "--by", "office")
    line = error_line(again, 1)
    assert "late_data|method|error" in line and line.endswith("(--revise)"), line
    assert _stored(cw) == 1
    args = ["stats", "publish", "--period", "2020-11", "--by", "office", "--revise", "late_data"]
    revised = json.loads(cli(*args, "--json").stdout)
    assert (revised["version"], revised["reason"]) == (2, "late_data")

    listing = cli("stats", "--published", "--period", "2020-11", "--by", "office")
    assert listing.exit_code == 0, listing.stderr
    assert "第 1 版" in listing.stdout and "修订 revised" in listing.stdout
    assert "▶ 第 2 版" in listing.stdout and "late_data" in listing.stdout
    first = cli("stats", "--published", "--period", "2020-11", "--by", "office", "--version", "1")
    assert "▶ 第 1 版" in first.stdout

    report = cli("report", "monthly", "--month", "2020-11")
    assert "据 2020-11 公布数（第 2 版，2020-12-05 修订）" in report.stdout
    as_data = json.loads(cli("report", "monthly", "--month", "2020-11", "--format", "json").stdout)
    assert as_data["published"].startswith("据 2020-11 公布数（第 2 版")


def test_bad_periods_reasons_and_users_are_refused_in_one_line(cli: Cli, cw: Casework) -> None:
    publish = ("stats", "publish", "--period")
    for period in ("2020-13", "2020Q0", "20-11", "0000"):
        assert period[:20] in error_line(cli(*publish, period), 1, "--period")
    # Full-width digits are read as typed (issue 17 point 4): the year 2020, not yet over.
    assert "期间 2020 尚未结束" in error_line(cli(*publish, "２０２０"), 1, "--period")
    assert "尚未结束" in error_line(cli(*publish, "2020-12"), 1, "--period")
    line = error_line(cli(*publish, "2020-11", "--revise", "typo"), 2, "--revise")
    assert "late_data" in line
    assert "无可修订" in error_line(cli(*publish, "2020-11", "--revise", "error"), 1)
    error_line(cli(*publish, "2020-11", "--diff", "--revise", "error"), 2, "--revise")
    assert "市级单位" in error_line(cli(*publish, "2020-11", user="sup_pz"), 1, "--as")
    error_line(cli(*publish, "2020-11", "--diff"), 1, "--period")  # not published
    error_line(cli("stats", "--published"), 2, "--period")
    error_line(cli("stats", "--period", "2020-11", "--from", "2020-11-01"), 2, "--period")
    error_line(cli("stats", "--period", "2020-11", "--version", "1"), 2, "--version")
    error_line(cli("stats", "--published", "--period", "2020-11", "--version", "0"), 2)
    error_line(cli("stats", "--published", "--period", "2020-11"), 1, "--period")
    args = ["stats", "--published", "--period", "2020-11"]
    error_line(cli(*args, "--office", "panzhou"), 2, "--office")
    error_line(cli(*args, "--metric", REGISTERED), 2, "--metric")
    assert _stored(cw) == 0
