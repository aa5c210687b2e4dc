"""Published figures (issue 17 point 8): publishing a month freezes its figures; a late entry
changes today's figures but not the published ones; publishing again needs a reason and keeps
every version; ``report monthly`` uses the published figures. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from casework.api import Casework
from casework.errors import Conflict, InvalidData, NotAllowed, NotFound
from casework.storage.tables import published_figures
from tests.helpers import FrozenClock

REGISTERED = "petition.registered"


def _register(cw: Casework, day: str, office: str = "panzhou") -> None:
    clerk = "clerk_pz" if office == "panzhou" else "clerk_sm"
    cw.acting(clerk).register("petition", office, "信访", at=day)


def _stored(cw: Casework) -> int:
    with cw.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(published_figures)).scalar_one())


def test_publish_a_month_then_a_late_case_then_revise_keeps_both_versions(
    cw: Casework, clock: FrozenClock
) -> None:
    _register(cw, "2020-11-02")
    _register(cw, "2020-11-03", "shanmei")
    stat = cw.acting("viewer1")
    first = stat.publish_figures("2020-11", "office")
    assert (first["period"], first["by"], first["version"], first["reason"]) == (
        "2020-11",
        "office",
        1,
        None,
    )
    assert first["published_by"] == "viewer1" and not first["revised"]
    assert first["published_at"].startswith("2020-12-01T10:00")
    assert len(first["inputs_hash"]) == 64 and "petition" in first["procedure_versions"]
    rows = {r["key"]: r["metrics"] for r in first["figures"]["rows"]}
    assert rows["panzhou"][REGISTERED] == 1 and rows["shanmei"][REGISTERED] == 1

    clock.set("2020-12-05T09:00")
    _register(cw, "2020-11-20")  # entered late
    today = stat.stats("2020-11-01", "2020-11-30", "office", metrics=[REGISTERED])
    assert {r["key"]: r["metrics"][REGISTERED] for r in today["rows"]}["panzhou"] == 2
    shown = stat.published_figures("2020-11", "office")
    assert {r["key"]: r["metrics"] for r in shown["figures"]["rows"]}["panzhou"][REGISTERED] == 1

    changed = stat.published_diff("2020-11", "office")
    assert changed["inputs_changed"] and not changed["procedures_changed"]
    cells = {(c["metric"], c["group"]): (c["published"], c["today"]) for c in changed["cells"]}
    assert cells[(REGISTERED, "panzhou")] == (1, 2)
    assert all(group == "panzhou" for _, group in cells), cells  # only the cells that differ
    assert changed["summary"].count("\n") == 0 and "输入已变化" in changed["summary"]

    with pytest.raises(Conflict, match="修订原因"):
        stat.publish_figures("2020-11", "office")
    assert _stored(cw) == 1
    second = stat.publish_figures("2020-11", "office", revise="late_data")
    assert (second["version"], second["reason"], second["revised"]) == (2, "late_data", False)
    assert [(v["version"], v["revised"]) for v in second["versions"]] == [(1, True), (2, False)]
    assert {r["key"]: r["metrics"] for r in second["figures"]["rows"]}["panzhou"][REGISTERED] == 2
    old = stat.published_figures("2020-11", "office", version=1)
    assert old["revised"] and old["version"] == 1
    assert {r["key"]: r["metrics"] for r in old["figures"]["rows"]}["panzhou"][REGISTERED] == 1
    same = stat.published_diff("2020-11", "office")
    assert same["cells"] == [] and not same["inputs_changed"]


def test_report_monthly_uses_the_published_figures_and_says_which(
    cw: Casework, clock: FrozenClock
) -> None:
    _register(cw, "2020-11-02")
    stat = cw.acting("viewer1")
    column = 1 + [n for n, _ in _office_columns()].index(REGISTERED)

    def panzhou(report: dict[str, object]) -> object:
        rows = report["rows"]
        assert isinstance(rows, list)
        return next(r for r in rows if r[0] == "潘州街道司法所")[column]

    assert "published" not in stat.report_monthly("2020-11")
    stat.publish_figures("2020-11", "office")
    clock.set("2020-12-05T09:00")
    _register(cw, "2020-11-20")
    report = stat.report_monthly("2020-11")
    assert panzhou(dict(report)) == 1
    assert report["published"] == "据 2020-11 公布数（第 1 版，2020-12-01 公布）"
    stat.publish_figures("2020-11", "office", revise="late_data")
    report = stat.report_monthly("2020-11")
    assert panzhou(dict(report)) == 2
    assert report["published"] == "据 2020-11 公布数（第 2 版，2020-12-05 修订）"
    # Published without a grouping, a month's figures are not its table by office.
    stat.publish_figures("2020-10")
    assert "published" not in stat.report_monthly("2020-10")


def _office_columns() -> tuple[tuple[str, str], ...]:
    from casework.read.report import OFFICE_COLUMNS

    return OFFICE_COLUMNS


def test_refusals_write_nothing(cw: Casework) -> None:
    stat = cw.acting("viewer1")
    # A full-width year is read as typed (issue 17 point 4): １９８９ is 1989, out of range.
    for period in ("2020-13", "2020Q5", "20201", "2020-11-01", "１９８９", "1989", "0000"):
        with pytest.raises(InvalidData, match="期间") as refused:
            stat.publish_figures(period)
        assert refused.value.field == "period" and "\n" not in str(refused.value)
    with pytest.raises(InvalidData, match="尚未结束"):
        stat.publish_figures("2020-12")  # today is 2020-12-01
    with pytest.raises(InvalidData, match="尚未结束"):
        stat.publish_figures("2020")
    with pytest.raises(InvalidData, match="修订原因") as bad:
        stat.publish_figures("2020-11", revise="typo")
    assert bad.value.field == "revise"
    with pytest.raises(NotFound, match="尚未公布"):
        stat.publish_figures("2020-11", revise="error")  # nothing to revise
    with pytest.raises(InvalidData, match="分组"):
        stat.publish_figures("2020-11", "colour")
    with pytest.raises(NotAllowed, match="市级单位"):
        cw.acting("sup_pz").publish_figures("2020-11")  # a town head: not the city's figures
    with pytest.raises(NotAllowed, match="需由"):
        cw.acting("clerk_city").publish_figures("2020-11")  # a clerk does not publish
    with pytest.raises(NotFound, match="尚未公布"):
        stat.published_figures("2020-11")
    with pytest.raises(NotFound, match="尚未公布"):
        stat.published_diff("2020Q3")
    assert _stored(cw) == 0


def test_quarters_years_and_who_reads_them(cw: Casework) -> None:
    _register(cw, "2020-08-02")
    head = cw.acting("sup_city")
    quarter = head.publish_figures("2020q3")
    assert quarter["period"] == "2020Q3" and quarter["figures"]["metrics"][REGISTERED] == 1
    assert quarter["figures"]["from"] == "2020-07-01" and quarter["figures"]["to"] == "2020-09-30"
    year = cw.acting("admin").publish_figures("2019")
    assert year["figures"]["metrics"][REGISTERED] == 0 and year["version"] == 1
    # Grouped and not are published apart.
    assert head.publish_figures("2020Q3", "office")["version"] == 1
    assert cw.acting("viewer1").published_figures("2020Q3")["published_by"] == "sup_city"
    with pytest.raises(NotAllowed, match="市级单位"):
        cw.acting("sup_pz").published_figures("2020Q3")
    with pytest.raises(NotFound, match="第 2 版"):
        head.published_figures("2020Q3", version=2)
    assert head.period_dates("2020Q3") == (date(2020, 7, 1), date(2020, 9, 30))


def test_published_rows_cannot_be_changed_or_deleted(cw: Casework) -> None:
    cw.acting("viewer1").publish_figures("2020-11")
    for statement in (
        "UPDATE published_figures SET inputs_hash = 'x'",
        "DELETE FROM published_figures",
    ):
        with pytest.raises(Exception, match="append-only"), cw.engine.begin() as conn:
            conn.execute(text(statement))
    assert _stored(cw) == 1


def test_the_annual_table_uses_the_year_published_by_its_date(cw: Casework) -> None:
    """A report of 2019 dated in 2020 has the whole year as its table's period: published by
    office (on 2020-12-01, today), the table is the published one from that day on."""
    _register(cw, "2019-05-06")
    stat = cw.acting("viewer1")
    stat.publish_figures("2019", "office")
    _register(cw, "2019-06-07")  # entered late
    column = 1 + [n for n, _ in _office_columns()].index(REGISTERED)

    def panzhou(on: str) -> tuple[object, object]:
        report = stat.report_annual(2019, on)
        row = next(r for r in report["rows"] if r[0] == "潘州街道司法所")
        return row[column], report.get("published")

    # Dated before it was published: as the database stood then (nothing recorded yet).
    assert panzhou("2020-11-30") == (0, None)
    assert stat.stats("2019-01-01", "2019-12-31", metrics=[REGISTERED])["metrics"][REGISTERED] == 2
    assert panzhou("2020-12-01") == (1, "据 2019 公布数（第 1 版，2020-12-01 公布）")
    assert "published" not in stat.report_annual(2020)  # 1-11月 is no published period
