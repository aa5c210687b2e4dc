"""``casework stats publish`` and ``stats --published``: a period's figures frozen as
published (公布数), each revision a new version, and today's figures compared with them."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.state import settings

if TYPE_CHECKING:
    from casework.read.published import DiffJSON, PublishedJSON
    from casework.read.shapes import Figure

# Why a published period is published again (casework.domain.publishing.REVISE_REASONS).
REASONS = ("late_data", "method", "error")


def check_period_options(
    period: str | None,
    start: str | None,
    end: str | None,
    published: bool,
    version: int | None,
    others: Mapping[str, object] | None = None,
) -> None:
    """Usage errors (exit 2) before anything is read: --period with --from/--to, --published
    without --period or with an option that computes figures (``others``: what was published
    is shown as it was), --version without --published or below 1."""
    given = [flag for flag, value in (others or {}).items() if value]
    if published and given:
        raise typer.BadParameter(
            "公布数按公布时所算显示，不另行计算 (published figures are shown as published)",
            param_hint=given[0],
        )
    if period is not None and (start is not None or end is not None):
        raise typer.BadParameter(
            "期间与 --from/--to 不能同时给出 (give a period or dates, not both)",
            param_hint="--period",
        )
    if published and period is None:
        raise typer.BadParameter(
            "查看公布数 --published 须指明期间 (needs a period)", param_hint="--period"
        )
    if version is not None and not published:
        raise typer.BadParameter(
            "版本只用于查看公布数 --published (only when reading what was published)",
            param_hint="--version",
        )
    if version is not None and version < 1:
        raise typer.BadParameter(
            f"版本应不小于 1，不是 {version} (at least 1)", param_hint="--version"
        )


def period_dates(period: str) -> tuple[str, str]:
    """A --period's first and last dates, read here (not through the API) so that ``stats
    --period`` works through ``--server`` as ``--from``/``--to`` do."""
    from casework.time.periods import ReportingPeriod

    span = ReportingPeriod.parse(period)
    return span.first_day.isoformat(), span.last_day.isoformat()


def print_heading(found: PublishedJSON) -> None:
    """Which version is shown, by whom and when, and every version of the period."""
    from casework.read.published import marked

    grouped = f" 按 {found['by']}" if found["by"] else ""
    _plain(f"公布数 published {found['period']}{grouped}：")
    for item in found["versions"]:
        shown = "▶ " if item["version"] == found["version"] else "  "
        _plain(shown + marked(item))


def _plain(text: str) -> None:
    """A line as it is: never wrapped (a summary is one line) nor read as markup."""
    sys.stdout.write(text + "\n")


def publish(
    ctx: typer.Context,
    period: Annotated[
        str, typer.Option("--period", help="A month 2020-11, a quarter 2020Q4 or a year 2020.")
    ],
    by: Annotated[
        str | None, typer.Option("--by", help="Publish grouped as stats --by groups (office ...).")
    ] = None,
    revise: Annotated[
        str | None,
        typer.Option(
            "--revise",
            help="Publish a published period again, saying why: late_data, method or error.",
        ),
    ] = None,
    show_diff: Annotated[
        bool,
        typer.Option(
            "--diff", help="Write nothing: how today's figures differ from the published ones."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Freeze a period's figures as published (公布数), with the time, the user, the procedure
    versions and a hash of the inputs; a published period again only with --revise (the
    versions before are kept, marked 修订). City-level statisticians, heads and admins.

    Example: casework stats publish --period 2020-11 --by office
    """
    if revise is not None and revise not in REASONS:
        raise typer.BadParameter(
            f"修订原因 {revise[:20]!r} 应为 late_data、method 或 error 之一", param_hint="--revise"
        )
    if show_diff and revise is not None:
        raise typer.BadParameter(
            "--diff 只比较、不写入，不能同时修订 (a diff writes nothing, so revises nothing)",
            param_hint="--revise",
        )
    cw = settings(ctx).reader()
    if show_diff:
        found = cw.published_diff(period, by)
        output.print_json(found) if as_json else _print_diff(found)
        return
    done = cw.publish_figures(period, by, revise)
    if as_json:
        output.print_json(done)
        return
    print_heading(done)
    digest = done["inputs_hash"][:12]
    _plain(f"已公布 published：{done['period']} 第 {done['version']} 版，输入 inputs {digest}")


def _print_diff(found: DiffJSON) -> None:
    if found["cells"]:
        output.table(
            f"{found['period']} 公布数第 {found['version']} 版 vs 今日 today",
            [
                ("指标 metric", "cyan"),
                ("分组 group", ""),
                ("公布 published", ""),
                ("今日 today", ""),
            ],
            [
                (
                    f"{c['label']} {c['metric']}",
                    c["group"] or "—",
                    _fmt(c["published"]),
                    _fmt(c["today"]),
                )
                for c in found["cells"]
            ],
        )
    _plain(found["summary"])


def _fmt(value: Figure) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}%"
    return f"{value:,}"
