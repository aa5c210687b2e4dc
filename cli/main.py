"""The root ``casework`` command: global options and the command groups."""

from __future__ import annotations

import gc
from typing import Annotated

import typer

from cli.app_core import CaseworkGroup, Lazy
from cli.state import Settings

HELP = """casework: petitions (信访), people's mediation (人民调解) and leader-assigned major
disputes (领导包案) as tracked legal procedures.

Every step is an event recorded for good; a refused command changes nothing.

Examples:

  casework init --offices gaozhou

  casework --as clerk1 case register petition --office panzhou --title "拖欠工资"

  casework --as sup1 case advance XF-2020-panzhou-00001 accept
"""

# The commands, in the order ``casework --help`` lists them. A command's module is imported only
# when the command runs (or its own help is asked for): ``casework --help`` and ``casework case
# show`` import neither the other commands nor what they use. Each line of help is the first
# paragraph of the command's own help; tests/cli/test_startup.py keeps the two in step.
COMMANDS: dict[str, Lazy] = {
    "init": Lazy("cli.admin_cmds", "init", "Create or upgrade the database schema; idempotent."),
    "due": Lazy(
        "cli.deadline_cmds",
        "due",
        "What falls due soon (临期) and what is late (超期), most urgent first.",
    ),
    "sweep": Lazy(
        "cli.deadline_cmds",
        "sweep",
        "Fire the steps the law takes itself when a limit lapses (视为受理), once each.",
    ),
    "demo": Lazy(
        "cli.demo_cmds",
        "demo",
        "Build a believable year in Gaozhou (28 towns, the city bureaus) through the same "
        "services a clerk uses, then print the 2020 report's figures beside casework's "
        "statistics.",
    ),
    "backup": Lazy(
        "cli.trust_cmds",
        "backup",
        "Take a consistent copy of a live SQLite database and check it.",
    ),
    "restore": Lazy(
        "cli.trust_cmds",
        "restore",
        "Put a SQLite backup back over the database, once the backup is checked.",
    ),
    "office": Lazy(
        "cli.admin_cmds", "office_app", "Offices (单位): town judicial offices and city bodies."
    ),
    "user": Lazy("cli.account_cmds", "user_app", "Users (用户): one role and one office each."),
    "login-log": Lazy(
        "cli.account_cmds",
        "login_log",
        "The login log: logins, failures, lockouts, logouts, password changes (admin only).",
    ),
    "reveal-log": Lazy(
        "cli.reveal_cmds",
        "reveal_log",
        "Every unmasked view (--reveal): who, when, which case (admin only).",
    ),
    "committee": Lazy(
        "cli.committee_cmds",
        "committee_app",
        "People's mediation committees (调委会) and their members.",
    ),
    "mediator": Lazy(
        "cli.committee_cmds",
        "mediator_app",
        "People's mediators (调解员): one committee at a time, moves kept.",
    ),
    "case": Lazy(
        "cli.case_cmds", "case_app", "Cases (案件): register, advance, document, show, list."
    ),
    "workflow": Lazy(
        "cli.workflow_cmds", "workflow_app", "Procedures (流程): states, triggers, roles."
    ),
    "config": Lazy(
        "cli.config_cmds",
        "config_app",
        "Dated settings (设置) of local practice: show them, set a value from a day.",
    ),
    "audit": Lazy("cli.trust_cmds", "audit_app", "The tamper-evident history (审计)."),
    "calendar": Lazy(
        "cli.deadline_cmds",
        "calendar_app",
        "The working-day calendar (工作日历): statutory holidays and make-up working days.",
    ),
    "subsidy": Lazy(
        "cli.subsidy_cmds",
        "subsidy_app",
        "以案定补: per-case subsidies for people's mediators, claimed per quarter.",
    ),
    "screening": Lazy(
        "cli.screening_cmds", "screening_app", "The dispute screening ledger (矛盾纠纷排查台账)."
    ),
    "stats": Lazy(
        "cli.stats_cmds",
        "stats_app",
        "The figures of the metric catalogue (统计), each traceable to its cases.",
    ),
    "report": Lazy("cli.report_cmds", "report_app", "Reports (报告) filled from the statistics."),
    "export": Lazy(
        "cli.export_cmds",
        "export_app",
        "Exports (导出) of cases for spreadsheets and other systems.",
    ),
    "serve": Lazy(
        "cli.serve_cmds",
        "serve",
        "Serve the web workbench's JSON API (/api/v1) on the same database as every command.",
    ),
    "import": Lazy(
        "cli.import_cmds",
        "import_ledger",
        "Import a ledger (台账) of one procedure from CSV, TSV, XLSX, XLS or ODS, Chinese headers.",
    ),
}


class CaseworkRoot(CaseworkGroup):
    lazy = COMMANDS


app = typer.Typer(
    cls=CaseworkRoot,
    help=HELP,
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion (Typer's own)
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
    server: Annotated[
        str | None,
        typer.Option(
            "--server",
            help="Run through this casework server's JSON API, as the user of CASEWORK_TOKEN "
            "[env: CASEWORK_SERVER].",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """casework: procedures, deadlines and statistics for dispute-resolution offices."""
    import os

    ctx.obj = Settings(
        db=db,
        user=user or os.environ.get("CASEWORK_USER") or None,
        server=server or os.environ.get("CASEWORK_SERVER") or None,
    )


def run() -> None:
    """Console-script entry point."""
    from casework.runtime import starting

    # The collector waits until the command has loaded what it needs (cli.state.Settings).
    starting()
    try:
        app()
    finally:
        # The process ends here. Its last act would be a collector pass over every object the
        # imports made (about 0.1 s, a sixth of `case show`), freeing nothing the OS does not.
        gc.freeze()
