"""The root ``casework`` command: global options and the command groups."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import (
    admin_cmds,
    case_cmds,
    deadline_cmds,
    demo_cmds,
    export_cmds,
    report_cmds,
    stats_cmds,
    subsidy_cmds,
    trust_cmds,
    workflow_cmds,
)
from cli.app_core import CaseworkGroup
from cli.state import Settings

HELP = """casework: petitions (信访), people's mediation (人民调解) and leader-assigned major
disputes (领导包案) as tracked legal procedures.

Every step is an event recorded for good; a refused command changes nothing.

Examples:

  casework init --offices gaozhou

  casework --as clerk1 case register petition --office panzhou --title "拖欠工资"

  casework --as sup1 case advance XF-2020-panzhou-00001 accept
"""

app = typer.Typer(
    cls=CaseworkGroup,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from casework import __version__

        typer.echo(f"casework {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="SQLite file path or database URL [env: CASEWORK_DB]."),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--as", help="Acting username [env: CASEWORK_USER]."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """casework: procedures, deadlines and statistics for dispute-resolution offices."""
    import os

    ctx.obj = Settings(db=db, user=user or os.environ.get("CASEWORK_USER") or None)


app.command("init")(admin_cmds.init)
app.add_typer(admin_cmds.office_app, name="office")
app.add_typer(admin_cmds.user_app, name="user")
app.add_typer(case_cmds.case_app, name="case")
app.add_typer(workflow_cmds.workflow_app, name="workflow")
app.add_typer(trust_cmds.audit_app, name="audit")
app.command("due")(deadline_cmds.due)
app.add_typer(deadline_cmds.calendar_app, name="calendar")
app.add_typer(subsidy_cmds.subsidy_app, name="subsidy")
app.add_typer(stats_cmds.screening_app, name="screening")
app.add_typer(stats_cmds.stats_app, name="stats")
app.command("demo")(demo_cmds.demo)
app.add_typer(report_cmds.report_app, name="report")
app.add_typer(export_cmds.export_app, name="export")
app.command("backup")(trust_cmds.backup)


def run() -> None:
    """Console-script entry point."""
    app()
