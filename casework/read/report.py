"""The statistics part of the annual report's section 一(八), and monthly tables by office.

Every number is filled from the statistics over the stored cases and screenings (a function
of a period, an optional grouping and an as-of day, such as ``Casework.stats``); the text
around them follows the wording of 高州市2020年法治政府建设年度报告 as procedures/mediation.md
(Wording) corrects it: every period is named from its dates and cut at the report's date, every
figure is as the database stood on that date, a rate follows the two figures it divides, and
an amount priced from the example scale is left out (and said why).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Protocol

from casework.errors import InvalidData
from casework.read.export_xlsx import check_xlsx_path
from casework.read.published import PublishedJSON, used_line
from casework.read.shapes import Figure, OfficeJSON, Report, ReportSection, StatsJSON
from casework.read.sheet_style import (
    COUNT_FORMAT,
    LINE_HEIGHT,
    Layout,
    append,
    finish,
    text_width,
)
from casework.read.text_table import text_table
from casework.read.text_wrap import wrap
from casework.read.wording import (
    Figures,
    Term,
    count,
    date_words,
    has,
    last_month_end,
    last_quarter_end,
    month_end,
    period_words,
    rate_clause,
    wan_yuan,
)
from casework.storage.outfiles import save_book
from casework.time.periods import parse_month
from casework.typed import year_in_range
from workflows.wording import STATISTICS_SECTION, ReportPeriod, ReportSentence

OFFICE_COLUMNS = (
    ("screening.sessions", "排查次数"),
    ("screening.special", "专项排查"),
    ("screening.prevented", "预防纠纷"),
    ("mediation.mediated", "调解件数"),
    ("mediation.agreed", "调解成功"),
    ("subsidy.cases", "以案定补"),
    ("petition.registered", "信访登记"),
    ("petition.replied", "信访答复"),
    ("major_dispute.identified", "重大纠纷梳理"),
    ("major_dispute.resolved", "重大纠纷化解"),
)
# 高州市2020年法治政府建设年度报告 is dated 24 December: a year's report is dated that day unless
# told otherwise (or today, while the year has not reached it).
ANNUAL_DAY = (12, 24)
TOWNS_TOTAL, CITY_TOTAL, TOTAL = "镇（街道）小计", "市直单位小计", "合计"
# The table's figures are counts: shown with separators in a workbook.
COUNTS = {col: COUNT_FORMAT for col in range(2, len(OFFICE_COLUMNS) + 2)}
EXAMPLE_NOTE = (
    "以案定补金额未列入报告：所计补贴按示例标准计算（示例标准，非正式数据）"
    " (subsidy.amount is null: a counted claim is priced from the example scale)"
)


class Statistics(Protocol):
    """The figures of a period (both ends local dates), optionally grouped, as the database
    stood at the end of ``as_of`` (None: as it stands)."""

    def __call__(
        self,
        start: date,
        end: date,
        by: str | None = None,
        as_of: date | None = None,
        *,
        metrics: list[str] | None = None,
        closed_by: date | None = None,
    ) -> StatsJSON: ...


@dataclass(frozen=True)
class Periods:
    """The periods of an annual report dated ``on``, none running past it: from 1 January to
    the last whole month (1-11月), to the last whole quarter (前三季度) and to the date itself;
    a year without a whole month or quarter by then uses the shorter period."""

    on: date
    months: tuple[date, date]
    quarters: tuple[date, date]
    to_date: tuple[date, date]

    @classmethod
    def of(cls, year: int, on: date) -> Periods:
        jan = date(year, 1, 1)
        end = min(on, date(year, 12, 31))
        months = last_month_end(end) if end >= month_end(jan) else end
        quarters = last_quarter_end(end) if end >= date(year, 3, 31) else months
        return cls(on, (jan, months), (jan, quarters), (jan, end))


def report_date(year: int, given: date | None, today: date) -> date:
    """The annual report's date: ``given`` (in the year or after it, not after today), else
    24 December of the year, or today while the year has not reached it."""
    year_in_range(year, "年份 year", "year")
    if year > today.year:
        raise InvalidData(
            f"{year}年尚未开始，不能出具年度报告 (the year has not begun)", field="year", value=year
        )
    if given is None:
        return min(date(year, *ANNUAL_DAY), today)
    if given.year < year or given > today:
        raise InvalidData(
            f"报告日期 {given} 应在 {year} 年内或之后、不晚于今天 {today}"
            " (the report's date is in or after its year, not after today)",
            field="date",
            value=given.isoformat(),
        )
    return given


class Figuring:
    """The report's figures: the metrics a sentence prints, of its period, as of the report's
    date (only those: the whole catalogue of a year costs seconds)."""

    def __init__(self, stats: Statistics, on: date) -> None:
        self.stats, self.on = stats, on

    def __call__(
        self, period: tuple[date, date], names: Sequence[str], closed_by: date | None = None
    ) -> Figures:
        if closed_by is None:  # the cohort rates' own default: the period's end
            return self.stats(*period, as_of=self.on, metrics=list(names)).get("metrics", {})
        found = self.stats(*period, as_of=self.on, metrics=list(names), closed_by=closed_by)
        return found.get("metrics", {})


# The metrics each sentence prints.
SCREENING = ("screening.sessions", "screening.special", "screening.pandemic", "screening.prevented")
MEDIATION = (
    *("mediation.mediated", "mediation.agreed", "mediation.success_rate"),
    *("mediation.concluded", "mediation.concluded_success_rate", "mediation.agreement_amount"),
)
SUBSIDY = ("subsidy.cases", "subsidy.amount")
MAJOR = (
    *("major_dispute.identified", "major_dispute.resolved", "major_dispute.on_ledger"),
    *("major_dispute.resolved_on_ledger", "major_dispute.resolution_rate"),
)
PETITION = (
    *("petition.registered", "petition.visit_batches", "petition.visit_persons"),
    *("petition.collective_batches", "petition.collective_persons"),
)


def _screening(f: Figures, words: str) -> str:
    """排查 and 专项排查; "疫情专项排查" only for the entries of pandemic campaigns."""
    special, pandemic = int(f["screening.special"] or 0), int(f.get("screening.pandemic") or 0)
    if not special:
        specials = ""
    elif pandemic == special:
        specials = f"其中开展疫情专项排查活动达{count(special)}次，"
    elif pandemic:
        specials = f"其中开展专项排查活动{count(special)}次（疫情专项排查{count(pandemic)}次），"
    else:
        specials = f"其中开展专项排查活动{count(special)}次，"
    return (
        f"深入开展矛盾纠纷排查化解，{words}全市共排查纠纷{count(f['screening.sessions'])}次，"
        f"{specials}预防纠纷{count(f['screening.prevented'])}件。"
    )


def _mediation(f: Figures, words: str) -> str:
    """调解纠纷, 调解成功 and their rate; the old ratio only under its own name with its own two
    figures (已办结案件调解成功率); the agreements' amount in 万元."""
    text = rate_clause(
        f,
        "mediation.success_rate",
        "调解成功率",
        Term("mediation.mediated", "充分发挥人民调解作用，" + words + "共调解纠纷{}件"),
        Term("mediation.agreed", "调解成功{}件"),
    )
    if (
        has(f, "mediation.concluded", "mediation.concluded_success_rate")
        and f["mediation.concluded"]
    ):
        concluded = rate_clause(
            f,
            "mediation.concluded_success_rate",
            "已办结案件调解成功率",
            Term("mediation.concluded", "已办结{}件"),
            Term("mediation.agreed", "其中调解成功{}件"),
        )
        text += f"（{concluded}）"
    amount = f.get("mediation.agreement_amount")
    if amount is not None and f["mediation.agreed"]:
        text += f"，协议涉及金额{wan_yuan(amount)}"
    return text + "；"


