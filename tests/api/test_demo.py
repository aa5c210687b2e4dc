"""The demo year: built once per session and checked whole; same seed, same database; and a
demo that never replaces a database it did not build."""

from __future__ import annotations

import gc
import json
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from casework.api import Casework
from casework.demo.ledger import Claims, Ledger, MediationRow
from casework.demo.realism import BANDS, CHECKS, Band, realism
from casework.demo.runner import Runner
from casework.demo.seasons import Season
from casework.read.due import LISTED, due_list, narrowed
from casework.runtime import BULK_THRESHOLDS
from casework.storage.tables import cases, events, parties
from casework.time.calendar import Calendar
from tests.api.test_report_wording import disagreeing_rates
from tests.helpers import Cli, FrozenClock, dump
from tests.office import libreoffice_rows, shown_number
from workflows import default_registry

FIGURES = {  # metric: (from, to, value), statistics.md
    "screening.sessions": ("2020-01-01", "2020-11-30", 578),
    "screening.special": ("2020-01-01", "2020-11-30", 140),
    "screening.prevented": ("2020-01-01", "2020-11-30", 627),
    "mediation.mediated": ("2020-01-01", "2020-11-30", 7454),
    "subsidy.cases": ("2020-01-01", "2020-09-30", 5467),
    "major_dispute.identified": ("2020-01-01", "2020-12-24", 148),
    "major_dispute.resolved": ("2020-01-01", "2020-12-24", 96),
    # the 12345 line (report 一(七)3; hotline_reconsideration.md 7, "The 2020 figures")
    "hotline.received": ("2020-01-01", "2020-12-24", 11105),
    "hotline.closure_rate": ("2020-01-01", "2020-12-24", 100.0),
    "hotline.satisfaction_rate": ("2020-01-01", "2020-12-24", 93.46),
}
EVERY_TRIGGER = {
    # no divert: the 2005 rules of the year refuse a matter for its legal route instead
    *("accept", "refuse", "forward", "extend", "reply", "request_review", "review"),
    *("request_rereview", "rereview", "close", "supervise", "decline", "agree", "fail"),
    *("perform", "breach", "follow_up", "archive", "assign", "plan", "resolve", "verify"),
    *("reopen", "check", "approve", "reject", "pay", "doc"),
    # issue 12: the petition as the law runs it, and 包案 proposed and approved by two people
    *("deliver", "evaluate", "assign_down", "report", "hearing_start", "hearing_end"),
    *("answer_supervision", "link", "propose", "send_back", "reassign"),
    # issue 13: mediation as procedures/mediation.md runs it, and claims checked by two people
    *("terminate", "remediate", "refer", "apply_confirmation", "confirm", "extend"),
    *("report_back", "prevent", "resubmit", "spot_check"),
    # issue 16: 12345 orders and (invented) reconsiderations
    *("answer_directly", "dispatch", "sign", "return_order", "request_extension"),
    *("decide_extension", "approve_reply", "reject_reply", "callback", "redo", "urge", "merge"),
    *("request_correction", "supply", "send_copy", "receive_answer", "hear_views", "decide"),
    *("serve", "suspend", "resume", "mediate", "withdraw", "record_suit"),
}


@pytest.fixture(scope="session")
def demo_year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cli, dict[str, object]]]:
    """The whole demo year, built once for every test of this module."""
    clock = FrozenClock(datetime(2021, 1, 5, 1, 0, tzinfo=UTC))  # 09:00 in China
    cli = Cli(str(tmp_path_factory.mktemp("demo") / "demo.db"), clock)
    result = cli("demo", "--json")
    assert result.exit_code == 0, result.stderr
    yield cli, json.loads(result.stdout)


