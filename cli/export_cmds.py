"""``casework export cases``: cases to CSV, XLSX or JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.state import settings

export_app = typer.Typer(
    help="Exports (导出) of cases for spreadsheets and other systems.", no_args_is_help=True
)


@export_app.command("cases")
def cases(
    ctx: typer.Context,
    out: Annotated[
        str, typer.Option("--out", help="FILE.csv, FILE.xlsx or FILE.json; - for standard output.")
    ],
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only this procedure, by its name or its Chinese label."),
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="Registered on or after.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Registered on or before.")] = None,
    office: Annotated[str | None, typer.Option("--office", help="Only this office.")] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            help="Comma-separated: case_no,kind,kind_code,office,title,state,state_code,"
            "registered_at,registered_on,parties,id_numbers,phones,version,fields (each "
            "registration value in its own column),data,history (办理经过, the steps "
            "`casework import` replays).",
        ),
    ] = None,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="Unmasked ID numbers and phones (supervisor, admin).")
    ] = False,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv, xlsx or json, for --out - (default csv)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing FILE.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Export cases with Chinese column headers; ID numbers and phones masked by default.

    Example: casework export cases --kind mediation --from 2020-01-01 --out 调解台账.xlsx
    """
    result = (
        settings(ctx)
        .reader()
        .export_cases(out, kind, start, end, office, columns, reveal, force, fmt)
    )
    if as_json:
        output.summary_json(out, result)
    else:
        output.written(out, f"已导出 exported {result['rows']} cases to {result['out']}")
