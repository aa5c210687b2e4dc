"""The report's wording (procedures/mediation.md, Wording; issue 13 item 6): periods named from
their dates, nothing past the report's date, every figure as of it, a rate right after the two
figures it divides, amounts in 万元, 疫情专项 only for pandemic campaigns, the towns in the
official order and the city bodies apart."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from casework.api import Casework
from casework.errors import InvalidData
from casework.read.report import (
    CITY_TOTAL,
    TOTAL,
    TOWNS_TOTAL,
    Periods,
    annual,
    as_text,
    monthly,
    official_order,
    report_date,
)
from casework.read.shapes import Figure, OfficeJSON, StatsJSON
from casework.read.wording import (
    RateDisagrees,
    Term,
    count,
    last_month_end,
    last_quarter_end,
    period_words,
    rate_clause,
    wan_yuan,
)
from tests import major_disputes as MD
from tests import petitions as P
from tests.helpers import Cli, FrozenClock

RATE = re.compile(r"([\u4e00-\u9fff]+率)(\d+(?:\.\d+)?)%")
COUNTED = re.compile(r"(\d+)(?=件|次|批|人)")


def disagreeing_rates(text: str) -> tuple[int, list[str]]:
    """How many "X率Y%" the text has, and those that do not equal the second of the two
    figures printed right before them (in the same sentence) divided by the first."""
    checked, wrong = 0, []
    for m in RATE.finditer(text):
        sentence = re.split(r"[。]", text[: m.start()])[-1]
        figures = [int(n) for n in COUNTED.findall(sentence)]
        checked += 1
        if len(figures) < 2 or figures[-2] == 0:
            wrong.append(f"{m.group(0)}: no two figures before it in {sentence!r}")
            continue
        whole, part = figures[-2:]
        if f"{100.0 * part / whole:.2f}" != m.group(2):
            wrong.append(f"{m.group(0)} after {whole} and {part}: {sentence!r}")
    return checked, wrong


# --- period words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("2020-01-01", "2020-11-30", "1-11月"),
        ("2020-01-01", "2020-09-30", "前三季度"),
        ("2020-01-01", "2020-06-30", "上半年"),
        ("2020-01-01", "2020-12-31", "全年"),
        ("2020-01-01", "2020-03-31", "1-3月"),
        ("2020-01-01", "2020-01-31", "1月"),
        ("2021-01-01", "2021-02-28", "1-2月"),
        ("2024-02-01", "2024-02-29", "2月"),  # a leap year's February is whole
        ("2024-02-01", "2024-02-28", "2月1日至28日"),
        ("2021-04-01", "2021-06-30", "第二季度"),
        ("2021-07-01", "2021-09-30", "第三季度"),
        ("2023-10-01", "2023-12-31", "第四季度"),
        ("2023-07-01", "2023-12-31", "下半年"),
        ("2021-03-01", "2021-08-31", "3-8月"),
        ("2020-01-01", "2020-12-24", "1月1日至12月24日"),
        ("2021-03-02", "2021-04-15", "3月2日至4月15日"),
        ("2021-05-03", "2021-05-03", "5月3日"),
        ("2019-12-01", "2020-02-29", "2019年12月至2020年2月"),
        ("2019-12-15", "2020-01-10", "2019年12月15日至2020年1月10日"),
    ],
)
def test_a_period_is_named_from_its_dates(start: str, end: str, words: str) -> None:
    assert period_words(date.fromisoformat(start), date.fromisoformat(end)) == words


def test_a_period_names_its_own_year_when_asked() -> None:
    assert period_words(date(2021, 1, 1), date(2021, 11, 30), year=True) == "2021年1-11月"
    assert period_words(date(2025, 1, 1), date(2025, 9, 30), year=True) == "2025年前三季度"
    with pytest.raises(ValueError):
        period_words(date(2021, 2, 1), date(2021, 1, 31))


@pytest.mark.parametrize(
    ("day", "month", "quarter"),
    [
        ("2020-12-24", "2020-11-30", "2020-09-30"),
        ("2020-12-31", "2020-12-31", "2020-12-31"),
        ("2021-10-01", "2021-09-30", "2021-09-30"),
        ("2021-03-30", "2021-02-28", "2020-12-31"),
        ("2024-03-01", "2024-02-29", "2023-12-31"),
    ],
)
def test_the_last_whole_month_and_quarter_by_a_day(day: str, month: str, quarter: str) -> None:
    on = date.fromisoformat(day)
    assert last_month_end(on) == date.fromisoformat(month)
    assert last_quarter_end(on) == date.fromisoformat(quarter)


@pytest.mark.parametrize(
    ("year", "on", "months", "quarters", "to_date"),
    [
        (2020, "2020-12-24", "2020-11-30", "2020-09-30", "2020-12-24"),
        (2021, "2021-12-24", "2021-11-30", "2021-09-30", "2021-12-24"),
        (2021, "2021-08-15", "2021-07-31", "2021-06-30", "2021-08-15"),
        # a report dated after its year covers the whole year, as of its date
        (2020, "2021-02-20", "2020-12-31", "2020-12-31", "2020-12-31"),
        # no whole month or quarter yet: the shorter period, never past the date
        (2022, "2022-01-20", "2022-01-20", "2022-01-20", "2022-01-20"),
        (2022, "2022-02-10", "2022-01-31", "2022-01-31", "2022-02-10"),
    ],
)
def test_an_annual_reports_periods_end_by_its_date(
    year: int, on: str, months: str, quarters: str, to_date: str
) -> None:
    periods = Periods.of(year, date.fromisoformat(on))
    jan = date(year, 1, 1)
    assert periods.months == (jan, date.fromisoformat(months))
    assert periods.quarters == (jan, date.fromisoformat(quarters))
    assert periods.to_date == (jan, date.fromisoformat(to_date))


def test_the_report_date_defaults_to_24_december_or_today() -> None:
    assert report_date(2020, None, date(2021, 1, 5)) == date(2020, 12, 24)
    assert report_date(2026, None, date(2026, 12, 1)) == date(2026, 12, 1)
    assert report_date(2020, date(2021, 2, 20), date(2021, 3, 1)) == date(2021, 2, 20)
    for given, today in (
        (date(2019, 12, 31), date(2021, 1, 1)),
        (date(2021, 3, 2), date(2021, 3, 1)),
    ):
        with pytest.raises(InvalidData) as refused:
            report_date(2020, given, today)
        assert refused.value.field == "date"
    with pytest.raises(InvalidData) as early:
        report_date(2027, None, date(2026, 12, 1))
    assert early.value.field == "year"


# --- figures and rates --------------------------------------------------------------------


def test_counts_have_no_separator_and_amounts_are_in_wan_yuan() -> None:
    assert count(7454) == "7454" and count(1234567) == "1234567" and count(None) == "0"
    assert wan_yuan(1384550) == "138.46万元"  # half up
    assert wan_yuan(1384549) == "138.45万元"
    assert wan_yuan(0) == "0.00万元" and wan_yuan(5) == "0.00万元" and wan_yuan(50) == "0.01万元"
    assert wan_yuan(123456789012) == "12345678.90万元"


MEDIATED = Term("mediation.mediated", "共调解纠纷{}件")
AGREED = Term("mediation.agreed", "调解成功{}件")


def test_a_rate_follows_the_two_figures_it_divides() -> None:
    figures = {
        "mediation.mediated": 7454,
        "mediation.agreed": 7135,
        "mediation.success_rate": 95.72,
    }
    text = rate_clause(figures, "mediation.success_rate", "调解成功率", MEDIATED, AGREED)
    assert text == "共调解纠纷7454件，调解成功7135件，调解成功率95.72%"
    assert disagreeing_rates(text) == (1, [])


def test_a_rate_that_disagrees_with_its_figures_is_refused() -> None:
    # the old ratio agreed ÷ (agreed + failed) printed beside mediated: 98.18 is not 7135/7454
    figures = {
        "mediation.mediated": 7454,
        "mediation.agreed": 7135,
        "mediation.success_rate": 98.18,
    }
    with pytest.raises(RateDisagrees) as refused:
        rate_clause(figures, "mediation.success_rate", "调解成功率", MEDIATED, AGREED)
    assert "rate_disagrees" in refused.value.reason and "7135/7454" in refused.value.reason
    assert disagreeing_rates("共调解7454件，调解成功7135件，调解成功率98.18%")[1]


def test_a_zero_whole_prints_its_figures_without_a_rate() -> None:
    figures = {"mediation.mediated": 0, "mediation.agreed": 0, "mediation.success_rate": None}
    text = rate_clause(figures, "mediation.success_rate", "调解成功率", MEDIATED, AGREED)
    assert text == "共调解纠纷0件，调解成功0件"
    with pytest.raises(RateDisagrees):
        rate_clause(
            {**figures, "mediation.success_rate": 0.0},
            "mediation.success_rate",
            "率",
            MEDIATED,
            AGREED,
        )


# --- the annual text over a world of known figures ---------------------------------------

RATES = {  # rate: (numerator, denominator)
    "mediation.success_rate": ("mediation.agreed", "mediation.mediated"),
    "mediation.concluded_success_rate": ("mediation.agreed", "mediation.concluded"),
    "major_dispute.resolution_rate": (
        "major_dispute.resolved_on_ledger",
        "major_dispute.on_ledger",
    ),
    "petition.timely_rate": ("petition.decided_on_time", "petition.decided"),
    "petition.on_time_rate": ("petition.due_on_time", "petition.due"),
    "petition.evaluation_rate": ("petition.evaluated", "petition.evaluable"),
    "petition.satisfaction_rate": ("petition.satisfied", "petition.evaluated"),
}
SHARES = {  # each count: a share of the period's days, so that periods differ
    "screening.sessions": 2.0,
    "screening.special": 0.5,
    "screening.prevented": 1.7,
    "mediation.mediated": 20.0,
    "mediation.agreed": 19.1,
    "mediation.concluded": 19.5,
    "mediation.agreement_amount": 13100.37,
    "subsidy.cases": 15.0,
    "major_dispute.identified": 0.4,
    "major_dispute.resolved": 0.3,
    "major_dispute.on_ledger": 0.5,
    "major_dispute.resolved_on_ledger": 0.3,
    "petition.registered": 3.0,
    "petition.replied": 2.6,
    "petition.visit_batches": 1.0,
    "petition.visit_persons": 1.9,
    "petition.collective_batches": 0.1,
    "petition.collective_persons": 0.9,
    "petition.decided": 2.9,
    "petition.decided_on_time": 2.7,
    "petition.due": 2.5,
    "petition.due_on_time": 2.4,
    "petition.evaluable": 2.2,
    "petition.evaluated": 1.6,
    "petition.satisfied": 1.4,
}


@dataclass
class FakeStats:
    """Figures proportional to a period's length, each rate from its parts as the catalogue
    computes it; every call recorded. ``overrides`` replaces figures (a null amount, no
    pandemic campaign...)."""

    overrides: Mapping[str, Figure] = field(default_factory=dict)
    swapped: Mapping[str, str] = field(default_factory=dict)  # a rate given another's value
    calls: list[tuple[date, date, str | None, date | None]] = field(default_factory=list)

    def figures(self, start: date, end: date) -> dict[str, Figure]:
        days = (end - start).days + 1
        out: dict[str, Figure] = {k: int(v * days) for k, v in SHARES.items()}
        out["screening.pandemic"] = out["screening.special"]
        out["subsidy.amount"] = int(SHARES["subsidy.cases"] * days) * 200
        out.update(self.overrides)
        for rate, (numerator, denominator) in RATES.items():
            n, d = out[numerator], out[denominator]
            out[rate] = round(100.0 * float(n or 0) / float(d), 2) if d else None
        out.update({rate: out[other] for rate, other in self.swapped.items()})
        return out

    def asked(self, start: date, end: date, metrics: list[str] | None) -> dict[str, Figure]:
        """The figures asked for, as the catalogue gives them: an unknown name is refused."""
        every = self.figures(start, end)
        if metrics is None:
            return every
        unknown = [name for name in metrics if name not in every]
        if unknown:
            raise InvalidData(f"unknown metric {unknown}", field="metric")
        return {name: every[name] for name in metrics}

    def __call__(
        self,
        start: date,
        end: date,
        by: str | None = None,
        as_of: date | None = None,
        *,
        metrics: list[str] | None = None,
    ) -> StatsJSON:
        self.calls.append((start, end, by, as_of))
        if by == "office":
            rows = [{"key": "shanmei", "metrics": self.asked(start, end, metrics)}]
            rows.append({"key": "city-justice", "metrics": self.asked(start, start, metrics)})
            return {"from": start.isoformat(), "to": end.isoformat(), "by": by, "rows": rows}  # type: ignore[typeddict-item]
        figures = self.asked(start, end, metrics)
        return {"from": start.isoformat(), "to": end.isoformat(), "metrics": figures}


def shipped_offices() -> list[OfficeJSON]:
    """The shipped offices, listed the way ``Casework.offices`` lists them (city first, by code)."""
    import csv
    from importlib import resources

    text = resources.files("casework.data").joinpath("gaozhou-offices.csv").read_text("utf-8")
    rows = [
        OfficeJSON(code=r["code"], name=r["name"], level=r["level"], level_label="", kind=r["kind"])
        for r in csv.DictReader(text.splitlines())
    ]
    return sorted(rows, key=lambda o: (o["level"] != "city", o["code"]))


def test_the_annual_text_of_2020_names_its_periods_and_every_rate_agrees() -> None:
    stats = FakeStats()
    report = annual(stats, shipped_offices(), 2020, date(2021, 1, 5))
    text = report["paragraph"]
    f = stats.figures(date(2020, 1, 1), date(2020, 11, 30))
    assert f"1-11月全市共排查纠纷{f['screening.sessions']}次，其中开展疫情专项排查活动达" in text
    assert (
        f"2020年1-11月共调解纠纷{f['mediation.mediated']}件，调解成功{f['mediation.agreed']}件，调解成功率"
        in text
    )
    assert "已办结案件调解成功率" in text and "协议涉及金额" in text
    q = stats.figures(date(2020, 1, 1), date(2020, 9, 30))
    assert (
        f"前三季度纳入以案定补案件{q['subsidy.cases']}件，补贴金额{wan_yuan(q['subsidy.amount'])}"
        in text
    )
    assert "1月1日至12月24日梳理出" in text and "全年" not in text
    checked, wrong = disagreeing_rates(text)
    assert checked == 7 and wrong == []
    # every figure as of the report's date, no period past it
    assert {as_of for *_, as_of in stats.calls} == {date(2020, 12, 24)}
    assert max(end for _, end, *_ in stats.calls) == date(2020, 12, 24)
    assert report["as_of"] == "2020-12-24" and report["notes"] == []
    assert "（数据截至2020年12月24日）" in as_text(report)


def test_another_years_text_says_its_own_year_and_periods() -> None:
    stats = FakeStats()
    report = annual(stats, shipped_offices(), 2021, date(2021, 8, 15))
    text = report["paragraph"] + report["title"] + report["table_title"]
    assert "2020" not in text and "2021年1-7月共调解纠纷" in text
    assert "上半年纳入以案定补案件" in text and "1月1日至8月15日梳理出" in text
    assert max(end for _, end, *_ in stats.calls) == date(2021, 8, 15)
    assert disagreeing_rates(report["paragraph"])[1] == []


@pytest.mark.parametrize(
    ("special", "pandemic", "said", "unsaid"),
    [
        (140, 140, "其中开展疫情专项排查活动达140次，", ""),
        (140, 30, "其中开展专项排查活动140次（疫情专项排查30次），", "达"),
        (12, 0, "其中开展专项排查活动12次，", "疫情"),
        (0, 0, "全市共排查纠纷", "专项"),
    ],
)
def test_pandemic_screenings_are_named_only_for_pandemic_campaigns(
    special: int, pandemic: int, said: str, unsaid: str
) -> None:
    stats = FakeStats({"screening.special": special, "screening.pandemic": pandemic})
    text = annual(stats, shipped_offices(), 2020, date(2021, 1, 5))["paragraph"]
    assert said in text
    if unsaid:
        assert unsaid not in text.split("预防纠纷")[0]


def test_a_null_subsidy_amount_is_left_out_and_said_why() -> None:
    stats = FakeStats({"subsidy.amount": None})
    report = annual(stats, shipped_offices(), 2020, date(2021, 1, 5))
    assert "补贴金额" not in report["paragraph"] and "纳入以案定补案件" in report["paragraph"]
    assert len(report["notes"]) == 1 and "示例标准" in report["notes"][0]


def test_a_changed_definition_is_caught_not_printed() -> None:
    # the old success rate (agreed ÷ concluded) under the corrected name: refused, not printed
    stats = FakeStats(swapped={"mediation.success_rate": "mediation.concluded_success_rate"})
    with pytest.raises(RateDisagrees):
        annual(stats, shipped_offices(), 2020, date(2021, 1, 5))


def test_the_table_lists_the_towns_in_the_official_order_and_the_city_apart() -> None:
    report = annual(FakeStats(), shipped_offices(), 2020, date(2021, 1, 5))
    names = [str(r[0]) for r in report["rows"]]
    order = official_order()
    towns = [o for o in shipped_offices() if o["level"] == "town"]
    city = [o for o in shipped_offices() if o["level"] == "city"]
    expected_towns = [o["name"] for o in sorted(towns, key=lambda o: order[o["code"]])]
    expected_city = [o["name"] for o in sorted(city, key=lambda o: order[o["code"]])]
    assert names == [*expected_towns, TOWNS_TOTAL, *expected_city, CITY_TOTAL, TOTAL]
    assert names[:6] == [
        *("潘州街道司法所", "山美街道司法所", "宝光街道司法所", "石仔岭街道司法所"),
        *("金山街道司法所", "谢鸡镇司法所"),
    ]
    assert names[27:29] == ["长坡镇司法所", TOWNS_TOTAL] and names[29] == "高州市司法局"
    rows = {str(r[0]): [int(v) for v in r[1:]] for r in report["rows"]}
    mediated = report["header"].index("调解件数") - 1
    assert rows["山美街道司法所"][mediated] == rows[TOWNS_TOTAL][mediated] > 0
    assert rows["谢鸡镇司法所"][mediated] == 0  # an office without figures shows zeros
    assert rows[TOTAL][mediated] == rows[TOWNS_TOTAL][mediated] + rows[CITY_TOTAL][mediated]
    assert rows[CITY_TOTAL][mediated] == rows["高州市司法局"][mediated] > 0


def test_a_month_not_over_is_counted_to_today() -> None:
    stats = FakeStats()
    report = monthly(stats, shipped_offices(), "2026-12", date(2026, 12, 1))
    assert stats.calls[-1][:2] == (date(2026, 12, 1), date(2026, 12, 1))
    assert report["table_title"] == "2026年12月1日（2026-12-01至2026-12-01）"
    with pytest.raises(InvalidData) as refused:
        monthly(stats, shipped_offices(), "2027-01", date(2026, 12, 1))
    assert refused.value.field == "month"


# --- through the API and the CLI, on both databases ---------------------------------------


@pytest.fixture
def world(cw: Casework, clock: FrozenClock) -> None:
    """Petitions in panzhou every 17 days of 2020 (every other one closed, satisfied, that
    day), one in shanmei on 20 November, and major disputes identified in March and resolved
    in June and December: each step recorded on its day, so that a report dated earlier does
    not see the later ones."""
    day = date(2020, 1, 6)
    while day <= date(2020, 11, 28):
        clock.set(f"{day}T10:00")
        case_no = P.register(cw, f"{day}T10:00")
        if day.day % 2:
            P.closed(cw, case_no, f"{day}T10:00")
        day += timedelta(days=17)
    clock.set("2020-11-20T10:00")
    cw.acting("clerk_sm").register("petition", "shanmei", "信访")
    disputes = []
    for at in ("2020-03-02", "2020-03-09"):
        clock.set(f"{at}T10:00")
        disputes.append(MD.register(cw, f"{at}T10:00"))
        MD.assigned(cw, disputes[-1])
    for case_no, at in zip(disputes, ("2020-06-10", "2020-12-10"), strict=True):
        clock.set(f"{at}T10:00")
        MD.plan(cw, case_no)
        MD.resolve(cw, case_no)
    clock.set("2020-12-20T10:00")


def test_the_annual_report_of_a_built_world(cw: Casework, world: None, cli: Cli) -> None:
    report = annual(cw.stats, cw.offices(), 2020, cw.today(), date(2020, 11, 15))
    registered = cw.stats("2020-01-01", "2020-11-15", as_of="2020-11-15")["metrics"]
    later = cw.stats("2020-01-01", "2020-11-30")["metrics"]
    assert later["petition.registered"] == int(registered["petition.registered"] or 0) + 2
    text = report["paragraph"]
    assert f"1月1日至11月15日登记信访事项{registered['petition.registered']}件" in text
    assert "2020年1-10月共调解纠纷0件，调解成功0件；" in text and "前三季度" in text
    assert (
        "梳理出2件重大矛盾纠纷" in text
        and "案件1件；包案台账在册2件，其中已化解1件，化解率50.00%" in text
    )
    checked, wrong = disagreeing_rates(text)
    assert checked >= 4 and wrong == [], (checked, wrong)
    names = [str(r[0]) for r in report["rows"]]
    assert names.index("潘州街道司法所") < names.index("山美街道司法所") < names.index(TOWNS_TOTAL)
    assert names.index(TOWNS_TOTAL) < names.index("高州市信访局") < names.index(CITY_TOTAL)
    shown = cli("report", "annual", "--year", "2020", "--date", "2020-11-15")
    assert shown.exit_code == 0, shown.stderr
    # the paragraph wrapped at the terminal's width: whole once its lines are joined
    assert text in "".join(shown.stdout.splitlines())
    assert "（数据截至2020年11月15日）" in shown.stdout
    default = cli("report", "annual", "--year", "2020")  # dated 12-24, but today is 12-20
    assert "（数据截至2020年12月20日）" in default.stdout and "1-11月全市" in default.stdout
    assert "案件2件；包案台账在册2件，其中已化解2件，化解率100.00%" in default.stdout