def test_the_year_gives_the_reports_figures(demo_year: tuple[Cli, dict[str, object]]) -> None:
    cli, summary = demo_year
    assert summary["all_match"] is True
    assert isinstance(summary["figures"], list) and len(summary["figures"]) == 10
    for metric, (start, end, value) in FIGURES.items():
        # 办结率 counts the orders closed by the report's date (its closed_by cut-off)
        cut = ("--closed-by", end) if metric == "hotline.closure_rate" else ()
        stats = cli("stats", "--from", start, "--to", end, "--metric", metric, *cut, "--json")
        assert stats.exit_code == 0, stats.stderr
        assert json.loads(stats.stdout)["metrics"][metric] == value, metric
    explained = cli(
        *("stats", "explain", "major_dispute.resolved", "--from", "2020-01-01"),
        *("--to", "2020-12-24", "--json"),
    )
    listed = json.loads(explained.stdout)
    assert len(listed["items"]) == listed["value"] == 96
    orders = cli(
        *("stats", "explain", "hotline.received", "--from", "2020-01-01"),
        *("--to", "2020-12-24", "--json"),
    )
    listed = json.loads(orders.stdout)
    assert len({i["case_no"] for i in listed["items"]}) == listed["value"] == 11105
    invented = summary["invented"]
    assert isinstance(invented, dict) and invented["reconsideration.received"] > 20


def test_the_year_looks_like_2020(demo_year: tuple[Cli, dict[str, object]]) -> None:
    """Every realism band of procedures/mediation.md holds, each measured again from the stored
    cases: the summary's values are what the statistics give now."""
    cli, summary = demo_year
    rows = summary["realism"]
    assert isinstance(rows, list) and summary["all_realistic"] is True
    assert summary["realism_unavailable"] == []
    assert [r["check"] for r in rows] == list(CHECKS) == list(BANDS)
    assert all(r["ok"] and r["band"] == BANDS[r["check"]].shown() for r in rows), [
        r for r in rows if not r["ok"]
    ]
    cw = Casework(cli.db, clock=cli.clock)
    # Measured again once (a measure is most of this test's time), with one band the year
    # misses: that check is reported out of band, by name, and every other row is the
    # summary's (whose bands are the shipped ones, checked above).
    strict = {**BANDS, "carry_over.cases": Band(1, 10, " 件")}
    try:
        with pytest.MonkeyPatch.context() as m:
            m.setattr("casework.demo.realism.BANDS", strict)
            again, unavailable = realism(cw, 2020)
        assert [r["check"] for r in again if not r["ok"]] == ["carry_over.cases"]
        expected = [
            {**r, "band": strict[r["check"]].shown(), "ok": False}
            if r["check"] == "carry_over.cases"
            else r
            for r in rows
        ]
        assert again == expected and unavailable == []
        # the figures behind a few bands, asked directly
        rate = "mediation.success_rate"
        stats = cw.stats("2020-01-01", "2020-11-30", as_of="2020-12-24", metrics=[rate])
        assert 95 <= float(stats["metrics"][rate] or 0) <= 99
        carried = cw.stats("2019-11-01", "2019-12-31", metrics=["mediation.mediated"])
        assert 400 <= float(carried["metrics"]["mediation.mediated"] or 0) <= 800
    finally:
        cw.close()


def test_bands_and_the_lull() -> None:
    band = Band(25, 35)
    assert band.holds(25) and band.holds(35) and not band.holds(35.01)
    assert band.shown() == "25–35%" and Band(high=2).shown() == "≤ 2%"
    assert Band(low=90).shown() == "≥ 90%" and Band(3, 3, "").shown() == "3"
    season = Season(2020, Calendar())
    ordinary = season.day_weight(date(2020, 3, 4))  # a Wednesday
    assert season.day_weight(date(2020, 2, 5)) <= 0.1 * ordinary  # the offices closed
    assert season.day_weight(date(2020, 2, 19)) <= 0.4 * ordinary
    assert season.day_weight(date(2020, 3, 8)) < 0.5 * ordinary  # a Sunday
    assert season.session_day(random.Random(1), date(2020, 1, 28)) > date(2020, 2, 9)
    assert Season(2021, Calendar()).day_weight(date(2021, 2, 3)) == ordinary


