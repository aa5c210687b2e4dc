"""``casework case``: register, advance, document, show and list cases."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.pinning import pinned_by
from cli.state import parse_sets, settings

PARTY_PARTS = ("name", "id_number", "phone")  # what --name, --id-number, --phone correct

if TYPE_CHECKING:
    from casework.domain.results import AdvanceResult, EventJSON, RegisterResult, RelatedCase
    from casework.read.shapes import CaseJSON, CaseRow, DueJSON

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

# Links between cases, as ``case show`` names them: a person's finding (``case link``) or a
# case registered from another (escalated, forwarded, assigned down).
LINK_KINDS = {
    "same_matter": "同一事项",
    "related": "相关事项",
    "not_same": "非同一事项",
    "origin": "来源案件",
    "successor": "后续案件",
}
# How a person was recognised in another case (repeat detection, petition.md 1.2).
MATCHED = {"id_number": "身份证号", "name": "姓名", "phone": "电话"}
# The offices deciding a petition's review and re-review (its parent, and that one's).
DECIDERS = {"reviewer": "复查机关 reviewer", "rereviewer": "复核机关 rereviewer"}
# Whom a time limit binds.
BINDS = {
    "office": "单位 office",
    "advice": "参考 advice",
    "party": "当事人 party",
    "office_window": "单位窗口期 office_window",
    "outside": "外部机关 outside",
}

case_app = typer.Typer(
    help="Cases (案件): register, advance, document, show, list.", no_args_is_help=True
)


def _event_line(result: AdvanceResult) -> None:
    ev = result["event"]
    again = " (已记录过 recorded before with this --ref)" if result["repeated"] else ""
    output.line(
        f"{result['case_no']}: {ev['trigger_label']} {ev['trigger']} — {ev['from_state']} → "
        f"[bold]{result['state_label']} {result['state']}[/bold] (seq {ev['seq']}){again}"
    )
    spawned = result.get("spawned")
    if spawned:
        output.line(
            f"  新建案件 spawned: [bold]{spawned}[/bold]（已与本案双向关联 linked both ways）"
        )


def _matched(how: list[str]) -> str:
    """How the person matched: ``身份证号 id_number`` or ``姓名 name + 电话 phone``."""
    return " + ".join(f"{MATCHED.get(m, '')} {m}".strip() for m in how) or "—"


def _related_table(rows: list[RelatedCase]) -> None:
    """The same person's other cases with the evidence (repeat detection): a person decides
    with ``case link`` whether each is the same matter."""
    output.table(
        "同一当事人的其他案件 related (case link 认定)",
        [
            ("案件编号 case_no", "cyan"),
            ("单位 office", ""),
            ("状态 state", ""),
            ("匹配 matched", ""),
            ("相似度 similarity", ""),
            ("事由 title", ""),
        ],
        [
            (
                r["case_no"],
                r["office"],
                f"{r['state_label']} {r['state']}",
                _matched(r["matched"]),
                "—" if r["similarity"] is None else f"{r['similarity']:.2f}",
                r["title"] if r["title"] is not None else "（他单位案件 another office's）",
            )
            for r in rows
        ],
    )


REGISTER_KIND = Annotated[
    str,
    typer.Argument(
        metavar="KIND",
        help=f"The procedure: petition, mediation, major_dispute, ..., {KIND_HELP}.",
    ),
]
REGISTER_OFFICE = Annotated[
    str | None,
    typer.Option(
        "--office",
        help="Office code, e.g. panzhou; a mediation case given --set committee=CODE "
        "belongs to the committee's guiding office.",
    ),
]
PARTIES = Annotated[
    list[str] | None,
    typer.Option(
        "--party",
        help="ROLE:NAME[:ID[:PHONE]], the role by its name or its Chinese label, e.g. "
        "petitioner:陈某:4409...:138... or 申请人:张三; repeat for each party.",
    ),
]


def _short(iso: str) -> str:
    """``2020-09-01T09:30:00+08:00`` as ``2020-09-01 09:30`` (all times shown are China time)."""
    return iso[:16].replace("T", " ")


@case_app.command("register")
def register(
    ctx: typer.Context,
    kind: REGISTER_KIND,
    title: Annotated[str, typer.Option("--title", help="A short description of the matter.")],
    office: REGISTER_OFFICE = None,
    party: PARTIES = None,
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
    if office is None and "committee" not in values:
        # a usage error (exit 2), as a missing required option is
        raise typer.BadParameter(
            "缺少选项 Missing option '--office'（或 --set committee=CODE）", param_hint="--office"
        )
    result = (
        settings(ctx)
        .open()
        .register(kind, office or "", title, party or [], values, at, note, link, ref)
    )
    if as_json:
        output.print_json(result)
        return
    _registered_lines(result)


def _registered_lines(result: RegisterResult) -> None:
    """The new case's number and state, the rules it was registered under, any warnings and
    the earlier cases of the same people."""
    again = " (已登记过 registered before with this --ref)" if result["existing"] else ""
    output.line(
        f"[bold]{result['case_no']}[/bold] {result['state_label']} {result['state']}{again}"
    )
    if result.get("rules"):
        zh, en = pinned_by(result["kind"])
        output.line(f"  适用规则 rules: {result.get('rules')}（按{zh} by {en}）")
    for warning in result.get("warnings", []):
        output.line(f"  [yellow]提示 warning[/yellow]: {output.escape(warning)}")
    if result["related"]:
        _related_table(result["related"])


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
        return
    _event_line(result)
    for warning in result.get("warnings", []):
        output.line(f"  [yellow]提示 warning[/yellow]: {output.escape(warning)}")


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


OUT_DOCX = Annotated[
    str, typer.Option("--out", metavar="FILE.docx", help="Write the document to this new file.")
]
FORCE = Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")]


def _refuse_existing(out: str, force: bool) -> None:
    """Refuse, before anything is kept, an --out that cannot be written or would be replaced."""
    import os

    folder = os.path.dirname(os.path.abspath(out))
    if os.path.isdir(out) or not os.path.isdir(folder):
        raise typer.BadParameter(
            f"{out[:80]} 是文件夹或其文件夹不存在 (a folder, or its folder does not exist)",
            param_hint="--out",
        )
    if os.path.exists(out) and not force:
        raise typer.BadParameter(
            f"文件 {out[:80]} 已存在，加 --force 替换 (the file exists)",
            param_hint="--out",
        )


def _read_template(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise typer.BadParameter(
            f"模板 {path[:80]} 无法读取 (cannot read it: {exc.strerror})", param_hint="--template"
        ) from None


def _write(out: str, content: bytes, kept: str = "") -> None:
    """Write the file; a failure says so in one line (and that the case file kept it)."""
    try:
        with open(out, "wb") as fh:
            fh.write(content)
    except OSError as exc:
        output.error(f"无法写入 {out[:80]} (cannot write it: {exc.strerror}){kept}")
        raise typer.Exit(1) from None


@case_app.command("print")
def print_document(
    ctx: typer.Context,
    case_no: CASE_NO,
    doc_kind: Annotated[
        str,
        typer.Argument(
            metavar="DOC_KIND", help="acceptance_notice, agreement, ... or its title (受理告知书)."
        ),
    ],
    out: OUT_DOCX,
    template: Annotated[
        str | None,
        typer.Option(
            "--template", metavar="FILE.docx", help="Your own template with the same {{占位符}}."
        ),
    ] = None,
    sets: SETS = None,
    at: AT = None,
    force: FORCE = False,
    as_json: JSON = False,
) -> None:
    """Write a statutory notice or form of a case as DOCX, filled from the case, and keep it
    in the case file with its SHA-256 (受理告知书, 人民调解协议书, ...).

    A notice written before its step is taken (a 延期告知书 before 延期) takes the step's
    values with --set. Example: casework --as clerk1 case print XF-2020-panzhou-00001
    acceptance_notice --out 受理告知书.docx
    """
    _refuse_existing(out, force)
    given = None if template is None else _read_template(template)
    made = settings(ctx).open().print_document(case_no, doc_kind, given, parse_sets(sets), at)
    _write(
        out, made.content, f"；文书已归入卷宗 kept in the case file, seq {made.result['event_seq']}"
    )
    r = {**made.result, "file": out, "template": template or made.result["template"]}
    if as_json:
        output.print_json(r)
        return
    output.line(f"{r['case_no']}: 已出具并归入卷宗 {r['title']} {r['doc_kind']} -> {out}")
    if r["template"] != "default":
        output.line(f"模板 template: {r['template']}")
    output.line(f"SHA-256: {r['sha256']}")


@case_app.command("template")
def document_template(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="KIND", help=f"The procedure, {KIND_HELP}.")],
    doc_kind: Annotated[str, typer.Argument(metavar="DOC_KIND", help="acceptance_notice, ...")],
    out: OUT_DOCX,
    force: FORCE = False,
) -> None:
    """Write the default DOCX template of a document, its {{占位符}} unfilled, to edit and
    hand to `case print --template`.

    Example: casework case template petition acceptance_notice --out 受理告知书模板.docx
    """
    _refuse_existing(out, force)
    _write(out, settings(ctx).open().document_template(kind, doc_kind))
    output.line(f"模板已写入 template written: {out}")


@case_app.command("link")
def link(
    ctx: typer.Context,
    case_no: CASE_NO,
    other: Annotated[
        str,
        typer.Argument(metavar="OTHER", help="The other case, e.g. XF-2020-panzhou-00003."),
    ],
    relation: Annotated[
        str,
        typer.Option(
            "--relation",
            help="Your finding, by its name or its Chinese label: same_matter (同一事项, a "
            "repeat), related (相关事项) or not_same (非同一事项).",
        ),
    ],
    note: NOTE = None,
    at: AT = None,
    ref: REF = None,
    as_json: JSON = False,
) -> None:
    """Record that two cases are the same matter, related, or not the same (关联认定), with
    the evidence shown: how the person matched and how alike the matters read.

    Example: casework --as clerk1 case link XF-2020-panzhou-00012 XF-2020-panzhou-00003
    --relation same_matter --note "同一欠薪事项"
    """
    result = settings(ctx).open().link(case_no, other, relation, note, at, ref)
    if as_json:
        output.print_json(result)
        return
    found = result["link"]
    again = " (已记录过 recorded before)" if result["repeated"] else ""
    alike = found["similarity"]
    output.line(
        f"{result['case_no']} ↔ {found['other']}: [bold]{found['relation_label']} "
        f"{found['relation']}[/bold]{again}"
    )
    output.line(
        f"  依据 evidence: 匹配 matched {_matched(found['matched'])}；相似度 similarity "
        f"{'—' if alike is None else f'{alike:.2f}'}"
    )


# The options of ``case correct``: what to correct, as typed.
REASON = Annotated[
    str | None, typer.Option("--reason", help="更正理由 Why the value was wrong (required).")
]
NEW_TITLE = Annotated[str | None, typer.Option("--title", help="正确的事由 The correct title.")]
PARTY_N = Annotated[
    int | None,
    typer.Option(
        "--party",
        metavar="N",
        help="要更正的当事人：case show 所列的第 N 位（从 1 数起）The party to correct, "
        "its 1-based position as case show lists them.",
    ),
]
NEW_NAME = Annotated[
    str | None, typer.Option("--name", help="该当事人的正确姓名 The party's correct name.")
]
NEW_ID = Annotated[
    str | None,
    typer.Option(
        "--id-number", help="正确的身份证号（空值清除）The correct ID number ('' clears it)."
    ),
]
NEW_PHONE = Annotated[
    str | None,
    typer.Option("--phone", help="正确的电话（空值清除）The correct phone ('' clears it)."),
]
NEW_SETS = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="正确的登记值 A registration value, KEY=VALUE, checked as at registration "
        "(channel=visit or channel=来访); repeat as needed.",
    ),
]


@case_app.command("correct")
def correct(
    ctx: typer.Context,
    case_no: CASE_NO,
    reason: REASON = None,
    title: NEW_TITLE = None,
    party: PARTY_N = None,
    name: NEW_NAME = None,
    id_number: NEW_ID = None,
    phone: NEW_PHONE = None,
    sets: NEW_SETS = None,
    at: AT = None,
    ref: REF = None,
    as_json: JSON = False,
) -> None:
    """更正案件：事由、当事人姓名/身份证号/电话或登记值，须写明理由；历史保留原值与新值。
    Correct a mistyped title, party or registration value, in any state, with a reason; the
    history keeps both values.

    Example: casework --as clerk_pz case correct XF-2020-panzhou-00012 --party 1
    --id-number 110101199003074514 --reason "身份证号录入错误"

    Example: casework --as clerk_pz case correct XF-2020-panzhou-00012 --title "拖欠工资"
    --set channel=来访 --reason "登记时误录"
    """
    changes = _corrections(title, party, (name, id_number, phone), parse_sets(sets))
    result = settings(ctx).open().correct(case_no, changes, reason or "", at, ref)
    if as_json:
        output.print_json(result)
        return
    ev = result["event"]
    again = " (已记录过 recorded before with this --ref)" if result["repeated"] else ""
    output.line(f"{result['case_no']}: 已更正 corrected (seq {ev['seq']}){again}")
    for line in correction_lines(ev):
        output.line(f"  {line}")


def _corrections(
    title: str | None,
    party: int | None,
    people: tuple[str | None, str | None, str | None],
    sets: dict[str, str],
) -> list[tuple[str, str | None, str | None]]:
    """The changes the options ask for, as ``Casework.correct`` takes them."""
    changes: list[tuple[str, str | None, str | None]] = []
    if title is not None:
        changes.append(("title", None, title))
    given = [(part, v) for part, v in zip(PARTY_PARTS, people, strict=True) if v is not None]
    if given and party is None:
        raise typer.BadParameter(
            "更正当事人需用 --party N 指明第几位当事人 (which party?)", param_hint="--party"
        )
    if party is not None and not given:
        raise typer.BadParameter(
            "--party 需配合 --name、--id-number 或 --phone (what to correct?)",
            param_hint="--party",
        )
    changes += [("party", f"{party}.{part}", v) for part, v in given]
    changes += [("data", key, value) for key, value in sets.items()]
    return changes


def correction_lines(ev: EventJSON) -> list[str]:
    """A correction's reason and changes, ``事由 title: 旧 → 新`` each (old and new values)."""
    data = ev["data"]
    changes = data.get("changes")
    lines = [f"更正理由 reason: {data.get('reason', '')}"]
    for c in changes if isinstance(changes, list) else []:
        if isinstance(c, dict):
            lines.append(f"{c.get('field')} {c.get('key')}: {c.get('from')} → {c.get('to')}")
    return lines


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
    """Show a case: parties, data, documents, rules, flags, allowed triggers, time limits, the
    same person's other cases and history.

    Example: casework --as sup1 case show XF-2020-panzhou-00001 --as-of 2020-12-01
    """
    c = settings(ctx).reader().show(case_no, reveal, as_of)
    if as_json:
        output.print_json(c)
        return
    output.panel(c["case_no"], _case_lines(c))
    if c.get("limits"):
        _limits_table(c.get("limits", []))
    if c.get("related"):
        _related_table(c.get("related", []))
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
    rules = c.get("rules")
    if rules:
        body.append(("适用规则 rules", f"{rules['label']} {rules['name']} {rules['law']}"))
    for item in c["data_view"]:
        if (item["key"] == "rules" and rules) or (item["key"] in DECIDERS and item["key"] in c):
            continue  # said on a line of its own, with its label (and the law)
        shown = f"{item['value_label']} {item['value']}" if item["value_label"] else item["value"]
        body.append((f"{item['label']} {item['key']}", shown))
    if "flags" in c:
        flags = "、".join(
            f"{f['label']} {f['value'] if isinstance(f['value'], str) else f['name']}"
            for f in c.get("flags", [])
        )
        body.append(("标记 flags", flags or "—"))
    for key, label in DECIDERS.items():
        if key in c:
            body.append((label, c.get(key) or "—"))
    for link in c["links"]:
        kind = f"{LINK_KINDS.get(link['kind'], '')} {link['kind']}".strip()
        body.append((f"关联 {kind}", f"{link['case_no']} ({link['state']})"))
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
        mark = f" [yellow]已过期限 {-left}日[/yellow]"
    return d["label"], f"{d['date'] or '—'}（{d['rule']}）{mark}"