def _subsidy(f: Figures, words: str, notes: list[str]) -> str:
    """以案定补: the cases, and the amount unless it is null (priced from the example scale,
    which is no fact to print: procedures/mediation.md 3)."""
    text = f"落实以案定补，{words}纳入以案定补案件{count(f['subsidy.cases'])}件"
    amount = f.get("subsidy.amount")
    if amount is None:
        notes.append(EXAMPLE_NOTE)
    else:
        text += f"，补贴金额{wan_yuan(amount)}"
    return text + "。"


def _major_disputes(f: Figures, words: str) -> str:
    """领导包案: identified and resolved; the 化解率 after its own two figures, the ledger's
    cohort (petition.md Statistics), not resolved ÷ identified."""
    text = (
        f"落实领导包案制度，{words}梳理出{count(f['major_dispute.identified'])}件重大矛盾纠纷和"
        f"信访突出问题，共化解重大矛盾纠纷和信访突出问题案件{count(f['major_dispute.resolved'])}件"
    )
    ledger = ("major_dispute.on_ledger", "major_dispute.resolved_on_ledger")
    if has(f, *ledger, "major_dispute.resolution_rate"):
        text += "；" + rate_clause(
            f,
            "major_dispute.resolution_rate",
            "化解率",
            Term(ledger[0], "包案台账在册{}件"),
            Term(ledger[1], "其中已化解{}件"),
        )
    return text + "。"