def test_the_ledger_reads_an_export() -> None:
    history = [
        {"trigger": "accept", "at": "2020-03-02T09:30:00+08:00", "values": {"mediator": "m"}},
        {"trigger": "agree", "at": "2020-03-06T10:00:00+08:00", "values": {"amount": 0}},
        {"trigger": "remediate", "at": "2020-03-20T10:00:00+08:00", "values": {}},
        {"trigger": "agree", "at": "2020-03-21T10:00:00+08:00", "values": {"amount": 900}},
    ]
    exported = {"case_no": "TJ-1", "office": "panzhou", "state": "performed"}
    rows = [
        {**exported, "registered_on": "2020-03-02", "data": "{}", "history": json.dumps(history)}
    ]
    row = Ledger.of(rows).rows[0]
    assert (row.accept, row.outcome, row.days) == (date(2020, 3, 2), date(2020, 3, 6), 4)
    assert row.amount == 900 and row.open and row.last == date(2020, 3, 21)


def test_the_ledger_read_from_storage_is_the_export(
    demo_year: tuple[Cli, dict[str, object]], tmp_path: Path
) -> None:
    """The realism checks read the stored cases and events directly (``Ledger.read``): the same
    cases, days and values as ``casework export`` gives them."""
    cli, _ = demo_year
    cw = Casework(cli.db)
    try:
        exported: dict[str, Any] = {}
        columns = "case_no,office,state,registered_on,data,history"
        for kind in ("mediation", "subsidy_claim"):
            out = tmp_path / f"{kind}.json"
            cw.export_cases(str(out), kind, columns=columns)
            exported[kind] = json.loads(out.read_text("utf-8"))
        old, new = Ledger.of(exported["mediation"]), Ledger.read(cw)
        old_claims, new_claims = Claims.of(exported["subsidy_claim"]), Claims.read(cw)
    finally:
        cw.close()
    assert len(new.rows) == len(old.rows) > 8000

    def seen(r: MediationRow) -> tuple[object, ...]:
        days = [(s.trigger, s.on) for s in r.steps]
        values = (r.agreement, r.applied, r.ruling, r.ruled_after, r.due_after(2020))
        return r.case_no, r.office, r.state, r.registered_on, dict(r.data), days, values

    assert [seen(r) for r in new.rows] == [seen(r) for r in old.rows]
    assert new_claims.approvals() == old_claims.approvals()
    assert [[s.trigger for s in c] for c in new_claims.claims] == [
        [s.trigger for s in c] for c in old_claims.claims
    ]


