"""``casework stats``: the figures of the metric catalogue (the screening ledger's commands are
in cli/screening_cmds.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import output, publish_cmds
from cli.state import settings

if TYPE_CHECKING:
    from casework.read.shapes import ExplainItem, Figure, StatsJSON

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
FROM = Annotated[str | None, typer.Option("--from", help="First local date (default 1 Jan).")]
TO = Annotated[str | None, typer.Option("--to", help="Last local date (default today).")]
AS_OF = Annotated[
    str | None,
    typer.Option("--as-of", help="As the database stood at the end of this day (recorded_at)."),
]
OFFICE = Annotated[str | None, typer.Option("--office", help="Only this office.")]
CLOSED_BY = Annotated[
    str | None,
    typer.Option(
        "--closed-by",
        help="Cut-off of the cohort rates that have one (办结率): closed by this day "
        "(default the period's last day).",
    ),
]

PERIOD = Annotated[
    str | None,
    typer.Option(
        "--period", help="A month 2020-11, a quarter 2020Q4 or a year 2020 (not with --from/--to)."
    ),
]

stats_app = typer.Typer(
    help="The figures of the metric catalogue (统计), each traceable to its cases.",
    invoke_without_command=True,
)


def _table_rows(result: StatsJSON) -> tuple[list[str], list[list[str]]]:
    """The figures as a table: metrics down; one column, or one per group across."""
    labels = result.get("labels", {})
    rows = result.get("rows")
    if rows is None:
        metrics = result.get("metrics", {})
        return ["指标 metric", "值 value"], [
            [f"{label} {n}", _fmt(metrics.get(n))] for n, label in labels.items()
        ]
    header = ["指标 metric", *[r["key"] for r in rows]]
    body = [
        [f"{label} {n}", *[_fmt(r["metrics"].get(n)) for r in rows]] for n, label in labels.items()
    ]
    return header, body


def _two_lines(label: str) -> str:
    """A metric's label over two lines, the narrowest a column of figures is given."""
    from casework.read.text_wrap import display_width, wrap

    return "\n".join(wrap(label, max(6, (display_width(label) + 1) // 2 + 1)))


def _fmt(value: Figure) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}%"
    return f"{value:,}"


BY = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Group by office, month, quarter, kind, channel, reason, source (主动, 依申请, "
        "移送), dispute_type or committee_type.",
    ),
]
METRIC = Annotated[list[str] | None, typer.Option("--metric", help="Only these metrics (repeat).")]
CSV_OUT = Annotated[
    str | None,
    typer.Option("--csv", help="Also write the table as CSV (- for standard output)."),
]
XLSX_OUT = Annotated[
    str | None,
    typer.Option("--xlsx", help="Also write it as XLSX (- for standard output)."),
]
FORCE_FILES = Annotated[
    bool, typer.Option("--force", help="Replace an existing --csv or --xlsx file.")
]
PUBLISHED = Annotated[
    bool,
    typer.Option("--published", help="The figures published for --period (公布数)."),
]
VERSION = Annotated[
    int | None,
    typer.Option("--version", help="With --published: this version (earlier ones: 修订)."),
]


@stats_app.callback()
def stats(
    ctx: typer.Context,
    start: FROM = None,
    end: TO = None,
    by: BY = None,
    as_of: AS_OF = None,
    office: OFFICE = None,
    metric: METRIC = None,
    to_csv: CSV_OUT = None,
    to_xlsx: XLSX_OUT = None,
    force: FORCE_FILES = False,
    closed_by: CLOSED_BY = None,
    period: PERIOD = None,
    published: PUBLISHED = False,
    version: VERSION = None,
    as_json: JSON = False,
) -> None:
    """The metric catalogue for a period of local dates (Asia/Shanghai, both ends inclusive),
    or for --period; with --published, the figures published for it (stats publish).

    Example: casework stats --from 2020-01-01 --to 2020-11-30 --by office --json
    """
    if ctx.invoked_subcommand is not None:
        return
    files = _check_files(to_csv, to_xlsx, force)
    reader = settings(ctx).reader()
    computing = {"--as-of": as_of, "--office": office, "--metric": metric, "--closed-by": closed_by}
    publish_cmds.check_period_options(period, start, end, published, version, computing)
    if published:
        found = reader.published_figures(period or "", by, version)
        if as_json:
            output.print_json(found)
            return
        publish_cmds.print_heading(found)
        result = found["figures"]
    else:
        if period is not None:
            start, end = publish_cmds.period_dates(period)
        result = reader.stats(start, end, by, as_of, office, metric, closed_by=closed_by)
    header, body = _table_rows(result)
    for path, field in files:
        _write_file(path, field, result, header, body, force)
    if "-" in (to_csv, to_xlsx):
        return  # standard output holds the file
    if as_json:
        output.print_json({k: v for k, v in result.items() if k != "labels"})
        return
    title = f"统计 statistics {result['from']} .. {result['to']}" + (
        f" (as of {result['as_of']})" if "as_of" in result else ""
    )
    _show(title, result, header, body)


def _show(title: str, result: StatsJSON, header: list[str], body: list[list[str]]) -> None:
    """The metrics down and the groups across when that fits the terminal; else the groups
    down and the metrics across, in as many tables as the metrics need (one a metric, at
    worst), so that no figure is squeezed or split (issue 17 point 2)."""
    columns = [(h, "cyan" if i == 0 else "") for i, h in enumerate(header)]
    if result.get("rows") is None or output.fits(columns, body):
        output.table(title, columns, body)
        return
    chunks = _metric_chunks(result)
    labels = result.get("labels", {})
    for i, (names, (chunk_columns, chunk_rows)) in enumerate(chunks, 1):
        part = f" ({i}/{len(chunks)})" if len(chunks) > 1 else ""
        # The headers say the labels (narrow, they wrap); the caption names each metric.
        caption = " · ".join(f"{labels[n]} {n}" for n in names)
        output.table(title + part, chunk_columns, chunk_rows, caption=caption)


Table = tuple[list[tuple[str, str]], list[list[str]]]


def _metric_chunks(result: StatsJSON) -> list[tuple[list[str], Table]]:
    """The groups as rows, the metrics as columns, cut into tables that fit the terminal:
    each chunk's metric names and its table."""
    chunks: list[list[str]] = []
    for name in result.get("labels", {}):
        if chunks and output.fits(*_by_group(result, [*chunks[-1], name])):
            chunks[-1].append(name)
        else:
            chunks.append([name])
    return [(names, _by_group(result, names)) for names in chunks]


def _by_group(result: StatsJSON, names: list[str]) -> Table:
    """A table of the groups down and the metrics ``names`` across."""
    labels = result.get("labels", {})
    columns = [(f"分组 {result.get('by')}", "cyan"), *[(_two_lines(labels[n]), "") for n in names]]
    groups = result.get("rows", [])
    return columns, [[g["key"], *[_fmt(g["metrics"].get(n)) for n in names]] for g in groups]


def _check_files(to_csv: str | None, to_xlsx: str | None, force: bool) -> list[tuple[str, str]]:
    """The files to write, each checked before anything is computed."""
    from casework.read.export_xlsx import check_xlsx_path
    from casework.storage.outfiles import check_new

    if to_csv == to_xlsx == "-":
        raise typer.BadParameter(
            "--csv 与 --xlsx 不能都写到标准输出 (not both to standard output)", param_hint="--xlsx"
        )
    if to_csv:
        check_new(to_csv, force, "csv")
    if to_xlsx:
        check_new(to_xlsx, force, "xlsx")  # named by its own option
        check_xlsx_path(to_xlsx, force)
    return [(p, f) for p, f in ((to_csv, "csv"), (to_xlsx, "xlsx")) if p]


def _write_file(
    path: str,
    field: str,
    result: StatsJSON,
    header: list[str],
    body: list[list[str]],
    force: bool,
) -> None:
    if field == "csv":
        from casework.ledger.csv_cells import csv_text

        output.write_text(path, csv_text(header, body), "csv", "utf-8-sig", force)
    else:
        from casework.read.export_xlsx import write_stats

        write_stats(path, result, force)  # the figures as numbers, not as the terminal shows them


@stats_app.command("explain")
def stats_explain(
    ctx: typer.Context,
    metric: Annotated[
        str, typer.Argument(metavar="METRIC", help="A metric name, e.g. mediation.mediated.")
    ],
    start: FROM = None,
    end: TO = None,
    as_of: AS_OF = None,
    office: OFFICE = None,
    closed_by: CLOSED_BY = None,
    as_json: JSON = False,
) -> None:
    """The cases (or screening entries) behind one figure; their count equals the figure.

    Example: casework stats explain screening.special --from 2020-01-01 --to 2020-11-30
    """
    result = settings(ctx).reader().explain(metric, start, end, as_of, office, closed_by)
    if as_json:
        output.print_json(result)
        return
    keys = [k for k in ITEM_KEYS if any(k in i for i in result["items"])] or ["case_no"]
    key = " / ".join(keys)
    output.table(
        f"{result['label']} {metric} = {_fmt(result['value'])} ({result['from']}..{result['to']})",
        [("编号 " + key, "cyan"), ("日期 date", ""), ("单位 office", "")],
        [(_item_id(i), i["date"], i["office"]) for i in result["items"]],
    )


# What an item behind a figure is: a case, a screening entry, a committee or a mediator.
ITEM_KEYS = ("case_no", "screening_id", "committee", "mediator")


def _item_id(item: ExplainItem) -> str:
    """What an item is: a case number, a screening entry's id, a committee or a mediator."""
    for key in ITEM_KEYS:
        found = item.get(key)
        if found is not None:
            return str(found)
    return ""


# ``stats publish``: freezing a period's figures, and comparing today's with them.
stats_app.command("publish")(publish_cmds.publish)