# The petition rates as reports publish them, each after its two figures: 及时受理率 (G arts.
# 22-23), 按期办结率 (G art. 34), 参评率 and 满意率 (满意度评价, M arts. 3-5).
PETITION_RATES = (
    (
        "timely_rate",
        "及时受理率",
        ("decided", "应及时受理{}件"),
        ("decided_on_time", "及时受理{}件"),
    ),
    ("on_time_rate", "按期办结率", ("due", "应按期办结{}件"), ("due_on_time", "按期办结{}件")),
    (
        "evaluation_rate",
        "参评率",
        ("evaluable", "群众满意度评价应评价{}件"),
        ("evaluated", "参评{}件"),
    ),
    ("satisfaction_rate", "满意率", ("evaluated", "参评{}件"), ("satisfied", "满意{}件")),
)


def _petitions(f: Figures, words: str) -> str:
    """The petition sentence: 批次/人次 of visits (G art. 20), then each rate after its terms."""
    text = (
        f"{words}登记信访事项{count(f['petition.registered'])}件，其中来访"
        f"{count(f['petition.visit_batches'])}批{count(f['petition.visit_persons'])}人次（集体访"
        f"{count(f['petition.collective_batches'])}批"
        f"{count(f['petition.collective_persons'])}人次）"
    )
    for rate, label, (whole, whole_words), (part, part_words) in PETITION_RATES:
        names = (f"petition.{rate}", f"petition.{whole}", f"petition.{part}")
        if has(f, *names):
            joiner = "中" if rate == "satisfaction_rate" else "，"
            terms = Term(names[1], whole_words), Term(names[2], part_words)
            text += "；" + rate_clause(f, names[0], label, *terms, joiner=joiner)
    return text + "。"


def _period(periods: Periods, name: ReportPeriod) -> tuple[date, date]:
    return {"months": periods.months, "quarters": periods.quarters, "to_date": periods.to_date}[
        name
    ]


def declared(figures: Figuring, periods: Periods, sentence: ReportSentence) -> str:
    """A sentence a procedure declares (workflows.wording): its period's words, its counts,
    then each rate after its two figures; a cohort rate cut off at the period's end when the
    sentence says so (办结率: the orders closed by the report's date)."""
    period = _period(periods, sentence.period)
    cut = period[1] if sentence.closed_by else None
    f = figures(period, sentence.metrics, cut)
    parts = ["，".join(c.words.format(count(f[c.metric])) for c in sentence.counts)]
    for r in sentence.rates:
        whole, part = Term(r.whole.metric, r.whole.words), Term(r.part.metric, r.part.words)
        parts.append(rate_clause(f, r.rate, r.label, whole, part, joiner=r.joiner))
    return period_words(*period) + "；".join(p for p in parts if p) + "。"


def _paragraph(figures: Figuring, periods: Periods, notes: list[str]) -> str:
    petition_rates = [
        f"petition.{name}"
        for rate, _, (whole, _w), (part, _p) in PETITION_RATES
        for name in (rate, whole, part)
    ]
    months = figures(periods.months, SCREENING + MEDIATION)
    to_date = figures(periods.to_date, [*MAJOR, *PETITION, *dict.fromkeys(petition_rates)])
    return (
        "（八）依法有效化解社会矛盾。"
        + _screening(months, period_words(*periods.months))
        + _mediation(months, period_words(*periods.months, year=True))
        + _subsidy(figures(periods.quarters, SUBSIDY), period_words(*periods.quarters), notes)
        + _major_disputes(to_date, period_words(*periods.to_date))
        + _petitions(to_date, period_words(*periods.to_date))
    )


