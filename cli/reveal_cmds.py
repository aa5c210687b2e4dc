"""``reveal-log``: every unmasked view (``case show --reveal``, ``export --reveal``), for admins."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.admin_cmds import JSON
from cli.state import settings

__all__ = ["reveal_log"]


def reveal_log(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day on (YYYY-MM-DD).")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's views.")] = None,
    as_json: JSON = False,
) -> None:
    """Every unmasked view (--reveal): who, when, which case (admin only).

    Each row is one case shown or one export made with ID numbers and phones in full; an
    export's row names its filter. Nothing removes a row.

    Example: casework --as admin reveal-log --since 2020-12-01 --user sup_pz --json
    """
    rows = settings(ctx).reader().reveal_log(since, user)
    if as_json:
        output.print_json(rows)
        return
    output.table(
        "显示完整信息记录 Reveal log",
        [
            ("时间 at", "cyan"),
            ("用户 user", ""),
            ("案件 case", ""),
            ("查看 what", ""),
            ("途径 channel", ""),
            ("说明 detail", ""),
        ],
        [
            (
                r["at"],
                r["username"],
                r["case_no"] or "—",
                r["what"],
                r["channel"] + (f" ({r['os_user']})" if r["os_user"] else ""),
                r["detail"] or "",
            )
            for r in rows
        ],
    )
