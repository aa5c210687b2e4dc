"""``casework case``: register, advance, document, show and list cases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.state import parse_sets, settings

if TYPE_CHECKING:
    from casework.domain.results import AdvanceResult, EventJSON
    from casework.read.shapes import CaseJSON, DueJSON

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
AT = Annotated[
    str | None,
    typer.Option(
        "--at", help="When it happened (ISO 8601, China time), to back-date; default now."
    ),
]
SETS = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="A value the step needs, KEY=VALUE; a choice by its code or its Chinese label "
        "(channel=visit or channel=来访); repeat as needed.",
    ),
]
NOTE = Annotated[str | None, typer.Option("--note", help="A note kept with the event.")]
AS_OF = Annotated[
    str | None,
    typer.Option("--as-of", help="Judge deadlines as on this local date; default today."),
]
REF = Annotated[
    str | None,
    typer.Option("--ref", help="Your key for this step; running again with it adds nothing."),
]

CASE_NO = Annotated[
    str,
    typer.Argument(metavar="CASE_NO", help="The case number, e.g. XF-2020-panzhou-00012."),
]
KIND_HELP = "by its name or its Chinese label (信访事项, 人民调解, ...)"

case_app = typer.Typer(
    help="Cases (案件): register, advance, document, show, list.", no_args_is_help=True
)


def _event_line(result: AdvanceResult) -> None:
    ev = result["event"]
    again = " (已记录过 recorded before with this --ref)" if result["repeated"] else ""
    output.line(
        f"{result['case_no']}: {ev['trigger']} — {ev['from_state']} → "
        f"[bold]{result['state_label']} {result['state']}[/bold] (seq {ev['seq']}){again}"
    )


def _short(iso: str) -> str:
    """``2020-09-01T09:30:00+08:00`` as ``2020-09-01 09:30`` (all times shown are China time)."""
    return iso[:16].replace("T", " ")


@case_app.command("register")
def register(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help=f"The procedure: petition, mediation, major_dispute, ..., {KIND_HELP}.",
        ),
    ],
    office: Annotated[str, typer.Option("--office", help="Office code, e.g. panzhou.")],
    title: Annotated[str, typer.Option("--title", help="A short description of the matter.")],
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party",
            help="ROLE:NAME[:ID[:PHONE]], the role by its name or its Chinese label, e.g. "
            "petitioner:陈某:4409...:138... or 申请人:张三; repeat for each party.",
        ),
    ] = None,
    sets: SETS = None,
    at: AT = None,
    note: NOTE = None,
    link: Annotated[
        str | None,
        typer.Option("--link", help="An earlier case this one comes from (escalation, repeat)."),
    ] = None,
    ref: REF = None,
    as_json: JSON = False,
) -> None:
    """Register a case; prints its case number.

    Example: casework --as clerk1 case register petition --office panzhou --title "拖欠工资"
    --party petitioner:陈某 --set channel=visit
    """
    values = parse_sets(sets)
    result = (
        settings(ctx).open().register(kind, office, title, party or [], values, at, note, link, ref)
    )
    if as_json:
        output.print_json(result)
        return
    again = " (已登记过 registered before with this --ref)" if result["existing"] else ""
    output.line(
        f"[bold]{result['case_no']}[/bold] {result['state_label']} {result['state']}{again}"
    )
    for rel in result["related"]:
        output.line(
            f"  同一当事人的其他案件 related: {rel['case_no']} {rel['state_label']} {rel['title']}"
        )


@case_app.command("advance")
def advance(
    ctx: typer.Context,
    case_no: CASE_NO,
    trigger: Annotated[
        str,
        typer.Argument(
            metavar="TRIGGER",
            help="The step to take by its name or its Chinese label, e.g. accept or 受理, "
            "reply or 出具处理意见.",
        ),
    ],
    sets: SETS = None,
    at: AT = None,
    note: NOTE = None,
    ref: REF = None,
    as_json: JSON = False,
) -> None:
    """Fire a trigger on a case (see `casework workflow show KIND` for what each needs).

    Example: casework --as sup1 case advance XF-2020-panzhou-00001 reply --set outcome=explain
    """
    values = parse_sets(sets)
    result = settings(ctx).open().advance(case_no, trigger, values, note, at, ref)
    if as_json:
        output.print_json(result)
    else:
        _event_line(result)


@case_app.command("doc")
def doc(
    ctx: typer.Context,
    case_no: CASE_NO,
    doc_kind: Annotated[
        str,
        typer.Argument(metavar="DOC_KIND", help="application, record, agreement, ..."),
    ],
    file: Annotated[
        str | None,
        typer.Option("--file", help="The document's file: its name and SHA-256 are kept."),
    ] = None,
    at: AT = None,
    note: NOTE = None,
    ref: REF = None,
    as_json: JSON = False,
) -> None:
    """Record a document of the case file (卷宗).

    Example: casework --as clerk1 case doc TJ-2020-panzhou-00003 agreement --file 协议书.pdf
    """
    result = settings(ctx).open().add_document(case_no, doc_kind, file, at, note, ref)
    if as_json:
        output.print_json(result)
        return
    d = result["document"]
    extra = f" {d['file_name']} sha256:{(d['sha256'] or '')[:12]}…" if d["file_name"] else ""
    output.line(f"{result['case_no']}: 已归入卷宗 {d['label']} {d['kind']}{extra}")


@case_app.command("show")
def show(
    ctx: typer.Context,
    case_no: CASE_NO,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Show ID numbers and phones (supervisor, admin).")
    ] = False,
    as_of: AS_OF = None,
    as_json: JSON = False,
) -> None:
    """Show a case: parties, data, documents, allowed triggers, deadline and history."""
    c = settings(ctx).open().show(case_no, reveal, as_of)
    if as_json:
        output.print_json(c)
        return
    output.panel(c["case_no"], _case_lines(c))
    _history_table("办理记录 history", c["history"], recorded=False)


def _case_lines(c: CaseJSON) -> list[tuple[str, object]]:
    """The panel of ``case show``: label and value lines."""
    body: list[tuple[str, object]] = [
        ("流程 kind", f"{c['kind_label']} {c['kind']}"),
        ("单位 office", f"{c['office_name']} {c['office']}"),
        ("事由 title", c["title"]),
        ("状态 state", output.state_text(c["state"], c["state_label"], c["terminal"])),
        ("登记 registered", c["registered_at"]),
    ]
    for p in c["parties"]:
        ids = " ".join(x for x in (p["id_number"], p["phone"]) if x)
        body.append((f"当事人 {p['role_label']}", f"{p['name']} {ids}".strip()))
    for item in c["data_view"]:
        shown = f"{item['value_label']} {item['value']}" if item["value_label"] else item["value"]
        body.append((f"{item['label']} {item['key']}", shown))
    for link in c["links"]:
        body.append((f"关联 {link['kind']}", f"{link['case_no']} ({link['state']})"))
    if c["documents"]:
        body.append(("卷宗 documents", ", ".join(f"{d['label']}" for d in c["documents"])))
    if c.get("missing_documents"):
        body.append(("卷宗缺 missing", ", ".join(c.get("missing_documents", []))))
    if c["due"] is not None:
        body.append(_due_line(c["due"]))
    body.append(("可用操作 triggers", ", ".join(c["triggers"]) or "—"))
    return body


def _due_line(d: DueJSON) -> tuple[str, str]:
    mark = f" [yellow]{d['problem']}[/yellow]" if d.get("problem") else ""
    left = d["days_left"]
    if d["overdue"] and left is not None:
        mark = f" [bold red]超期 {-left}日[/bold red]"
    elif left is not None and left < 0:
        mark = " [yellow]已过期限[/yellow]"
    return d["label"], f"{d['date'] or '—'}（{d['rule']}）{mark}"


def _history_table(title: str, events: list[EventJSON], recorded: bool) -> None:
    """A case's events: ``case show`` adds each event's note and values, ``case history``
    its recording time."""
    columns = [("#", "dim"), ("时间 occurred", "")]
    columns += [("记录 recorded", "dim")] if recorded else []
    columns += [("操作 step", "cyan"), ("状态 state", ""), ("经办 actor", "")]
    columns += [] if recorded else [("备注 note / data", "")]
    rows = []
    for e in events:
        row: list[object] = [e["seq"], _short(e["occurred_at"])]
        row += [_short(e["recorded_at"])] if recorded else []
        row += [
            f"{e['trigger_label']} {e['trigger']}",
            f"{e['from_state'] or ''} → {e['to_state']}",
            e["actor"],
        ]
        row += [] if recorded else [_note_and_data(e)]
        rows.append(row)
    output.table(title, columns, rows)


def _note_and_data(e: EventJSON) -> str:
    values = ", ".join(f"{k}={v}" for k, v in e["data"].items() if v is not None)
    return " ".join(filter(None, [e["note"] or "", values]))


@case_app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"Only this procedure, {KIND_HELP}.")
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="Only cases in this state, by its name or its Chinese label "
            "(handling or 办理中, mediating or 调解中).",
        ),
    ] = None,
    office: Annotated[str | None, typer.Option("--office", help="Only this office.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only cases past an office deadline (超期).")
    ] = False,
    as_of: AS_OF = None,
    as_json: JSON = False,
) -> None:
    """List cases, newest first.

    Example: casework case list --kind petition --state handling --office panzhou
    """
    rows = settings(ctx).open().cases(kind, state, office, limit, overdue, as_of)
    if as_json:
        output.print_json(rows)
        return
    output.table(
        f"案件 Cases ({len(rows)})",
        [
            ("案件编号 case_no", "cyan"),
            ("状态 state", ""),
            ("事由 title", ""),
            ("登记 registered", ""),
        ],
        [
            (r["case_no"], f"{r['state_label']} {r['state']}", r["title"], r["registered_on"])
            for r in rows
        ],
    )


@case_app.command("history")
def history(ctx: typer.Context, case_no: CASE_NO, as_json: JSON = False) -> None:
    """A case's events, in order."""
    rows = settings(ctx).open().history(case_no)
    if as_json:
        output.print_json(rows)
        return
    _history_table(f"{case_no} 办理记录 history", rows, recorded=True)