def annual(
    stats: Statistics,
    offices: Sequence[OfficeJSON],
    year: int,
    today: date,
    on: date | None = None,
    sentences: Sequence[ReportSentence] = (),
    published_of: Callable[[tuple[date, date]], PublishedJSON | None] | None = None,
) -> Report:
    """The paragraph and the table by office of the report dated ``on`` (see
    :func:`report_date`), every figure as the database stood on that date; the procedures'
    declared ``sentences`` join the paragraph (section 一(八)) or follow it under their own
    section (一(七)3, the 12345 orders). The table's figures are the published ones when its
    period is a month, quarter or year published by office by then (``published_of``)."""
    day = report_date(year, on, today)
    periods = Periods.of(year, day)
    figures = Figuring(stats, day)
    notes: list[str] = []
    paragraph = _paragraph(figures, periods, notes)
    sections: list[ReportSection] = []
    for sentence in sentences:
        text = declared(figures, periods, sentence)
        if sentence.section == STATISTICS_SECTION:
            paragraph += text
        else:
            sections.append(
                ReportSection(section=sentence.section, heading=sentence.heading, text=text)
            )
    published = published_of(periods.months) if published_of is not None else None
    if published is not None:
        grouped = published["figures"]
    else:
        columns = [name for name, _ in OFFICE_COLUMNS]
        grouped = stats(*periods.months, by="office", as_of=day, metrics=columns)
    header, rows = _table(grouped, offices)
    report = Report(
        year=year,
        title=f"高州市{year}年法治政府建设年度报告 一(八) 依法有效化解社会矛盾（统计部分）",
        paragraph=paragraph,
        table_title=f"{period_words(*periods.months, year=True)}各单位矛盾纠纷化解情况",
        header=header,
        rows=rows,
        as_of=day.isoformat(),
        notes=notes,
        sections=sorted(sections, key=lambda s: s["section"]),
    )
    if published is not None:
        report["published"] = used_line(published)
    return report


def monthly(
    stats: Statistics,
    offices: Sequence[OfficeJSON],
    month: str,
    today: date,
    published_of: Callable[[str], PublishedJSON | None] | None = None,
) -> Report:
    """The month's table by office; a month not over yet is counted to today. A month whose
    figures were published by office (``published_of`` finds them) is reported as published,
    and says so: a figure published is not changed silently by a later entry."""
    first = parse_month(month)
    if first > today:
        raise InvalidData(
            f"月份 month {month[:20]} 尚未开始 (the month has not begun)",
            field="month",
            value=month[:20],
        )
    last = min(month_end(first), today)
    name = f"{first.year}-{first.month:02d}"
    published = published_of(name) if published_of is not None else None
    if published is not None:
        grouped = published["figures"]
    else:
        grouped = stats(first, last, "office", metrics=[n for n, _ in OFFICE_COLUMNS])
    header, rows = _table(grouped, offices)
    report = Report(
        month=name,
        title=f"{first.year}年{first.month}月各单位矛盾纠纷化解情况",
        paragraph="",
        table_title=f"{period_words(first, last, year=True)}（{first}至{last}）",
        header=header,
        rows=rows,
    )
    if published is not None:
        report["published"] = used_line(published)
    return report


@cache
def official_order() -> Mapping[str, int]:
    """Each shipped office's place in the official list (casework/data/gaozhou-offices.csv):
    the subdistricts, then the towns, as the city lists them."""
    text = resources.files("casework.data").joinpath("gaozhou-offices.csv").read_text("utf-8")
    return {row["code"]: i for i, row in enumerate(csv.DictReader(io.StringIO(text)))}


def _ordered(offices: Sequence[OfficeJSON], level: str) -> list[OfficeJSON]:
    order = official_order()
    chosen = [o for o in offices if (o["level"] == "town") == (level == "town")]
    return sorted(chosen, key=lambda o: (order.get(o["code"], len(order)), o["code"]))


def _table(
    grouped: StatsJSON, offices: Sequence[OfficeJSON]
) -> tuple[list[str], list[list[str | int]]]:
    """Every office a row, the towns in the official order with their subtotal, then the city
    bodies apart with theirs, then the whole city; an office without figures shows zeros."""
    header = ["单位", *[label for _, label in OFFICE_COLUMNS]]
    by_office = {row["key"]: row["metrics"] for row in grouped.get("rows", [])}
    known = {o["code"] for o in offices}
    strays = [  # figures of an office not in the list (removed since): kept in the towns' part
        OfficeJSON(code=k, name=k, level="town", level_label="", kind=None)
        for k in sorted(by_office)
        if k not in known
    ]
    rows: list[list[str | int]] = []
    totals = [0] * len(OFFICE_COLUMNS)
    for level, subtotal in (("town", TOWNS_TOTAL), ("city", CITY_TOTAL)):
        part = _ordered([*offices, *strays], level)
        sums = [0] * len(OFFICE_COLUMNS)
        for office in part:
            values = _values(by_office.get(office["code"], {}))
            sums = [a + b for a, b in zip(sums, values, strict=True)]
            rows.append([office["name"], *values])
        if part:
            rows.append([subtotal, *sums])
        totals = [a + b for a, b in zip(totals, sums, strict=True)]
    rows.append([TOTAL, *totals])
    return header, rows