def test_the_year_walks_the_law(demo_year: tuple[Cli, dict[str, object]]) -> None:
    """The demo follows the 2005 rules in 2020 and the procedures of petition.md and
    major_dispute.md: reviews decided one level up, notices and deliveries on file, group
    visits within five representatives, accusations forwarded, never accepted."""
    cli, summary = demo_year
    cw = Casework(cli.db)
    try:
        audit = cw.verify()
        assert audit["ok"] is True and audit["events"] == summary["events"]
        with cw.engine.connect() as conn:
            triggers = {r[0] for r in conn.execute(select(events.c.trigger).distinct())}
            kinds = {r[0] for r in conn.execute(select(cases.c.kind).distinct())}
            walked = list(
                conn.execute(
                    select(cases.c.case_no, cases.c.kind, cases.c.office_code, cases.c.data)
                    .where(cases.c.kind.in_(("petition", "major_dispute", "reconsideration")))
                    .order_by(cases.c.id)
                )
            )
            states = {
                r.case_no: r.state
                for r in conn.execute(
                    select(cases.c.case_no, cases.c.state).where(cases.c.kind == "petition")
                )
            }
            representatives = {
                r[0]: r[1]
                for r in conn.execute(
                    select(cases.c.case_no, func.count())
                    .join(cases, cases.c.id == parties.c.case_id)
                    .where(parties.c.role == "representative", cases.c.kind == "petition")
                    .group_by(cases.c.case_no)
                )
            }
            reviews = list(
                conn.execute(
                    select(cases.c.office_code, events.c.actor)
                    .join(cases, cases.c.id == events.c.case_id)
                    .where(events.c.trigger == "review")
                )
            )
    finally:
        cw.close()
    # a believable year: every procedure and most of their paths were walked
    assert kinds == {"petition", "mediation", "major_dispute", "subsidy_claim"} | {
        "hotline",
        "reconsideration",
    }
    assert triggers >= EVERY_TRIGGER and "divert" not in triggers and "object" not in triggers
    rules = {(kind, data["rules"]) for _, kind, _, data in walked}
    # the invented reconsiderations, all received in 2020, are under the 1999 law
    assert rules == {("petition", "xf2005"), ("major_dispute", "ba2"), ("reconsideration", "1999")}
    # A town's reply is reviewed at its parent, the city justice bureau (X art. 34), never at
    # the town; the city's own replies are reviewed by Maoming, recorded by the city.
    assert reviews and all(
        (office == "city-petition") == (actor == "petition_clerk")
        and (office == "city-petition" or actor == "justice_sup")
        for office, actor in reviews
    )
    petitions = {no: data for no, kind, _, data in walked if kind == "petition"}
    groups = [
        no
        for no, d in petitions.items()
        if d.get("channel") == "visit" and int(d.get("people", 1)) >= 2
    ]
    assert groups and all(representatives.get(no, 0) <= 5 for no in groups)
    assert any(representatives.get(no, 0) >= 2 for no in groups)
    accusations = [no for no, d in petitions.items() if d.get("category") == "accusation"]
    # forwarded to discipline inspection (G art. 30, X [cfg]), never accepted; the last days'
    # are still within their 15 days at the year's end
    ended = [states[no] for no in accusations]
    assert ended and set(ended) <= {"forwarded", "registered"}
    assert ended.count("forwarded") > 0.95 * len(ended)


def test_the_cohort_resolution_rate_never_exceeds_100_percent(
    demo_year: tuple[Cli, dict[str, object]],
) -> None:
    """化解率 is resolved ÷ on the ledger of the same cases (petition.md Statistics): no month
    of the year goes over 100%, as resolved ÷ identified of different cohorts did."""
    cli, _ = demo_year
    cw = Casework(cli.db)
    try:
        rate = "major_dispute.resolution_rate"
        rows = cw.stats("2020-01-01", "2020-12-31", by="month", metrics=[rate])["rows"]
        year = cw.stats("2020-01-01", "2020-12-31", metrics=[rate])["metrics"][rate]
    finally:
        cw.close()
    rates = [row["metrics"][rate] for row in rows]
    assert len(rates) == 12 and all(r is not None and 0 <= r <= 100 for r in rates)
    assert year is not None and 0 < year <= 100


