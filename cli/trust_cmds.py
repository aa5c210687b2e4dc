"""``casework audit verify`` and ``casework backup``: the history's integrity and copies."""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer

from cli import output
from cli.state import settings

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

audit_app = typer.Typer(help="The tamper-evident history (审计).", no_args_is_help=True)


@audit_app.command("verify")
def verify(ctx: typer.Context, as_json: JSON = False) -> None:
    """Check every case's hash chain and replay its history; exit 1 if anything is wrong.

    Reports, by case number and sequence, events edited, deleted, inserted or reordered
    outside casework, case rows whose state disagrees with their history, and damaged rows
    (a value casework cannot read: the column and what is wrong).
    """
    result = settings(ctx).open().verify()
    if as_json:
        output.print_json(result)
    elif result["ok"]:
        output.line(
            f"[green]审计通过 audit ok[/green]: {result['cases']} cases, "
            f"{result['events']} events, every chain intact"
        )
    else:
        output.table(
            f"审计发现问题 audit findings ({len(result['findings'])})",
            [("案件编号 case_no", "cyan"), ("序号 seq", ""), ("问题 problem", "red")],
            [(f["case_no"], f["seq"], f["problem"]) for f in result["findings"]],
        )
    if not result["ok"]:
        first = result["findings"][0]
        output.error(
            f"审计发现 {len(result['findings'])} 处问题 (audit found "
            f"{len(result['findings'])} problem(s))，第一处 first: {first['case_no']} "
            f"seq {first['seq']}: {first['problem']}"
        )
        raise typer.Exit(1)


def backup(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="The new file to write the copy to.")],
    as_json: JSON = False,
) -> None:
    """Take a consistent copy of a live SQLite database and check it.

    Uploaded documents' files are copied into FILE.files, where the restored copy finds them.

    Example: casework backup /backups/casework-2020-12-31.db
    For PostgreSQL it explains the pg_dump command to use instead.
    """
    api = settings(ctx).open()
    # A stop (SIGTERM) unwinds like Ctrl-C, so that the partial copy is removed on the way.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with output.ProgressBar("备份 backup (pages)") as bar:

            def progress(_: int, left: int, pages: int) -> None:
                bar.total(pages)
                bar.advance_to(pages - left)

            result = api.backup(file, progress)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if as_json:
        output.print_json(result)
    else:
        output.line(
            f"备份完成 backup written: {result['backup']} ({result['bytes']:,} bytes; "
            f"integrity {result['integrity']}; {result['cases']} cases, audit "
            f"{'ok' if result['audit_ok'] else 'FAILED'})"
        )
        if result["documents_folder"]:
            output.line(
                f"上传文件 documents: {result['documents']} 份 copied to "
                f"{result['documents_folder']}"
            )
    if result["documents_missing"]:
        missing = result["documents_missing"]
        output.error(
            f"{len(missing)} 份登记的上传文件在文件夹中找不到，未能备份 ({len(missing)} recorded "
            f"document file(s) not found to copy)，第一份 first: SHA-256 {missing[0]}"
        )
        raise typer.Exit(1)
    if not result["audit_ok"]:
        output.error(
            "副本完整，但其历史未通过审计，见 casework audit verify "
            "(the copy is consistent but its history fails the audit)"
        )
        raise typer.Exit(1)