def _values(metrics: Mapping[str, Figure]) -> list[int]:
    return [int(metrics.get(name) or 0) for name, _ in OFFICE_COLUMNS]


def _as_of_line(report: Report) -> list[str]:
    """The report's date (every figure as of it), and the published figures it uses."""
    day = report.get("as_of")
    lines = [f"（数据截至{date_words(date.fromisoformat(day))}）"] if day else []
    return lines + ([report["published"]] if "published" in report else [])


# The widest a plain-text report is (issue 17 point 2), and narrower on a narrower terminal.
TEXT_WIDTH = 100


def as_text(report: Report, width: int = TEXT_WIDTH) -> str:
    """Plain text within ``width`` columns: the paragraph wrapped (never inside a figure),
    then the table, its figures right-aligned, in parts with the offices repeated when its
    columns do not fit."""
    lines = [*wrap(report["title"], width), *_as_of_line(report), ""]
    if report["paragraph"]:
        lines += [*wrap(report["paragraph"], width), ""]
    for part in report.get("sections", []):
        lines += [*wrap(f"{part['section']} {part['heading']}", width)]
        lines += [*wrap(part["text"], width), ""]
    blocks = text_table(report["header"], [[str(v) for v in r] for r in report["rows"]], width)
    for i, block in enumerate(blocks):
        title = report["table_title"] + (f"（续 {i + 1}/{len(blocks)}）" if i else "")
        lines += [*([""] if i else []), *wrap(title, width), *block]
    return "\n".join(lines) + "\n"


def as_markdown(report: Report) -> str:
    """Markdown: a heading, the paragraph and a table."""
    lines = [f"# {report['title']}", *_as_of_line(report), ""]
    if report["paragraph"]:
        lines += [report["paragraph"], ""]
    for part in report.get("sections", []):
        lines += [f"## {part['section']} {part['heading']}", "", part["text"], ""]
    lines += [f"## {report['table_title']}", ""]
    lines.append("| " + " | ".join(report["header"]) + " |")
    lines.append("|" + "---|" * len(report["header"]))
    for r in report["rows"]:
        lines.append("| " + " | ".join(str(v) for v in r) + " |")
    return "\n".join(lines) + "\n"


def _wrap_across(sheet: Any, rows: range, columns: int) -> None:
    """Sentences above the table, each merged across its width and wrapped, as tall as its
    lines (a long sentence in one cell would run off the printed page)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    width = sum(
        sheet.column_dimensions[get_column_letter(i)].width or 8.43 for i in range(1, columns + 1)
    )
    for row in rows:
        cell = sheet.cell(row, 1)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = -(-text_width(str(cell.value)) // max(int(width), 1))
        sheet.row_dimensions[row].height = LINE_HEIGHT * max(lines, 1) + 4


def write_xlsx(report: Report, path: str, force: bool = False) -> None:
    """A workbook: the paragraph on top, the table below, numbers as numbers, subtotals and
    totals bold, in the form of ``sheet_style`` (the table's header frozen and repeated)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    check_xlsx_path(path, force)
    book = Workbook()
    sheet = book.active
    sheet.title = "报告"
    sheet.append([report["title"], *_as_of_line(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    texts = [report["paragraph"]] if report["paragraph"] else []
    texts += [f"{p['section']} {p['heading']}：{p['text']}" for p in report.get("sections", [])]
    for text in texts:
        sheet.append([text])
    sheet.append([report["table_title"]])
    append(sheet, report["header"])
    top = sheet.max_row
    for row in report["rows"]:
        append(sheet, row)
        if str(row[0]) in (TOWNS_TOTAL, CITY_TOTAL, TOTAL):
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    finish(sheet, Layout(header_row=top, totals=1, formats=COUNTS))
    _wrap_across(sheet, range(2, 2 + len(texts)), len(report["header"]))
    save_book(book, path, force)