def _limits_table(limits: list[DueJSON]) -> None:
    """Every limit running on the day: its last day, how it was reached, whom it binds (the
    office it binds, which may be the reviewer's) and the article it comes from."""
    rows = []
    for d in limits:
        last = d["date"] or "—"
        if d.get("paused"):
            last = "中止 paused"
        elif d["overdue"] and d["days_left"] is not None:
            last += f" [bold red]超期 overdue {-d['days_left']}日[/bold red]"
        elif d.get("problem"):
            last += f" [yellow]{d.get('problem')}[/yellow]"
        elif d["days_left"] is not None:  # every figure of --json shown (issue 17 point 2)
            left = d["days_left"]
            last += f" 已过 past {-left}日" if left < 0 else f" 剩 {left}日 left"
        rows.append(
            (
                f"{d['label']} {d['limit']}",
                last,
                d["rule"],
                BINDS.get(d["binds"], d["binds"]) + f" → {d.get('bound_office') or '—'}",
                d.get("article") or "—",
            )
        )
    output.table(
        "期限 limits",
        [
            ("期限 limit", "cyan"),
            ("届满 last day", ""),
            ("计算 rule", ""),
            ("约束 binds → 承担单位 bound_office", ""),
            ("依据 article", ""),
        ],
        rows,
    )


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
    if e["trigger"] == "correct":
        return "；".join(correction_lines(e))
    values = ", ".join(f"{k}={v}" for k, v in e["data"].items() if v is not None)
    return " ".join(filter(None, [e["note"] or "", values]))


