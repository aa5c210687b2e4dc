"""``casework case``: register, advance, document, show and list cases."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli import output
from cli.state import parse_sets, settings

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
AT = Annotated[
    str | None,
    typer.Option(
        "--at", help="When it happened (ISO 8601, China time), to back-date; default now."
    ),
]
SETS = Annotated[
    list[str] | None,
    typer.Option("--set", help="A value the step needs, KEY=VALUE; repeat as needed."),
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

case_app = typer.Typer(
    help="Cases (案件): register, advance, document, show, list.", no_args_is_help=True
)


def _event_line(result: dict[str, Any]) -> None:
    ev = result["event"]
    again = " (已记录过 recorded before with this --ref)" if result.get("repeated") else ""
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
    kind: Annotated[str, typer.Argument(help="petition, mediation, major_dispute, ...")],
    office: Annotated[str, typer.Option("--office", help="Office code, e.g. panzhou.")],
    title: Annotated[str, typer.Option("--title", help="A short description of the matter.")],
    party: Annotated[
        list[str] | None,
        typer.Option(
            "--party",
            help="ROLE:NAME[:ID[:PHONE]], e.g. petitioner:陈某:4409...:138...; "
            "repeat for each party.",
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
    case_no: Annotated[str, typer.Argument(help="The case number, e.g. XF-2020-panzhou-00012.")],
    trigger: Annotated[str, typer.Argument(help="The step to take, e.g. accept, reply.")],
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
    case_no: Annotated[str, typer.Argument(help="The case number.")],
    doc_kind: Annotated[str, typer.Argument(help="application, record, agreement, ...")],
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
    extra = f" {d['file_name']} sha256:{d['sha256'][:12]}…" if d["file_name"] else ""
    output.line(f"{result['case_no']}: 已归入卷宗 {d['label']} {d['kind']}{extra}")


@case_app.command("show")
def show(
    ctx: typer.Context,
    case_no: Annotated[str, typer.Argument(help="The case number.")],
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
    body: list[tuple[str, Any]] = [
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
        body.append(("卷宗缺 missing", ", ".join(c["missing_documents"])))
    if c["due"]:
        d = c["due"]
        mark = f" [yellow]{d['problem']}[/yellow]" if d.get("problem") else ""
        if d["overdue"]:
            mark = f" [bold red]超期 {-d['days_left']}日[/bold red]"
        elif d["days_left"] is not None and d["days_left"] < 0:
            mark = " [yellow]已过期限[/yellow]"
        body.append((d["label"], f"{d['date'] or '—'}（{d['rule']}）{mark}"))
    body.append(("可用操作 triggers", ", ".join(c["triggers"]) or "—"))
    output.panel(c["case_no"], body)
    output.table(
        "办理记录 history",
        [
            ("#", "dim"),
            ("时间 occurred", ""),
            ("操作 step", "cyan"),
            ("状态 state", ""),
            ("经办 actor", ""),
            ("备注 note / data", ""),
        ],
        [
            (
                e["seq"],
                _short(e["occurred_at"]),
                f"{e['trigger_label']} {e['trigger']}",
                f"{e['from_state'] or ''} → {e['to_state']}",
                e["actor"],
                " ".join(
                    filter(
                        None,
                        [
                            e["note"] or "",
                            ", ".join(f"{k}={v}" for k, v in e["data"].items() if v is not None),
                        ],
                    )
                ),
            )
            for e in c["history"]
        ],
    )


@case_app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this procedure.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only cases in this state.")] = None,
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
def history(
    ctx: typer.Context,
    case_no: Annotated[str, typer.Argument(help="The case number.")],
    as_json: JSON = False,
) -> None:
    """A case's events, in order."""
    rows = settings(ctx).open().history(case_no)
    if as_json:
        output.print_json(rows)
        return
    output.table(
        f"{case_no} 办理记录 history",
        [
            ("#", "dim"),
            ("时间 occurred", ""),
            ("记录 recorded", "dim"),
            ("操作 step", "cyan"),
            ("状态 state", ""),
            ("经办 actor", ""),
        ],
        [
            (
                e["seq"],
                _short(e["occurred_at"]),
                _short(e["recorded_at"]),
                f"{e['trigger_label']} {e['trigger']}",
                f"{e['from_state'] or ''} → {e['to_state']}",
                e["actor"],
            )
            for e in rows
        ],
    )