def test_reports_and_deadlines_on_the_year(
    demo_year: tuple[Cli, dict[str, object]], tmp_path: Path
) -> None:
    cli, _ = demo_year
    overdue = json.loads(cli("due", "--as-of", "2020-11-30", "--json").stdout)
    assert any(r["overdue"] for r in overdue)
    report = cli("report", "annual", "--year", "2020")
    assert report.exit_code == 0, report.stderr
    text = "".join(report.stdout.split())  # the sentences wrap at 80 columns here
    assert "1-11月全市共排查纠纷578次，其中开展疫情专项排查活动达140次，预防纠纷627件" in text
    assert "2020年1-11月共调解纠纷7454件" in text and "前三季度纳入以案定补案件5467件" in text
    assert "梳理出148件重大矛盾纠纷和信访突出问题" in text
    assert "案件96件" in text and "潘州街道司法所" in text
    # issue 13: no rate disagrees with the two figures printed right before it
    checked, wrong = disagreeing_rates(text)
    assert checked >= 7 and wrong == [], wrong
    md = cli("report", "monthly", "--month", "2020-11", "--format", "md").stdout
    assert md.startswith("# 2020年11月") and "| 合计 |" in md
    xlsx = tmp_path / "2020-11.xlsx"
    made = cli("report", "monthly", "--month", "2020-11", "--format", "xlsx", "--out", str(xlsx))
    assert made.exit_code == 0, made.stderr
    sheet = load_workbook(xlsx).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0]]
    body = [r for r in rows[3:-1] if not str(r[0]).endswith("小计")]  # the offices' rows
    total = rows[-1]
    assert total[0] == "合计" and total[4] == sum(r[4] for r in body)  # 调解件数
    month = cli(
        *("stats", "--from", "2020-11-01", "--to", "2020-11-30"),
        *("--metric", "mediation.mediated", "--json"),
    ).stdout
    assert total[4] == json.loads(month)["metrics"]["mediation.mediated"]


def test_a_built_demo_is_not_built_over(demo_year: tuple[Cli, dict[str, object]]) -> None:
    cli, _ = demo_year
    again = cli("demo")
    assert again.exit_code == 1 and "force" in again.stderr


def _snapshot(path: Path) -> tuple[list[tuple[str, str, int]], dict[str, object]]:
    cw = Casework(str(path))
    with cw.engine.connect() as conn:
        rows = [
            (r.case_no, r.state, r.version)
            for r in conn.execute(
                select(cases.c.case_no, cases.c.state, cases.c.version).order_by(cases.c.case_no)
            )
        ]
    stats = cw.stats("2020-01-01", "2020-12-31")["metrics"]
    by_month = cw.stats("2020-01-01", "2020-12-31", by="month")["rows"]
    cw.close()
    return rows, {"metrics": stats, "by_month": by_month}


@dataclass(frozen=True)
class Partial:
    """A partial demo year built once for this module, and the collector's pace seen inside
    its steps (``Runner.run``), before it and after it."""

    path: Path
    summary: dict[str, Any]
    paces: tuple[list[tuple[int, int, int]], tuple[int, int, int], tuple[int, int, int]]


PARTIAL = ("--seed", "7", "--until", "2020-01-10")


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory) -> Partial:
    """``demo --seed 7 --until 2020-01-10``: every demo starts with two months carried over
    from 2019 and a year's plan, so a build costs seconds; the tests that need a partial year
    share this one (a test that writes works on a copy)."""
    clock = FrozenClock(datetime(2021, 1, 5, 1, 0, tzinfo=UTC))  # 09:00 in China
    path = tmp_path_factory.mktemp("partial") / "demo.db"
    seen: list[tuple[int, int, int]] = []
    run = Runner.run

    def watched(self: Runner, *args: Any, **kwargs: Any) -> None:
        seen.append(gc.get_threshold())
        run(self, *args, **kwargs)

    before = gc.get_threshold()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Runner, "run", watched)
        result = Cli(str(path), clock)("demo", *PARTIAL, "--json")
    assert result.exit_code == 0, result.stderr
    return Partial(path, json.loads(result.stdout), (seen, before, gc.get_threshold()))


def copy_of(partial: Partial, path: Path) -> str:
    """A copy of the partial year's database, through SQLite's backup (a reader may have left a
    write-ahead log beside the file)."""
    source, target = sqlite3.connect(partial.path), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return str(path)


