"""``casework report``: the annual report's statistics section and monthly tables."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.state import settings

if TYPE_CHECKING:
    from casework.read.mediation_form import FormJSON
    from casework.read.shapes import Report

report_app = typer.Typer(help="Reports (报告) filled from the statistics.", no_args_is_help=True)
FORMAT = Annotated[str, typer.Option("--format", help="text, md, xlsx or json.")]
OUT = Annotated[
    str | None,
    typer.Option("--out", help="Write to this file (xlsx needs one; - for standard output)."),
]
FORCE = Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")]


def _check_format(fmt: str, out: str | None, force: bool = False, field: str = "out") -> None:
    """A usage error (exit 2) before anything is computed: an unknown format, or XLSX
    without a file; an existing file (unless ``force``) is refused then too."""
    from casework.read.export_xlsx import check_xlsx_path
    from casework.storage.outfiles import check_new

    if fmt not in ("text", "md", "xlsx", "json"):
        raise typer.BadParameter(
            f"格式应为 text、md、xlsx 或 json，不是 {fmt[:20]!r} (must be text, md, xlsx or json)",
            param_hint="--format",
        )
    if fmt == "xlsx" and not out:
        raise typer.BadParameter(
            "XLSX 格式须写入文件 FILE.xlsx (xlsx needs a file)", param_hint=f"--{field}"
        )
    if out:
        check_new(out, force, field)
    if out and fmt == "xlsx":
        check_xlsx_path(out, force)


def _emit(report: Report, fmt: str, out: str | None, force: bool = False) -> None:
    from casework.read.report import TEXT_WIDTH, as_markdown, as_text, write_xlsx

    if fmt == "xlsx" and out:
        write_xlsx(report, out, force)
        output.written(out, f"已写入 written: {out}")
        return
    if fmt == "json":  # for scripts: the report as data, notes included
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "text":  # a file as wide as the report allows, a terminal no wider than itself
        text = as_text(report) if out else as_text(report, min(TEXT_WIDTH, output.width()))
    else:
        text = as_markdown(report)
    if out:
        output.write_text(out, text, "out", force=force)
        output.written(out, f"已写入 written: {out}")
    else:
        sys.stdout.write(text)
    for note in report.get("notes", []):  # what the text left out, and why
        sys.stderr.write(f"提示 note: {note}\n")


@report_app.command("annual")
def annual(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The report year.")] = 2020,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The report's date (default 12-24 of the year, or today if earlier): "
            "no period runs past it, every figure is as of it.",
        ),
    ] = None,
    fmt: FORMAT = "text",
    out: OUT = None,
    force: FORCE = False,
) -> None:
    """Section 一(八) of the annual report on law-based government, statistics filled in, with
    a table by office, and the procedures' sentences of other sections (一(七)3: 12345).

    Example: casework report annual --year 2020 --date 2020-12-24 --format md --out 2020.md
    """
    _check_format(fmt, out, force)
    report = settings(ctx).reader().report_annual(year, day)
    _emit(report, fmt, out, force)


@report_app.command("monthly")
def monthly(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="The month, e.g. 2020-11.")],
    fmt: FORMAT = "text",
    out: OUT = None,
    force: FORCE = False,
) -> None:
    """The month's figures by office: the published ones (``stats publish --period M --by
    office``, latest version) when the month was published, and it says so.

    Example: casework report monthly --month 2020-11 --format xlsx --out 2020-11.xlsx
    """
    _check_format(fmt, out, force)
    report = settings(ctx).reader().report_monthly(month)
    _emit(report, fmt, out, force)


@report_app.command("mediation-form")
def mediation_form(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="First local date of the period.")],
    end: Annotated[str, typer.Option("--to", help="Last local date of the period.")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="As the database stood at the end of this day."),
    ] = None,
    office: Annotated[str | None, typer.Option("--office", help="Only this office.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, md, xlsx or json.")] = "text",
    out: Annotated[
        str | None,
        typer.Option(
            "--output",
            "--out",
            help="Write to this file (xlsx needs one; - for standard output).",
        ),
    ] = None,
    force: FORCE = False,
) -> None:
    """The Ministry's people's mediation form (人民调解工作统计表): 一 组织 … 六 防激化, each
    figure with its metric; exits 1 naming any tie that fails (三 or 四 ≠ 调解纠纷, 口头 + 书面
    ≠ 调解成功).

    Example: casework report mediation-form --from 2020-01-01 --to 2020-11-30 --as-of
    2020-12-24 --format xlsx --output 2020-1-11月.xlsx
    """
    _check_format(fmt, out, force, "output")
    report = settings(ctx).reader().mediation_form(start, end, as_of, office)
    _emit_form(report, fmt, out, force)
    for tie in report["ties"]:
        if not tie["ok"]:
            output.error(
                f"核对不符 tie failed：{tie['tie']}（{tie['value']} ≠ {tie['expected']}，"
                f"{tie['of']}）"
            )
    if report["failed"]:
        raise typer.Exit(1)


def _emit_form(report: FormJSON, fmt: str, out: str | None, force: bool = False) -> None:
    from casework.read import form_render

    if fmt == "xlsx" and out:
        form_render.write_xlsx(report, out, force)
        output.written(out, f"已写入 written: {out}")
        return
    if fmt == "json":
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    else:
        text = form_render.as_text(report) if fmt == "text" else form_render.as_markdown(report)
    if out:
        output.write_text(out, text, "output", force=force)
        output.written(out, f"已写入 written: {out}")
    else:
        sys.stdout.write(text)
