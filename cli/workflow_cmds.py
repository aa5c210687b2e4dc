"""``casework workflow``: the procedures, their states and triggers."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli import output

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
    as_json: JSON = False,
) -> None:
    """Show a procedure's states and triggers.

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