# A listing's page: what a terminal shows at once (issue 17); --all lists every match.
PAGE = 50
MAX_LISTED = 1_000_000  # casework.read.scope.COUNT_MAX


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
    limit: Annotated[
        int,
        typer.Option("--limit", help=f"At most this many (default {PAGE})."),
    ] = PAGE,
    every: Annotated[bool, typer.Option("--all", help="Every case that matches.")] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only cases past an office deadline (超期).")
    ] = False,
    as_of: AS_OF = None,
    as_json: JSON = False,
) -> None:
    """List cases, newest first: the first 50 unless --limit N or --all.

    Example: casework case list --kind petition --state handling --office panzhou
    """
    if every and not overdue:  # read and written a chunk at a time, however many there are
        found = settings(ctx).reader().each_case(kind, state, office, as_of)
        if as_json:
            output.print_json_rows(found)
        else:
            _listing_tables(found)
        return
    # One more than shown tells whether the page holds them all; a bad --limit goes as it is,
    # for the refusal to name it.
    asked = None if every else limit + 1 if 1 <= limit < MAX_LISTED else limit
    rows = settings(ctx).reader().cases(kind, state, office, asked, overdue, as_of)
    more = asked is not None and len(rows) > limit
    rows = rows[:limit] if more else rows
    if as_json:
        output.print_json(rows)
        return
    _cases_table(f"案件 Cases ({len(rows)})", rows)
    if more:
        output.line(f"仅显示前 {limit} 件 first {limit} shown; --limit N or --all for more")


