"""The mediation form (``mediation_form.FormJSON``) as text, Markdown or an XLSX workbook.

Counts print without separators and amounts in 万元 with two decimals (procedures/mediation.md,
Wording); the workbook keeps numbers as numbers, so a statistician's sums work on it.
openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

from casework.read.export_xlsx import check_xlsx_path
from casework.read.mediation_form import FormJSON, FormRow
from casework.read.shapes import Figure
from casework.read.sheet_style import (
    DECIMAL_FORMAT,
    RATE_FORMAT,
    Formatted,
    Layout,
    Written,
    append,
    finish,
)
from casework.storage.outfiles import save_book

HEADER = ("栏目", "项目", "数值", "单位", "指标 metric")


def shown(value: Figure, unit: str) -> str:
    """A figure as the form prints it: counts bare, 万元 and rates with two decimals."""
    if value is None:
        return "—"
    if unit in ("万元", "%"):
        return f"{float(value):.2f}"
    return str(value)


def _ties_text(report: FormJSON) -> list[str]:
    return [
        f"{'✓' if t['ok'] else '✗'} {t['tie']}：{t['value']} / {t['expected']}"
        for t in report["ties"]
    ]


def _heading(report: FormJSON) -> str:
    extra = f"，截至{report['as_of']}" if report["as_of"] else ""
    office = f"，{report['office']}" if report["office"] else ""
    return f"{report['title']}（{report['from']}至{report['to']}{extra}{office}）"


def as_text(report: FormJSON) -> str:
    """Plain text: a heading, each section's lines, the ties."""
    lines = [_heading(report), ""]
    for section in report["sections"]:
        lines.append(section["title"])
        for row in section["rows"]:
            value = shown(row["value"], row["unit"])
            lines.append(f"  {row['label']}：{value}{row['unit']}  [{_names(row)}]")
        lines.append("")
    lines.append("核对 ties")
    lines.extend(f"  {t}" for t in _ties_text(report))
    return "\n".join(lines) + "\n"


def _names(row: FormRow) -> str:
    return " + ".join(row["metrics"])


def as_markdown(report: FormJSON) -> str:
    """Markdown: one table per section, the ties as a list."""
    out = [f"# {_heading(report)}", ""]
    for section in report["sections"]:
        out += [f"## {section['title']}", "", "| 项目 | 数值 | 单位 | 指标 |", "|---|---:|---|---|"]
        for row in section["rows"]:
            value = shown(row["value"], row["unit"])
            out.append(f"| {row['label']} | {value} | {row['unit']} | `{_names(row)}` |")
        out.append("")
    out += ["## 核对", "", *[f"- {t}" for t in _ties_text(report)], ""]
    return "\n".join(out)


def form_cell(value: Figure, unit: str) -> Written:
    """A figure as a workbook cell: a rate as a fraction shown ``0.00%``, 万元 with two
    decimals, a count as it is, none as empty."""
    if value is None:
        return None
    if unit == "%":
        return Formatted(round(float(value) / 100, 6), RATE_FORMAT)
    if unit == "万元":
        return Formatted(value, DECIMAL_FORMAT)
    return value


def write_xlsx(report: FormJSON, path: str, force: bool = False) -> None:
    """One sheet: a title row, a bold frozen header, a row per line with its number as a
    number (万元 with two decimals, rates as percentages), then the ties; in the form of
    ``sheet_style``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    check_xlsx_path(path, force)
    book = Workbook()
    sheet = book.active
    sheet.title = "人民调解统计"
    sheet.append([_heading(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    append(sheet, HEADER)
    for section in report["sections"]:
        for row in section["rows"]:
            value = form_cell(row["value"], row["unit"])
            append(sheet, [section["title"], row["label"], value, row["unit"], _names(row)])
    last = sheet.max_row
    sheet.append([])
    for tie in report["ties"]:
        append(
            sheet, ["核对", tie["tie"], tie["value"], tie["expected"], "是" if tie["ok"] else "否"]
        )
    finish(sheet, Layout(header_row=2, repeat_from=1))
    # The filter covers the form's lines, not the ties below them.
    sheet.auto_filter.ref = f"A2:E{last}"
    save_book(book, path, force)
