"""``casework workflow``: the procedures, their states and triggers."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.pinning import REGISTRATION, pinned_by

if TYPE_CHECKING:
    from casework.read.shapes import VersionJSON, WorkflowJSON

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

workflow_app = typer.Typer(help="Procedures (流程): states, triggers, roles.", no_args_is_help=True)


@workflow_app.command("list")
def workflow_list(as_json: JSON = False) -> None:
    """List the procedures casework runs."""
    from casework.read.diagrams import describe
    from workflows import default_registry

    rows = [describe(wf) for wf in default_registry()]
    if as_json:
        output.print_json(rows)
        return
    output.table(
        "流程 Procedures",
        [("名称 kind", "cyan"), ("中文", ""), ("编号前缀 prefix", ""), ("状态 states", "")],
        [(w["kind"], w["label"], w["prefix"], len(w["states"])) for w in rows],
    )


@workflow_app.command("show")
def workflow_show(
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="petition, mediation, major_dispute, ..., or its Chinese label (信访事项).",
        ),
    ],
    as_mermaid: Annotated[bool, typer.Option("--mermaid", help="Print a Mermaid diagram.")] = False,
    rules: Annotated[
        bool,
        typer.Option(
            "--rules",
            help="Print each rule version (规则版本): its law, from when, the article of each "
            "rule, the triggers it offers and its time limits.",
        ),
    ] = False,
    as_json: JSON = False,
) -> None:
    """Show a procedure's states and triggers; with --rules, its rule versions.

    Example: casework workflow show petition --rules

    Example: casework workflow show petition --mermaid > petition.mmd
    """
    from casework.engine import Engine
    from casework.read.diagrams import describe, mermaid
    from workflows import default_registry

    wf = Engine(default_registry()).workflow(kind)
    if as_mermaid:
        sys.stdout.write(mermaid(wf))
        return
    data = describe(wf)
    if as_json:
        output.print_json(data)
        return
    if rules:
        _rule_versions(data)
        return
    _states_and_triggers(data)


def _states_and_triggers(data: WorkflowJSON) -> None:
    """``workflow show KIND``: a table of the states, then one of the triggers."""
    output.table(
        f"{data['label']} {data['kind']} ({data['prefix']}) 状态 states",
        [("状态 state", "cyan"), ("中文", ""), ("终结 ends", "")],
        [(s["name"], s["label"], "yes" if s["terminal"] else "") for s in data["states"]],
    )
    output.table(
        "操作 triggers",
        [
            ("操作 trigger", "cyan"),
            ("中文", ""),
            ("从 from", ""),
            ("到 to", ""),
            ("角色 roles", ""),
            ("需要 values", ""),
        ],
        [
            (
                t["name"],
                t["label"],
                ", ".join(t["from"]),
                t["to"] or "(same)",
                ", ".join(t["roles"]) + (" @city" if t["city_only"] else ""),
                "; ".join(
                    f"{f['name']}: {f['accepts']}" + ("" if f["required"] else " (optional)")
                    for f in t["fields"]
                ),
            )
            for t in data["triggers"]
        ],
    )


# What a limit binds, as ``--rules`` says it.
BINDS = {
    "office": "单位期限 office",
    "advice": "参考 advice",
    "party": "当事人期限 party",
    "office_window": "单位窗口期 office_window",
    "outside": "外部机关 outside",
}
UNITS = {"days": "日", "working_days": "个工作日"}


def _rule_versions(data: WorkflowJSON) -> None:
    """``workflow show KIND --rules``: one block per rule version."""
    versions = data.get("versions") or []
    if not versions:
        output.line(f"{data['label']} {data['kind']}：无规则版本 (no rule versions)")
        return
    labels = {t["name"]: t["label"] for t in data["triggers"]}
    basis = pinned_by(data["kind"])
    for v in versions:
        _version(v, labels, basis)


def _version(v: VersionJSON, labels: dict[str, str], basis: tuple[str, str]) -> None:
    zh, en = basis
    start, end = v["effective_from"], v["effective_to"]
    if start is None:
        span = "不再适用于新登记案件 (no new case takes it)"
    elif basis != REGISTRATION:  # pinned by a date field (a reconsideration's received_on)
        dates = f"{start} 起" if end is None else f"{start} 至 {end}"
        span = (
            f"{zh}为 {dates} 的案件适用 (cases whose {en} is from{'' if end is None else ' … to'})"
        )
    elif end is None:
        span = f"{start} 起登记的案件适用 (cases registered from)"
    else:
        span = f"{start} 至 {end} 登记的案件适用 (cases registered from … to)"
    output.line(f"[bold]{v['label']} {v['name']}[/bold] {v['law']}：{span}")
    day = "registration day" if basis == REGISTRATION else en
    output.line(f"  案件按{zh}适用当时施行的版本 (a case keeps the version of its {day})")
    offered = ", ".join(f"{labels.get(t, '')} {t}".strip() for t in v["triggers"])
    output.line(f"  提供的操作 triggers: {offered}")
    output.table(
        f"{v['name']} 依据 citations",
        [("规则 rule", "cyan"), ("中文 label", ""), ("条文 article", "")],
        [(c["rule"], c["label"], f"{v['law']}{c['article']}") for c in v["citations"]],
    )
    output.table(
        f"{v['name']} 期限 limits",
        [
            ("期限 limit", "cyan"),
            ("中文 label", ""),
            ("时长 length", ""),
            ("约束 binds", ""),
            ("条文 article", ""),
        ],
        [
            (
                lim["name"],
                lim["label"] + ("（责任期限 duty）" if lim["duty"] else ""),
                f"{lim['days']}{UNITS.get(lim['unit'], lim['unit'])}",
                BINDS.get(lim["binds"], lim["binds"]),
                lim["article"] or "—",
            )
            for lim in v["limits"]
        ],
    )