# Rows of one table of ``case list --all``: a long listing is printed a table at a time.
TABLE_ROWS = 1000


def _listing_tables(rows: Iterator[CaseRow]) -> None:
    """Every case, as tables of ``TABLE_ROWS`` each (one, as for a page, when they fit in it),
    each printed once read: a listing of a million cases is never held whole."""
    chunk = list(islice(rows, TABLE_ROWS))
    shown = 0
    while True:
        following = list(islice(rows, TABLE_ROWS)) if chunk else []
        whole = shown == 0 and not following
        title = f"({len(chunk)})" if whole else f"({shown + 1}–{shown + len(chunk)})"
        _cases_table(f"案件 Cases {title}", chunk)
        shown += len(chunk)
        if not following:
            break
        chunk = following
    if shown > TABLE_ROWS:
        output.line(f"共 {shown} 件 {shown} cases")


def _cases_table(title: str, rows: Sequence[CaseRow]) -> None:
    output.table(
        title,
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
    rows = settings(ctx).reader().history(case_no)
    if as_json:
        output.print_json(rows)
        return
    _history_table(f"{case_no} 办理记录 history", rows, recorded=True)
    for e in rows:  # the table has no data column: a correction's values are said below it
        if e["trigger"] == "correct":
            output.line(f"#{e['seq']} 更正 correct：" + "；".join(correction_lines(e)))
