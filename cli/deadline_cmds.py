"""``casework due`` and ``casework calendar``: time limits and the working-day calendar."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.inputs import readable
from cli.state import settings

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
AS_OF = Annotated[
    str | None,
    typer.Option("--as-of", help="Judge as on this local date (YYYY-MM-DD); default today."),
]

DAY_RULES = """Days are counted as Chinese procedure law counts them: a limit of N days (日) starts
the day after the starting event and, when its last day is a weekend rest day or a statutory
holiday, ends on the next working day; a limit in working days (工作日) skips weekends and
holidays and counts make-up working days (调休). Holidays come from the chinesecalendar package
and from holiday files added with `casework calendar add`."""

calendar_app = typer.Typer(
    help="The working-day calendar (工作日历): statutory holidays and make-up working days.\n\n"
    + DAY_RULES,
    no_args_is_help=True,
)


# How `due` shows each status: a past perform_by is a reminder (督促履行), never overdue.
STATUS_STYLES = {
    "overdue": "bold red",
    "warning": "yellow",
    "reminder": "yellow",
    "due_soon": "cyan",
    "calendar_missing": "magenta",
    "step_due": "bold yellow",
}
STATUS_LABELS = {
    "overdue": "超期 overdue",
    "warning": "超建议期限 past advice",
    "reminder": "督促履行 remind",
    "due_soon": "临期 due",
    "calendar_missing": "节假日安排未知 holidays unknown",
    "step_due": "待人工处理 step due",
}


def due(
    ctx: typer.Context,
    within: Annotated[
        int, typer.Option("--within", help="Also list what falls due within this many days.")
    ] = 7,
    office: Annotated[str | None, typer.Option("--office", help="Only this office.")] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only this procedure, by its name or its Chinese label."),
    ] = None,
    as_of: AS_OF = None,
    as_json: JSON = False,
) -> None:
    """What falls due soon (临期) and what is late (超期), most urgent first.

    Example: casework due --within 3 --office panzhou --as-of 2020-11-30

    Days are counted as Chinese procedure law counts them: N days (日) start the day after the
    starting event and, ending on a rest day, move to the next working day; working days
    (工作日) skip weekends and holidays and count make-up working days (调休).
    """
    rows = settings(ctx).reader().due(within, office, kind, as_of)
    if as_json:
        output.print_json(rows)
        return
    styles, labels = STATUS_STYLES, STATUS_LABELS
    output.table(
        f"期限 Deadlines ({len(rows)})",
        [
            ("案件编号 case_no", "cyan"),
            ("状态 state", ""),
            ("期限 due", ""),
            ("规则 rule", ""),
            ("剩余 days left", ""),
            ("", ""),
        ],
        [
            (
                r["case_no"],
                f"{r['state_label']} {r['state']}",
                f"{r['label']} {r['date'] or '—'}",
                r["rule"],
                "—" if r["days_left"] is None else r["days_left"],
                f"[{styles[r['status']]}]{labels[r['status']]}[/{styles[r['status']]}]"
                + (f" → {r['step_label']} {r['step']}" if "step" in r else ""),
            )
            for r in rows
        ],
    )


# The columns of both of sweep's tables: what was fired, and what waits for a person.
SWEEP_COLUMNS = [
    ("案件编号 case_no", "cyan"),
    ("期限 limit", ""),
    ("届满 last day", ""),
    ("步骤 step", ""),
]


def sweep(ctx: typer.Context, as_of: AS_OF = None, as_json: JSON = False) -> None:
    """Fire the steps the law takes itself when a limit lapses (视为受理), once each.

    Example: casework --as sup_justice sweep --as-of 2020-10-16

    A limit may name the step its lapse calls for: an application for reconsideration not
    decided within 5 working days is deemed accepted (行政复议法 art. 30). The sweep fires each
    such step due by the end of the day before --as-of (default today) as the system actor
    `engine`, dated as the rule says and recorded with the limit's name; a second sweep fires
    nothing. Steps that need a person's judgment (视为放弃, 终止) are listed, never fired.
    """
    result = settings(ctx).open().sweep(as_of)
    if as_json:
        output.print_json(result)
        return
    output.table(
        f"已执行 fired ({len(result['fired'])})",
        SWEEP_COLUMNS,
        [
            (
                r["case_no"],
                f"{r['label']} {r['limit']}",
                r["last_day"],
                f"{r['trigger_label']} {r['trigger']} ({r['dated_on']})",
            )
            for r in result["fired"]
        ],
    )
    output.table(
        f"需人工处理 needs a person ({len(result['needs_person'])})",
        SWEEP_COLUMNS,
        [
            (
                r["case_no"],
                f"{r['label']} {r['limit']}",
                r["last_day"],
                f"{r['trigger_label']} {r['trigger']}",
            )
            for r in result["needs_person"]
        ],
    )


@calendar_app.command("add")
def calendar_add(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="A holiday file (UTF-8 text); - for stdin.")
    ],
    as_json: JSON = False,
) -> None:
    """Add the holiday arrangement of years the chinesecalendar package does not know (admin).

    One entry per line: a date or inclusive range, then holiday or workday, then a name;
    '#' starts a comment. The file covers the years its dates fall in and replaces what was
    known for them.

      2027-01-01..2027-01-03 holiday 元旦

      2027-02-06..2027-02-13 holiday 春节

      2027-02-14 workday 春节调休上班
    """
    from casework.api.admin import HOLIDAY_MAX_BYTES

    api = settings(ctx).open()
    with readable(file, "holiday_file", HOLIDAY_MAX_BYTES) as path:
        result = api.calendar_add(path)
    if as_json:
        output.print_json(result)
    else:
        years = ", ".join(str(y) for y in result["years"])
        output.line(
            f"已添加节假日安排 added: {result['file']} covers {years} "
            f"({result['holidays']} holidays, {result['workdays']} make-up working days)"
        )


@calendar_app.command("show")
def calendar_show(ctx: typer.Context, as_json: JSON = False) -> None:
    """Which years the calendar covers, and from which source."""
    result = settings(ctx).open().calendar_show()
    if as_json:
        output.print_json(result)
        return
    package = [r["year"] for r in result["years"] if r["source"] == "chinesecalendar"]
    files = [r for r in result["years"] if r["source"] == "file"]
    if package:
        output.line(f"chinesecalendar: {min(package)}–{max(package)}")
    for r in files:
        output.line(f"{r['year']}: {r['file']} (added by {r['added_by']})")
    output.line(f"[dim]{DAY_RULES}[/dim]")
