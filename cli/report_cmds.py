"""``casework report``: the annual report's statistics section and monthly tables."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from cli import output
from cli.state import settings

report_app = typer.Typer(help="Reports (报告) filled from the statistics.", no_args_is_help=True)
FORMAT = Annotated[str, typer.Option("--format", help="text, md or xlsx.")]
OUT = Annotated[str | None, typer.Option("--out", help="Write to this file (xlsx needs one).")]


def _emit(report: dict[str, Any], fmt: str, out: str | None) -> None:
    from casework.report import as_markdown, as_text, write_xlsx

    if fmt == "xlsx":
        if not out:
            raise typer.BadParameter("--format xlsx needs --out FILE.xlsx")
        write_xlsx(report, out)
        output.line(f"已写入 written: {out}")
        return
    if fmt not in ("text", "md"):
        raise typer.BadParameter(f"--format must be text, md or xlsx, not {fmt[:20]!r}")
    text = as_text(report) if fmt == "text" else as_markdown(report)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
        output.line(f"已写入 written: {out}")
    else:
        sys.stdout.write(text)


def _names(cw: Any) -> dict[str, str]:
    return {o["code"]: o["name"] for o in cw.offices()}


@report_app.command("annual")
def annual(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The report year.")] = 2020,
    fmt: FORMAT = "text",
    out: OUT = None,
) -> None:
    """Section 一(八) of the annual report on law-based government, statistics filled in, with
    a table by office.

    Example: casework report annual --year 2020 --format md --out 2020-一(八).md
    """
    from casework.report import annual as build

    cw = settings(ctx).open()
    report = build(lambda start, end, by=None: cw.stats(start, end, by), _names(cw), year)
    _emit(report, fmt, out)


@report_app.command("monthly")
def monthly(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="The month, e.g. 2020-11.")],
    fmt: FORMAT = "text",
    out: OUT = None,
) -> None:
    """The month's figures by office.

    Example: casework report monthly --month 2020-11 --format xlsx --out 2020-11.xlsx
    """
    from casework.report import monthly as build

    cw = settings(ctx).open()
    report = build(lambda start, end, by=None: cw.stats(start, end, by), _names(cw), month)
    _emit(report, fmt, out)
