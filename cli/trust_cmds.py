"""``casework audit verify|anchor|log``, ``casework backup`` and ``casework restore``: the
history's integrity, its anchors, the admin log, copies of the database and putting one back."""

from __future__ import annotations

import signal
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.inputs import readable
from cli.state import settings

if TYPE_CHECKING:
    from casework.api.restores import Checked
    from casework.read.shapes import RestoreJSON, VerifyJSON

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

audit_app = typer.Typer(help="The tamper-evident history (审计).", no_args_is_help=True)


ANCHOR_IN = Annotated[
    str | None,
    typer.Option(
        "--anchor",
        metavar="FILE",
        help="An anchor written earlier by `casework audit anchor` (- for standard input): "
        "also find what was deleted, truncated or rewritten since.",
    ),
]


SINCE_ANCHOR = Annotated[
    bool,
    typer.Option(
        "--since-anchor",
        help="With --anchor: walk only the cases changed since that anchor (registered, "
        "stepped or appended to since); every anchored case is still held to its anchored head.",
    ),
]


@audit_app.command("verify")
def verify(
    ctx: typer.Context,
    anchor: ANCHOR_IN = None,
    since_anchor: SINCE_ANCHOR = False,
    as_json: JSON = False,
) -> None:
    """Check every case's hash chain and replay its history; exit 1 if anything is wrong.

    Reports, by case number and sequence, events edited, deleted, inserted or reordered
    outside casework, and every case-row column, party, document and event column that
    disagrees with its hashed history; damaged rows (a value casework cannot read: the
    column and what is wrong); by table and key (users:admin2), reference data changed
    outside the admin log, and entries of the log edited or deleted (admin_log and its
    seq); with --anchor, cases deleted and chains truncated or rewritten since the anchor.
    The cases are read a chunk at a time (a progress bar at a terminal, on stderr).

    Example: casework audit verify --anchor /mnt/usb/anchor-2020-12.json --since-anchor
    """
    api = settings(ctx).open()
    with (
        readable(anchor or "", "anchor") as path,
        output.ProgressBar("审计 verifying", rate_unit="cases") as bar,
    ):

        def progress(done: int, total: int) -> None:
            bar.total(total)
            bar.advance_to(done)

        result = api.verify(path or None, since_anchor, progress)
    if as_json:
        output.print_json(result)
    elif result["ok"]:
        since = " changed since the anchor" if result["mode"] == "since_anchor" else ""
        output.line(
            f"[green]审计通过 audit ok[/green]: {result['cases']} cases{since}, "
            f"{result['events']} events, {result.get('admin_entries', 0)} admin-log entries, "
            "every chain intact"
        )
    else:
        _findings(result)
    if not result["ok"]:
        total = result["findings_total"]
        first = result["findings"][0]
        output.error(
            f"审计发现 {total} 处问题 (audit found {total} problem(s))，第一处 first: "
            f"{first['case_no']} seq {first['seq']}: {first['problem']}"
        )
        raise typer.Exit(1)


def _findings(result: VerifyJSON) -> None:
    shown, total = len(result["findings"]), result["findings_total"]
    more = f", the first {shown} shown" if shown < total else ""
    output.table(
        f"审计发现问题 audit findings ({total}{more})",
        [("案件编号 case_no", "cyan"), ("序号 seq", ""), ("问题 problem", "red")],
        [(f["case_no"], f["seq"], f["problem"]) for f in result["findings"]],
    )


