"""以案定补 as read: one case's eligibility, the rules and the scale, a quarter's payout sheet,
and the figures of approved claims."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, true
from sqlalchemy.engine import Connection

from casework.domain.model import Actor
from casework.domain.subsidy import CLAIM_KIND, RULE_LABELS, Cap, evaluate, payable
from casework.errors import InvalidData
from casework.ledger.csv_cells import SafeWriter
from casework.read.export_xlsx import Cell, check_xlsx_path, titled_table
from casework.read.once import once
from casework.read.shapes import (
    CheckJSON,
    ClaimItem,
    FiguresJSON,
    MediatorTotal,
    OfficeTotal,
    RuleJSON,
    ScaleEntry,
    ScaleJSON,
    SheetJSON,
    SheetRow,
)
from casework.read.views import case_row
from casework.storage.outfiles import save_book
from casework.storage.settings import EXAMPLE_FROM, TIER_LABELS, oral_agreements_from, scale_on
from casework.storage.subsidy import MEDIATION, Claim, claims_in, facts_for, numbered_for
from casework.storage.tables import cases, events, offices, subsidy_scale, users
from casework.storage.world import StoredWorld
from casework.time.periods import Quarter
from workflows import Registry, default_registry
from workflows.subsidy_claim import CAP, TIER_RULES

SHEET_COLUMNS = (
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
)
STATE_LABELS = {"approved": "已核定", "paid": "已发放"}
EXAMPLE_HEADING = "示例标准，非正式数据"  # mediation.md 3: a sheet priced from the example scale
# Rules whose effective date is a setting (the others hold since the subsidy began).
DATED_RULES = ("oral_agreement",)


def check(
    conn: Connection,
    registry: Registry,
    case_no: str,
    quarter: Quarter | None = None,
    actor: Actor | None = None,
) -> CheckJSON:
    """``subsidy check``: which rules pass and which fail for one mediation case, and why.

    A town user asking of another office's case is refused as ``case show`` refuses it (the
    same function), before any rule, mediator or amount is looked at; with no acting user the
    check reads every office, as today (issue 14 will require one)."""
    row = case_row(conn, case_no, actor)
    if row.kind != MEDIATION:
        wf = registry.get(row.kind)
        raise InvalidData(
            f"案件 {case_no} 是「{wf.label if wf else row.kind} {row.kind}」；只有人民调解 "
            "mediation 案件纳入以案定补 (only mediation cases are subsidised)",
            field="case_no",
            value=case_no,
        )
    facts = facts_for(conn, [case_no], registry)[case_no]
    outcomes = evaluate(facts, quarter, oral_agreements_from(conn))
    archived = facts.archived_on
    shown = quarter or (Quarter.of(archived) if archived else None)
    return CheckJSON(
        case_no=facts.case_no,
        quarter=str(shown) if shown else None,
        eligible=all(o.passed for o in outcomes),
        rules=[o.as_json() for o in outcomes],
        failed=[o.rule for o in outcomes if not o.passed],
    )


def rules(conn: Connection) -> list[RuleJSON]:
    """The named rules in order, with the effective date of those that changed over time."""
    oral_from = oral_agreements_from(conn).isoformat()
    return [
        RuleJSON(rule=rule, label=label, effective_from=oral_from if rule in DATED_RULES else None)
        for rule, label in RULE_LABELS.items()
    ]


def scale(conn: Connection, day: date) -> ScaleJSON:
    """The scale in force on a day, and every dated entry of it, oldest first."""
    rows = conn.execute(
        select(subsidy_scale).order_by(subsidy_scale.c.effective_from, subsidy_scale.c.tier)
    )
    history = [
        ScaleEntry(
            effective_from=r.effective_from.isoformat(),
            tier=r.tier,
            label=r.label,
            amount=r.amount,
            example=r.example,
            set_by=r.set_by,
        )
        for r in rows
    ]
    return ScaleJSON(on=day.isoformat(), tiers=scale_on(conn, day), history=history)


def tiers(conn: Connection, registry: Registry, day: date) -> dict[str, object]:
    """``subsidy tiers show``: the ordered tier rules in force on a day, and the scale."""
    world = StoredWorld(conn, registry)
    text = str(world.setting(TIER_RULES, day))
    entries = [
        {"effective_from": e.effective_from.isoformat(), "set_by": e.set_by}
        for e in world.config.history(TIER_RULES)
    ]
    return {
        "on": day.isoformat(),
        "rules": json.loads(text),
        "tiers": list(scale_on(conn, day)),
        "history": entries,
        "example": not any(e.effective_from <= day for e in world.config.history(TIER_RULES)),
    }


# -- payout sheets --------------------------------------------------------------------------


def is_example(data: Mapping[str, object]) -> bool:
    """Whether a claim was priced from the shipped example scale (claims approved before the
    flag was recorded: priced from the scale entry of the example's date)."""
    flag = data.get("example")
    if flag is None:
        return data.get("scale_from") == EXAMPLE_FROM.isoformat()
    return bool(flag)


def sheet_row(
    claim_no: str, office: str, state: str, data: dict[str, object], paid: tuple[int, bool]
) -> SheetRow:
    tier, mediator = str(data.get("tier", "")), str(data.get("mediator", ""))
    mediation_case = data.get("mediation_case")
    return SheetRow(
        office=office,
        office_name="",
        mediator=mediator,
        mediator_name="",
        claim=claim_no,
        mediation_case=None if mediation_case is None else str(mediation_case),
        tier=tier,
        tier_label=TIER_LABELS.get(tier, tier),
        amount=int(str(data.get("amount") or 0)),
        state=STATE_LABELS.get(state, state),
        payable=paid[0],
        capped=paid[1],
        example=is_example(data),
    )


def _amount(data: Mapping[str, object]) -> int:
    return int(str(data.get("amount") or 0))


def payables(
    conn: Connection, year: int, registry: Registry | None = None
) -> dict[str, tuple[int, bool]]:
    """What each approved or paid claim of a year's quarters is payable after the cap in force
    on its quarter's last day: per payee, in claim-number order, a yearly cap carried over the
    year's quarters (mediation.md 3)."""
    world = StoredWorld(conn, registry or default_registry())
    out: dict[str, tuple[int, bool]] = {}
    used: dict[str, int] = {}
    for n in range(1, 5):
        quarter = Quarter(year, n)
        found: list[Claim] = claims_in(conn, quarter, ("approved", "paid"))
        if not found:
            continue
        cap = Cap.load(world.setting(CAP, quarter.last_day))
        before = used if cap is not None and cap.per == "year" else {}
        rows = [(c.case_no, str(c.data.get("mediator", "")), _amount(c.data)) for c in found]
        done = payable(rows, cap, before)
        for claim_no, payee, _ in rows:
            used[payee] = used.get(payee, 0) + done[claim_no][0]
        out.update(done)
    return out


def payout(conn: Connection, quarter: Quarter, office: str | None = None) -> SheetJSON:
    """The quarter's approved and paid claims, with totals per office and per mediator."""
    names = {r.code: r.name for r in conn.execute(select(offices.c.code, offices.c.name))}
    people = {r.username: r.name for r in conn.execute(select(users.c.username, users.c.name))}
    rows: list[SheetRow] = []
    paid = payables(conn, quarter.year)
    for claim in claims_in(conn, quarter, ("approved", "paid"), office):
        amount = (_amount(claim.data), False)
        row = sheet_row(
            claim.case_no,
            claim.office,
            claim.state,
            dict(claim.data),
            paid.get(claim.case_no, amount),
        )
        row["office_name"] = names.get(claim.office, "")
        row["mediator_name"] = people.get(row["mediator"], "")
        rows.append(row)
    rows.sort(key=lambda r: (r["office"], r["mediator"], r["claim"]))
    by_office: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_mediator: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        for bucket in (by_office[r["office"]], by_mediator[(r["office"], r["mediator"])]):
            bucket[0] += 1
            bucket[1] += r["payable"]
    return SheetJSON(
        quarter=str(quarter),
        claims=rows,
        by_office=[
            OfficeTotal(office=o, office_name=names.get(o, ""), cases=n, amount=total)
            for o, (n, total) in sorted(by_office.items())
        ],
        by_mediator=[
            MediatorTotal(
                office=o, mediator=m, mediator_name=people.get(m, ""), cases=n, amount=total
            )
            for (o, m), (n, total) in sorted(by_mediator.items())
        ],
        total_cases=len(rows),
        total_amount=sum(r["payable"] for r in rows),
        example=any(r["example"] for r in rows),
        heading=(EXAMPLE_HEADING + " " if any(r["example"] for r in rows) else "")
        + f"以案定补发放明细 {quarter}",
    )


def sheet_cells(r: SheetRow) -> list[str | int | None]:
    """A claim's cells, in the order of ``SHEET_COLUMNS``."""
    cells: list[str | int | None] = [r["office"], r["office_name"], r["mediator"]]
    cells += [r["mediator_name"], r["claim"], r["mediation_case"], r["tier"], r["tier_label"]]
    return [*cells, r["payable"], r["state"]]


def sheet_table(sheet: SheetJSON) -> tuple[list[str], list[list[str | int | None]]]:
    """The claims as a table with Chinese headers, and the totals row."""
    header = [label for _, label in SHEET_COLUMNS]
    body = [sheet_cells(r) for r in sheet["claims"]]
    total: list[str | int | None] = ["合计", "", "", "", f"{sheet['total_cases']}件", "", "", ""]
    body.append([*total, sheet["total_amount"], ""])
    return header, body


def to_csv(sheet: SheetJSON) -> str:
    """The claims as CSV with Chinese headers and a totals row; a sheet priced from the example
    scale opens with its heading line (示例标准，非正式数据), as the workbook does."""
    out = io.StringIO()
    header, body = sheet_table(sheet)
    writer = SafeWriter(out)
    if sheet["example"]:
        writer.writeheader([sheet["heading"]])
    writer.writeheader(header)
    writer.writerows(body)
    return out.getvalue()


def write_xlsx(sheet: SheetJSON, path: str, force: bool = False) -> None:
    """A payout sheet as a workbook a finance office can open: the claims, per office and per
    mediator, each with its totals."""
    from openpyxl import Workbook

    check_xlsx_path(path, force)
    book = Workbook()
    details = book.active
    details.title = "明细"
    header, body = sheet_table(sheet)
    quarter, n, total = sheet["quarter"], sheet["total_cases"], sheet["total_amount"]
    titled_table(details, sheet["heading"], header, body, 9)
    per_office: list[list[Cell]] = [
        [o["office"], o["office_name"], o["cases"], o["amount"]] for o in sheet["by_office"]
    ]
    titled_table(
        book.create_sheet("按单位"),
        f"以案定补按单位汇总 {quarter}",
        ["单位代码", "单位", "件数", "金额（元）"],
        [*per_office, ["合计", "", n, total]],
        4,
    )
    per_mediator: list[list[Cell]] = [
        [m["office"], m["mediator"], m["mediator_name"], m["cases"], m["amount"]]
        for m in sheet["by_mediator"]
    ]
    titled_table(
        book.create_sheet("按调解员"),
        f"以案定补按调解员汇总 {quarter}",
        ["单位代码", "调解员账号", "调解员", "件数", "金额（元）"],
        [*per_mediator, ["合计", "", "", n, total]],
        5,
    )
    save_book(book, path, force)


# -- figures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Approved:
    """A claim approved for a quarter (its first approval)."""

    case_no: str
    office: str
    mediation_case: str | None
    quarter: Quarter
    on: date
    amount: int
    payee: str = ""
    example: bool = False

    def as_json(self) -> ClaimItem:
        return ClaimItem(
            case_no=self.case_no,
            mediation_case=self.mediation_case,
            quarter=str(self.quarter),
            date=self.on.isoformat(),
            amount=self.amount,
        )


def approved(
    conn: Connection,
    start: date,
    end: date,
    recorded_by: datetime | None = None,
    office: str | None = None,
) -> list[Approved]:
    """The claims approved for a quarter inside the period (of one office, or of all), by
    claim number (read once per computation: three sources of the subsidy's figures ask)."""
    key = ("subsidy.approved", conn, start, end, recorded_by, office)
    return once(key, lambda: _approved(conn, start, end, recorded_by, office))


def _approved(
    conn: Connection, start: date, end: date, recorded_by: datetime | None, office: str | None
) -> list[Approved]:
    rows = conn.execute(
        select(
            cases.c.case_no,
            cases.c.office_code,
            cases.c.data,
            events.c.seq,
            events.c.occurred_on,
            events.c.data.label("event_data"),
        )
        .join(events, events.c.case_id == cases.c.id)
        .where(
            # The claims numbered for the period's years (the number's index, not every claim
            # of the kind or every approval), each approved after its quarter began.
            cases.c.kind.concat("") == CLAIM_KIND,
            numbered_for(start.year, end.year),
            events.c.trigger.concat("") == "approve",
            events.c.occurred_on >= start,
            events.c.recorded_at < recorded_by if recorded_by is not None else true(),
            cases.c.office_code == office if office is not None else true(),
        )
        .order_by(cases.c.case_no, events.c.seq)
    )
    found: dict[str, Approved] = {}
    for r in rows:
        data = r.data or {}
        try:
            quarter = Quarter.parse(str(data.get("quarter", "")))
        except InvalidData:
            continue
        if quarter.first_day < start or quarter.last_day > end or r.case_no in found:
            continue
        mediation_case = data.get("mediation_case")
        found[r.case_no] = Approved(
            r.case_no,
            r.office_code,
            None if mediation_case is None else str(mediation_case),
            quarter,
            r.occurred_on,
            int((r.event_data or {}).get("amount") or 0),
            str(data.get("mediator", "")),
            is_example({**data, **(r.event_data or {})}),
        )
    return [found[no] for no in sorted(found)]


def payable_of(conn: Connection, claims: list[Approved]) -> dict[str, int]:
    """What each of these approved claims is payable after the cap."""
    out: dict[str, int] = {}
    for year in sorted({c.quarter.year for c in claims}):
        out.update({no: paid for no, (paid, _) in payables(conn, year).items()})
    return {c.case_no: out.get(c.case_no, c.amount) for c in claims}


def figures(conn: Connection, start: date, end: date, office: str | None = None) -> FiguresJSON:
    """``subsidy.cases`` and ``subsidy.amount``: mediation cases whose claim was approved for a
    quarter inside the period (of one office, or of all), and the sum of what those claims are
    payable (null when one was priced from the example scale), with the claims behind."""
    claims = approved(conn, start, end, office=office)
    paid = payable_of(conn, claims)
    example = any(c.example for c in claims)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "subsidy.cases": len({c.mediation_case for c in claims}),
        "subsidy.amount": None if example else sum(paid.values()),
        "items": [c.as_json() for c in claims],
    }
