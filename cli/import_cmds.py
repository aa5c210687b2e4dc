"""``casework import KIND FILE``: a CSV, TSV, XLSX, XLS or ODS ledger (台账) into casework."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.inputs import STDIN, one_stdin, readable
from cli.state import settings

if TYPE_CHECKING:
    from casework.services.imports import ImportSummary, LedgerRejected

FILE_HELP = "The ledger: FILE.csv, .tsv, .txt, .xlsx, .xls or .ods; - for standard input."
KIND = Annotated[
    str,
    typer.Argument(
        metavar="KIND",
        help="The procedure: petition, mediation, ..., or its Chinese label (人民调解).",
    ),
]
MAP = Annotated[
    str | None,
    typer.Option("--map", help="JSON object renaming the file's headers to casework's."),
]
FORMAT = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="csv|tsv|xlsx|xls|ods",
        help="The file's format, when neither its name nor its content tells it.",
    ),
]
OFFICE = Annotated[str | None, typer.Option("--office", help="Office code of rows that name none.")]
SKIP_BAD = Annotated[
    bool,
    typer.Option("--skip-bad", help="Import the good rows; bad ones go to FILE.rejects.csv."),
]


def import_ledger(
    ctx: typer.Context,
    kind: KIND,
    file: Annotated[str, typer.Argument(metavar="FILE", help=FILE_HELP)],
    map_file: MAP = None,
    office: OFFICE = None,
    skip_bad: SKIP_BAD = False,
    fmt: FORMAT = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier FILE.rejects.csv (--skip-bad).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Import a ledger (台账) of one procedure from CSV, TSV, XLSX, XLS or ODS, Chinese headers.

    Every row is checked first; if any row is bad, every bad row is listed (row, column, why)
    and nothing is imported, unless --skip-bad imports the good rows and writes the bad ones to
    FILE.rejects.csv beside the input. Rows showing a case mid-procedure (受理日期, 结案日期,
    答复日期...) are replayed through the procedure with back-dated events, each naming the file's
    SHA-256 and its row. Importing the same file again adds nothing. Headers: docs/import.md;
    rename a file's own with --map FILE.json, such as {"答复时间": "答复日期"}. FILE - reads
    standard input (its format from its content, or --format), called stdin.

    Examples:

      casework --as lin_sup import mediation 调解台账2019.xlsx

      casework --as city_clerk import petition 信访台账.csv --office panzhou --skip-bad

      iconv -f gbk -t utf-8 台账.csv | casework --as lin_sup import mediation -
    """
    from casework.api.ledger import LEDGER_MAX_BYTES
    from casework.services.imports import LedgerRejected

    one_stdin(file, map_file)
    api = settings(ctx).open()
    name = "stdin" if file == STDIN else None
    try:
        with (
            readable(file, "file", LEDGER_MAX_BYTES, f"stdin.{fmt or 'csv'}") as path,
            readable(map_file or "", "map") as renames,
            output.ProgressBar(f"导入 importing {name or file}", rate_unit="rows") as bar,
        ):
            result = api.import_ledger(
                kind,
                path,
                renames or None,
                office,
                skip_bad,
                bar.advance_to,
                fmt=fmt,
                name=name,
                force=force,
            )
    except LedgerRejected as exc:
        _rejected(exc, as_json)
        raise typer.Exit(1) from None
    _said(result, as_json)


def _said(result: ImportSummary, as_json: bool) -> None:
    if as_json:
        output.print_json(result)
        return
    output.line(
        f"已导入 imported {result['imported']} cases ({result['events']} events) from "
        f"{result['file']}; {result['existing']} already imported"
    )
    if result["rejects"]:
        output.line(f"跳过 skipped {result['bad']} bad rows, written to {result['rejects']}")
    if result["unused_columns"]:
        output.line("未使用的列 columns not read: " + "、".join(result["unused_columns"]))


def _rejected(exc: LedgerRejected, as_json: bool) -> None:
    """The report of a refused file goes to stdout (a JSON document, or a line per bad row);
    stderr keeps to one line, which still names every bad row for scripts that read only it."""
    if as_json:
        output.print_json({**exc.summary, "bad_rows": [b.as_json() for b in exc.bad_rows]})
    else:
        for bad in exc.bad_rows:
            sys.stdout.write(f"row {bad.row}, {bad.column}: {bad.why}\n")
    rows = "; ".join(f"row {b.row}, {b.column}: {b.why}" for b in exc.bad_rows)
    output.error(f"{exc.reason}: {rows}")