@audit_app.command("anchor")
def anchor(
    ctx: typer.Context,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Write the anchor to this new file (never replaced; - prints it).",
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Write an anchor: every case's chain head, their Merkle root, the admin log's head,
    the counts and the time, hashed and signed with the database's key.

    Keep it away from the database (print its digest with the monthly report, mail it,
    store it on another machine); `casework audit verify --anchor FILE` later names what
    was deleted, truncated or rewritten since. Without --out the whole anchor is printed.

    Example: casework audit anchor --out /mnt/usb/anchor-2020-12.json
    """
    from casework.read.anchor import summary

    if out == "-":  # standard output: the whole anchor, as without --out
        out = None
    doc = settings(ctx).open().anchor(out)
    if out is None:
        output.print_json(doc)
    elif as_json:
        output.print_json({**summary(doc), "file": out})
    else:
        output.line(
            f"锚点已写入 anchor written: {out} ({doc['cases']} cases, {doc['events']} events)"
        )
        output.line(f"摘要 digest: {doc['digest']}")
        output.line(f"根哈希 root: {doc['root']}")


def _value(value: object) -> str:
    if isinstance(value, list):  # a holiday file's days
        return f"{len(value)} 天 days"
    return "—" if value is None else str(value)


def changes(before: object, after: object, data: Mapping[str, object]) -> str:
    """What an entry changed, old → new, one field a line (the act's data for a password or
    a session, which change no reference data)."""
    if not isinstance(after, Mapping):
        return ", ".join(f"{k}={v}" for k, v in data.items())
    old = before if isinstance(before, Mapping) else {}
    lines = []
    for key, new in after.items():
        if key in old and old[key] == new:
            continue
        was = f"{_value(old[key])} → " if isinstance(before, Mapping) else ""
        lines.append(f"{key}: {was}{_value(new)}")
    return "\n".join(lines) or "—"


@audit_app.command("log")
def log(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day on (YYYY-MM-DD).")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this user's acts.")] = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help="Only entries on this username, office, year or key."),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the last N entries.")] = None,
    as_json: JSON = False,
) -> None:
    """The admin log (admin only): every change of users, offices, holiday files, the subsidy
    scale and settings, and every other admin act, with its old and new value.

    Entries are hash-chained and only ever appended; `audit verify` checks the chain and that
    the tables hold what the log says.

    Example: casework --as admin audit log --target clerk_pz --since 2020-12-01
    """
    rows = settings(ctx).reader().audit_log(since, actor, target, limit)
    if as_json:
        output.print_json(rows)
        return
    output.table(
        f"管理日志 Admin log ({len(rows)})",
        [("seq", "cyan"), ("时间 at", ""), ("操作 act", ""), ("变更 old → new", "")],
        [
            (
                r["seq"],
                r["at"][:16].replace("T", " "),  # local time, to the minute
                output.escape(f"{r['actor']}: {r['action']} {r['target']}"),
                output.escape(changes(r["before"], r["after"], r["data"])),
            )
            for r in rows
        ],
    )


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


def interactive() -> bool:
    """Whether someone at a terminal can answer the restore's question."""
    return sys.stdin.isatty()


def restore(
    ctx: typer.Context,
    backup: Annotated[
        str, typer.Argument(metavar="BACKUP", help="The backup file (made by casework backup).")
    ],
    anchor: Annotated[
        str | None,
        typer.Option("--anchor", metavar="FILE", help="Check the history against this anchor."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Restore without asking.")] = False,
    as_json: JSON = False,
) -> None:
    """Put a SQLite backup back over the database, once the backup is checked.

    The backup must pass SQLite's integrity check and the audit (and the anchor, if given)
    before anything is replaced; the database it replaces is kept beside it as
    DB.replaced-YYYYMMDDTHHMMSS, and BACKUP.files is added to the documents' folder.

    Example: casework --db /srv/casework.db restore /backups/casework-2020-12-31.db
    For PostgreSQL it explains the pg_restore command to use instead.
    """
    if not yes and not interactive():
        raise typer.BadParameter(
            "恢复前须确认，不在终端上运行时以此选项确认 (a restore must be confirmed; off a "
            "terminal, with)",
            param_hint="--yes",
        )
    api = settings(ctx).open()

    def ask(checked: Checked) -> bool:
        return yes or typer.confirm(
            f"备份 {checked.backup} 通过检查 (checked): {checked.audit['cases']} cases, "
            f"{checked.audit['events']} events。用它替换 (replace) {api.engine.url.database}?"
        )

    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with output.ProgressBar("恢复 restore (pages)") as bar:

            def progress(_: int, left: int, pages: int) -> None:
                bar.total(pages)
                bar.advance_to(pages - left)

            with readable(anchor or "", "anchor") as anchor_path:
                result = api.restore(backup, anchor_path or None, progress, ask)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if as_json:
        output.print_json(result)
    else:
        said(result)
    if result["documents_missing"]:
        missing = result["documents_missing"]
        output.error(
            f"数据库已恢复，但 {len(missing)} 份登记的上传文件在备份和文件夹中都找不到 (restored; "
            f"{len(missing)} recorded document file(s) found nowhere)，第一份 first: SHA-256 "
            f"{missing[0]}"
        )
        raise typer.Exit(1)


def said(result: RestoreJSON) -> None:
    """The restore's outcome in lines."""
    output.line(
        f"恢复完成 restored: {result['restored']} from {result['backup']} "
        f"({result['cases']} cases, {result['events']} events; integrity {result['integrity']}, "
        "audit ok)"
    )
    output.line(f"被替换的数据库保存在 the replaced database is kept at {result['replaced']}")
    if result["documents"] or result["documents_missing"]:
        output.line(
            f"上传文件 documents: {result['documents']} 份 copied to {result['documents_folder']}"
            f" ({result['documents_kept']} already there, {len(result['documents_missing'])} "
            "not found)"
        )
