"""The statistics part of the annual report's section 一(八), and monthly tables by office.

Every number is filled from the statistics over the stored cases and screenings (a function
of a period and an optional grouping, such as ``Casework.stats``); the text around them
follows the wording of 高州市2020年法治政府建设年度报告.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from typing import Protocol

from casework.errors import InvalidData
from casework.read.export_xlsx import check_xlsx_path
from casework.read.shapes import Figure, Report, StatsJSON

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


class Statistics(Protocol):
    """The figures of a period (both ends local dates), optionally grouped."""

    def __call__(self, start: date, end: date, by: str | None = None) -> StatsJSON: ...


def _pct(value: Figure) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _paragraph(stats: Statistics, year: int) -> str:
    jan = date(year, 1, 1)
    to_nov = stats(jan, date(year, 11, 30))["metrics"]
    to_sep = stats(jan, date(year, 9, 30))["metrics"]
    to_dec24 = stats(jan, date(year, 12, 24))["metrics"]
    whole = stats(jan, date(year, 12, 31))["metrics"]
    amount = int(to_sep["subsidy.amount"] or 0)
    return (
        f"（八）依法有效化解社会矛盾。深入开展矛盾纠纷排查化解，1-11月全市共排查纠纷"
        f"{to_nov['screening.sessions']}次，其中开展疫情专项排查活动达"
        f"{to_nov['screening.special']}次，预防纠纷{to_nov['screening.prevented']}件。"
        f"充分发挥人民调解作用，{year}年1-11月共调解{to_nov['mediation.mediated']}件，"
        f"调解成功{to_nov['mediation.agreed']}件，调解成功率"
        f"{_pct(to_nov['mediation.success_rate'])}；落实以案定补，前三季度纳入以案定补案件"
        f"{to_sep['subsidy.cases']}件，补贴金额{amount:,}元。"
        f"落实领导包案制度，梳理出{to_dec24['major_dispute.identified']}件重大矛盾纠纷和信访突出"
        f"问题，共化解重大矛盾纠纷和信访突出问题案件{to_dec24['major_dispute.resolved']}件，"
        f"化解率{_pct(to_dec24['major_dispute.resolution_rate'])}。{_petitions(whole)}"
    )


def _petitions(whole: Mapping[str, Figure]) -> str:
    """The petition sentence: 批次/人次 of visits (G art. 20), 及时受理率 (G arts. 22-23),
    按期办结率 (G art. 34), 参评率 and 满意率 (满意度评价, M arts. 3-5), as reports publish."""
    return (
        f"全年登记信访事项{whole['petition.registered']}件，其中来访"
        f"{whole['petition.visit_batches']}批{whole['petition.visit_persons']}人次（集体访"
        f"{whole['petition.collective_batches']}批{whole['petition.collective_persons']}人次）；"
        f"及时受理率{_pct(whole['petition.timely_rate'])}，按期办结率"
        f"{_pct(whole['petition.on_time_rate'])}，群众满意度评价参评率"
        f"{_pct(whole['petition.evaluation_rate'])}、满意率"
        f"{_pct(whole['petition.satisfaction_rate'])}。"
    )


def annual(stats: Statistics, office_names: Mapping[str, str], year: int) -> Report:
    """The paragraph and the table by office."""
    header, rows = _table(stats(date(year, 1, 1), date(year, 11, 30), "office"), office_names)
    return Report(
        year=year,
        title=f"高州市{year}年法治政府建设年度报告 一(八) 依法有效化解社会矛盾（统计部分）",
        paragraph=_paragraph(stats, year),
        table_title=f"{year}年1-11月各单位矛盾纠纷化解情况",
        header=header,
        rows=rows,
    )


def monthly(stats: Statistics, office_names: Mapping[str, str], month: str) -> Report:
    """The month's table by office."""
    try:
        year_text, month_text = month.split("-")
        year, number = int(year_text), int(month_text)
        first = date(year, number, 1)
    except ValueError:
        raise InvalidData(
            f"月份 month {month[:20]!r} 应形如 2020-11 (must look like 2020-11)",
            field="month",
            value=month[:20],
        ) from None
    last = date(year, number, calendar.monthrange(year, number)[1])
    header, rows = _table(stats(first, last, "office"), office_names)
    return Report(
        month=f"{year}-{number:02d}",
        title=f"{year}年{number}月各单位矛盾纠纷化解情况",
        paragraph="",
        table_title=f"{year}年{number}月（{first}至{last}）",
        header=header,
        rows=rows,
    )


def _table(
    grouped: StatsJSON, office_names: Mapping[str, str]
) -> tuple[list[str], list[list[str | int]]]:
    header = ["单位", *[label for _, label in OFFICE_COLUMNS]]
    rows: list[list[str | int]] = []
    totals = [0] * len(OFFICE_COLUMNS)
    for row in grouped["rows"]:
        values = [int(row["metrics"][name] or 0) for name, _ in OFFICE_COLUMNS]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append([office_names.get(row["key"], row["key"]), *values])
    rows.append(["合计", *totals])
    return header, rows


def as_text(report: Report) -> str:
    """Plain text: the paragraph, then the table in aligned columns."""
    lines = [report["title"], ""]
    if report["paragraph"]:
        lines += [report["paragraph"], ""]
    lines.append(report["table_title"])
    table = [report["header"], *[[str(v) for v in r] for r in report["rows"]]]
    widths = [max(_width(str(r[i])) for r in table) for i in range(len(table[0]))]
    for r in table:
        lines.append(
            "  ".join(
                str(v) + " " * (w - _width(str(v))) for v, w in zip(r, widths, strict=True)
            ).rstrip()
        )
    return "\n".join(lines) + "\n"


def as_markdown(report: Report) -> str:
    """Markdown: a heading, the paragraph and a table."""
    lines = [f"# {report['title']}", ""]
    if report["paragraph"]:
        lines += [report["paragraph"], ""]
    lines += [f"## {report['table_title']}", ""]
    lines.append("| " + " | ".join(report["header"]) + " |")
    lines.append("|" + "---|" * len(report["header"]))
    for r in report["rows"]:
        lines.append("| " + " | ".join(str(v) for v in r) + " |")
    return "\n".join(lines) + "\n"


def write_xlsx(report: Report, path: str) -> None:
    """A workbook: the paragraph on top, the table below, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    check_xlsx_path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "报告"
    sheet.append([report["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    if report["paragraph"]:
        sheet.append([report["paragraph"]])
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(report["header"]))
        sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[2].height = 150
    sheet.append([report["table_title"]])
    sheet.append(report["header"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in report["rows"]:
        sheet.append(row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 26
    book.save(path)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
