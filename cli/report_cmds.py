"""``casework report``: the annual report's statistics section and monthly tables."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.state import settings

if TYPE_CHECKING:
    from casework.api import Casework
    from casework.read.shapes import Report

report_app = typer.Typer(help="Reports (报告) filled from the statistics.", no_args_is_help=True)
FORMAT = Annotated[str, typer.Option("--format", help="text, md or xlsx.")]
OUT = Annotated[str | None, typer.Option("--out", help="Write to this file (xlsx needs one).")]


def _check_format(fmt: str, out: str | None) -> None:
    """A usage error (exit 2) before anything is computed: an unknown format, or XLSX
    without a file."""
    if fmt not in ("text", "md", "xlsx"):
        raise typer.BadParameter(
            f"格式应为 text、md 或 xlsx，不是 {fmt[:20]!r} (must be text, md or xlsx)",
            param_hint="--format",
        )
    if fmt == "xlsx" and not out:
        raise typer.BadParameter(
            "XLSX 格式须写入文件 FILE.xlsx (xlsx needs a file)", param_hint="--out"
        )


def _emit(report: Report, fmt: str, out: str | None) -> None:
    from casework.read.report import as_markdown, as_text, write_xlsx

    if fmt == "xlsx" and out:
        write_xlsx(report, out)
        output.line(f"已写入 written: {out}")
        return
    text = as_text(report) if fmt == "text" else as_markdown(report)
    if out:
        output.write_text(out, text, "out")
        output.line(f"已写入 written: {out}")
    else:
        sys.stdout.write(text)


def _names(cw: Casework) -> dict[str, str]:
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
    from casework.read.report import annual as build

    _check_format(fmt, out)
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
    from casework.read.report import monthly as build

    _check_format(fmt, out)
    cw = settings(ctx).open()
    report = build(lambda start, end, by=None: cw.stats(start, end, by), _names(cw), month)
    _emit(report, fmt, out)