def test_same_seed_same_database(partial: Partial, tmp_path: Path, clock: FrozenClock) -> None:
    clock.set("2021-01-05T09:00")
    assert partial.summary["cases"] > 500 and partial.summary["all_match"] is False
    first = _snapshot(partial.path)
    again = Cli(str(tmp_path / "b.db"), clock)("demo", *PARTIAL, "--json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["cases"] == partial.summary["cases"]
    assert _snapshot(tmp_path / "b.db") == first
    other = Cli(str(tmp_path / "c.db"), clock)("demo", "--seed", "8", *PARTIAL[2:])
    assert other.exit_code == 0
    assert _snapshot(tmp_path / "c.db") != first


def test_a_database_of_its_own_is_never_replaced(tmp_path: Path, clock: FrozenClock) -> None:
    clock.set("2021-01-05T09:00")
    path = str(tmp_path / "used.db")
    cw = Casework.initialise(path, offices="gaozhou", clock=clock)
    cw.acting("admin").add_user("c1", "某", "clerk", "panzhou")
    before = dump(cw.engine)
    cli = Cli(path, clock)
    # users and no cases (a city just set up): the demo writes nothing into it
    for args in (("demo",), ("demo", "--force"), ("--as", "admin", "demo", "--force")):
        refused = cli(*args, "--until", "2020-01-10")
        assert refused.exit_code == 1 and "not a demo database" in refused.stderr, refused.stderr
        assert len(refused.stderr.splitlines()) == 1
        assert dump(cw.engine) == before
    cw.acting("c1").register("petition", "panzhou", "旧案")
    before = dump(cw.engine)
    assert cli("demo", "--force", "--until", "2020-01-10").exit_code == 1
    assert dump(cw.engine) == before
    cw.close()


def test_force_replaces_only_an_untouched_demo(
    partial: Partial, tmp_path: Path, clock: FrozenClock
) -> None:
    clock.set("2021-01-05T09:00")
    path = copy_of(partial, tmp_path / "demo.db")
    cli = Cli(path, clock)
    first = partial.summary
    assert first["cases"] > 10
    refused = cli("demo", *PARTIAL)
    assert refused.exit_code == 1 and "force" in refused.stderr
    rebuilt = cli("demo", "--force", "--seed", "7", "--until", "2020-01-15", "--json")
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["cases"] > first["cases"]
    # someone tries the demo database out: it is theirs now
    cw = Casework(path, clock=clock)
    cw.acting("panzhou_clerk").register("petition", "panzhou", "试用")
    before = dump(cw.engine)
    refused = cli("demo", "--force", "--until", "2020-01-10")
    assert refused.exit_code == 1 and "of its own" in refused.stderr, refused.stderr
    assert dump(cw.engine) == before
    cw.close()


def test_the_year_is_built_with_the_collector_slowed(partial: Partial) -> None:
    """The demo's steps run under bulk work (casework.runtime) and the collector's pace comes
    back afterwards: with CPython's default pace the year took a quarter longer. (The pace
    was watched while the module's partial year was built.)"""
    seen, before, after = partial.paces
    assert seen == [BULK_THRESHOLDS]
    assert after == before


JAN_NOV = ("--from", "2020-01-01", "--to", "2020-11-30")


def test_the_mediation_form_of_january_to_november(
    demo_year: tuple[Cli, dict[str, object]], tmp_path: Path
) -> None:
    """Issue 13: the form of the demo's January-November holds every tie, each count has its
    explain list, and the xlsx opens in LibreOffice with the same figures."""
    cli, _ = demo_year
    shown = cli("report", "mediation-form", *JAN_NOV, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    form = json.loads(shown.stdout)
    assert form["failed"] == [] and len(form["ties"]) >= 4 and all(t["ok"] for t in form["ties"])
    rows = {(s["title"], r["label"]): r for s in form["sections"] for r in s["rows"]}
    mediated = next(r for (_, label), r in rows.items() if label == "调解纠纷")
    assert mediated["value"] == 7454
    counted = [
        (key, row)
        for key, row in rows.items()
        # a rate, an amount or people: no list of things one each
        if not (row["unit"] in ("%", "万元") or key[1].endswith("（人）"))
    ]
    api = Casework(cli.db, clock=cli.clock)
    names = [metric for _, row in counted for metric in row["metrics"]]
    explained = iter(api.explain_many(names, "2020-01-01", "2020-11-30"))
    api.close()
    for key, row in counted:
        items = [i for _ in row["metrics"] for i in next(explained)["items"]]
        assert sum(int(i.get("value", 1)) for i in items) == row["value"], key
    assert len(counted) > 40
    book = tmp_path / "2020年1-11月人民调解.xlsx"
    made = cli("report", "mediation-form", *JAN_NOV, "--format", "xlsx", "--output", str(book))
    assert made.exit_code == 0, made.stderr
    calc = libreoffice_rows(book, tmp_path)
    assert calc[0][0].startswith("人民调解工作统计表（2020年1-11月）")
    read = {(r[0], r[1]): r[2] for r in calc[2:] if len(r) >= 3 and r[0] != "核对" and r[1]}
    assert read.keys() == rows.keys()
    for key, row in rows.items():
        want, got = row["value"], read[key]
        near = pytest.approx(want, abs=0.005)
        assert got == "" if want is None else shown_number(got) == near, key
    checks = [r for r in calc if r and r[0] == "核对"]
    assert len(checks) == len(form["ties"]) and all(r[4] == "是" for r in checks)


NARROWED_DAYS = ("2020-02-29", "2020-06-30", "2020-10-15", "2020-12-20", "2021-01-05", "2026-12-02")


@pytest.mark.parametrize("username", ["admin", "panzhou_clerk", "shigu_sup"])
def test_due_reads_only_the_cases_that_may_run_and_lists_the_same(
    demo_year: tuple[Cli, dict[str, object]], username: str
) -> None:
    """casework.read.may_run: on days through the year (cases changed since, duties open and
    met, court cases and not) the narrowed listing is the full one, for the city and a town."""
    cli, _ = demo_year
    api = Casework(cli.db, clock=cli.clock).acting(username)
    with api.read() as (conn, actor):
        for day in map(date.fromisoformat, NARROWED_DAYS):
            full = due_list(conn, api.machines, actor, day, 7, narrow=False)
            assert due_list(conn, api.machines, actor, day, 7) == full, day
            assert full or day.year == 2026 or username != "admin"
        wf = api.machines.workflow("mediation")
        scope = (None, actor, None)
        read = sum(1 for _ in narrowed(conn, wf, date(2021, 1, 5), scope, LISTED))
        mediations = select(func.count()).select_from(cases).where(cases.c.kind == "mediation")
        if not actor.city_wide:
            mediations = mediations.where(cases.c.office_code == actor.office)
        assert 0 < read < conn.execute(mediations).scalar_one() / 5
    api.close()


def test_the_years_figures_from_the_rollups_equal_those_from_the_events(
    demo_year: tuple[Cli, dict[str, object]],
) -> None:
    """The demo year's every figure (issue 18 point 4): summed from the statistics roll-ups as
    ``stats`` reads them, and computed from the events, for the year, a quarter and a month,
    whole and by office, kind and month."""
    from casework.read.rollups import ready
    from casework.read.scope import Scope
    from casework.read.stats import catalogue, compute
    from casework.storage.db import open_engine, reading

    cli, _ = demo_year
    Casework(cli.db, clock=cli.clock).roll_up()  # what the module's other tests wrote since
    engine = open_engine(cli.db)
    cat = catalogue(default_registry())
    periods = ((date(2020, 1, 1), date(2020, 12, 31)), (date(2020, 7, 1), date(2020, 9, 30)))
    with reading(engine) as conn:
        assert ready(conn)
        for start, end in (*periods, (date(2020, 11, 1), date(2020, 11, 30))):
            for by in (None, "office", "kind", "month"):
                scope = Scope(start, end)
                rolled = compute(conn, cat, scope, None, by, rolled=True)
                assert rolled == compute(conn, cat, scope, None, by), (start, end, by)
    engine.dispose()
