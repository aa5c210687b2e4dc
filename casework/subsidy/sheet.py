"""Payout sheets: a quarter's approved claims per office and per mediator, with totals."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.export_xlsx import check_xlsx_path
from casework.time.periods import Quarter
from casework.storage.tables import offices, users
from casework.subsidy.claims import claims_in
from casework.subsidy.scale import TIER_LABELS

COLUMNS = [
    ("office", "单位代码"),
    ("office_name", "单位"),
    ("mediator", "调解员账号"),
    ("mediator_name", "调解员"),
    ("claim", "申报编号"),
    ("mediation_case", "调解案件编号"),
    ("tier", "档次"),
    ("tier_label", "档次名称"),
    ("amount", "金额（元）"),
    ("state", "状态"),
]
STATE_LABELS = {"approved": "已核定", "paid": "已发放"}


def payout(conn: Connection, quarter: Quarter, office: str | None = None) -> dict[str, Any]:
    """The quarter's approved and paid claims, with totals per office and per mediator."""
    names = {r.code: r.name for r in conn.execute(select(offices.c.code, offices.c.name))}
    people = {r.username: r.name for r in conn.execute(select(users.c.username, users.c.name))}
    rows = []
    for claim in claims_in(conn, quarter, ("approved", "paid"), office):
        data = claim.data or {}
        tier = str(data.get("tier", ""))
        mediator = str(data.get("mediator", ""))
        rows.append(
            {
                "office": claim.office_code,
                "office_name": names.get(claim.office_code, ""),
                "mediator": mediator,
                "mediator_name": people.get(mediator, ""),
                "claim": claim.case_no,
                "mediation_case": data.get("mediation_case"),
                "tier": tier,
                "tier_label": TIER_LABELS.get(tier, tier),
                "amount": int(data.get("amount") or 0),
                "state": STATE_LABELS.get(claim.state, claim.state),
            }
        )
    rows.sort(key=lambda r: (r["office"], r["mediator"], r["claim"]))
    by_office: dict[str, dict[str, Any]] = defaultdict(lambda: {"cases": 0, "amount": 0})
    by_mediator: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"cases": 0, "amount": 0}
    )
    for r in rows:
        for bucket in (by_office[r["office"]], by_mediator[(r["office"], r["mediator"])]):
            bucket["cases"] += 1
            bucket["amount"] += r["amount"]
    return {
        "quarter": str(quarter),
        "claims": rows,
        "by_office": [
            {"office": o, "office_name": names.get(o, ""), **v}
            for o, v in sorted(by_office.items())
        ],
        "by_mediator": [
            {"office": o, "mediator": m, "mediator_name": people.get(m, ""), **v}
            for (o, m), v in sorted(by_mediator.items())
        ],
        "total_cases": len(rows),
        "total_amount": sum(r["amount"] for r in rows),
    }


def to_csv(sheet: dict[str, Any]) -> str:
    """The claims as CSV with Chinese headers and a totals row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in COLUMNS])
    for r in sheet["claims"]:
        writer.writerow([r[key] for key, _ in COLUMNS])
    writer.writerow(
        ["合计", "", "", "", f"{sheet['total_cases']}件", "", "", "", sheet["total_amount"], ""]
    )
    return out.getvalue()


def write_xlsx(sheet: dict[str, Any], path: str) -> None:
    """A workbook a finance office can open: details, per office, per mediator, with totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    check_xlsx_path(path)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    money = "#,##0.00"
    book = Workbook()

    def table(
        ws: Any,
        title: str,
        headers: list[str],
        rows: list[list[Any]],
        money_col: int,
        total: list[Any],
    ) -> None:
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(headers)
        for cell in ws[2]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(horizontal="center")
        for row in rows:
            ws.append(row)
        ws.append(total)
        for cell in ws[ws.max_row]:
            cell.font = bold
        for row in ws.iter_rows(min_row=3, min_col=money_col, max_col=money_col):
            for cell in row:
                cell.number_format = money
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column[1:]) if len(column) > 1 else 8
            ws.column_dimensions[column[0].column_letter].width = min(max(width * 1.6, 8), 40)
        ws.freeze_panes = "A3"

    details = book.active
    details.title = "明细"
    table(
        details,
        f"以案定补发放明细 {sheet['quarter']}",
        [label for _, label in COLUMNS],
        [[r[key] for key, _ in COLUMNS] for r in sheet["claims"]],
        9,
        ["合计", "", "", "", f"{sheet['total_cases']}件", "", "", "", sheet["total_amount"], ""],
    )
    table(
        book.create_sheet("按单位"),
        f"以案定补按单位汇总 {sheet['quarter']}",
        ["单位代码", "单位", "件数", "金额（元）"],
        [[o["office"], o["office_name"], o["cases"], o["amount"]] for o in sheet["by_office"]],
        4,
        ["合计", "", sheet["total_cases"], sheet["total_amount"]],
    )
    table(
        book.create_sheet("按调解员"),
        f"以案定补按调解员汇总 {sheet['quarter']}",
        ["单位代码", "调解员账号", "调解员", "件数", "金额（元）"],
        [
            [m["office"], m["mediator"], m["mediator_name"], m["cases"], m["amount"]]
            for m in sheet["by_mediator"]
        ],
        5,
        ["合计", "", "", sheet["total_cases"], sheet["total_amount"]],
    )
    book.save(path)
