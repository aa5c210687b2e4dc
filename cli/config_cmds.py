"""``casework config``: the dated settings of local practice ([cfg] in the spec).

Each setting has a shipped default and a history of values, each in force from a day; a step
reads the value in force on its own day, so changing a setting never rewrites the past.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.state import settings

if TYPE_CHECKING:
    from casework.read.config import SettingJSON

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
KEY_HELP = (
    "The setting, e.g. petition.collective_min; an office's parent is office.parent.CODE, an "
    "outside organ's organ.parent.NAME."
)

# The kinds of value a setting takes, as ``config show`` names them.
KINDS = {
    "int": "整数",
    "bool": "开关 (on/off)",
    "set": "多选 (逗号分隔)",
    "text": "文本",
    "date": "日期",
    "parent": "上级机关 (单位代码或 ext:机关名称)",
    "codes": "单位代码 (逗号分隔)",
}

config_app = typer.Typer(
    help="Dated settings (设置) of local practice: show them, set a value from a day.",
    no_args_is_help=True,
)


def _labelled(value: str, choices: dict[str, str]) -> str:
    """A stored value with the Chinese label of each choice before its code, in the order the
    choices are declared (``满意 satisfied、基本满意 basic``); ``none`` as 无."""
    if value == "none":
        return "无 none"
    if not choices:
        return value
    chosen = set(value.split(",")) - {""}
    order = [c for c in choices if c in chosen] + sorted(chosen - set(choices))
    return "、".join(f"{choices.get(c, '')} {c}".strip() for c in order) or "—"


@config_app.command("show")
def config_show(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(metavar="KEY", help=KEY_HELP)] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="The values in force on this local date; default today."),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Show every dated setting (or one) with its value on a day, default, kind and history.

    Example: casework config show petition.collective_min --on 2022-05-01
    """
    rows = settings(ctx).open().config(key, on)
    if as_json:
        output.print_json(rows if key is None else rows[0])
        return
    if key is not None:
        _one(rows[0])
        return
    output.table(
        "设置 Settings" + (f"（{on}）" if on else ""),
        [
            ("设置 key", "cyan"),
            ("名称 label", ""),
            ("当日取值 value", "bold"),
            ("默认 default", "dim"),
            ("类型 kind", "dim"),
        ],
        [
            (
                s["key"],
                s["label"],
                _labelled(s["value"], s["choices"]),
                _labelled(s["default"], s["choices"]),
                s["kind"],
            )
            for s in rows
        ],
    )


def _one(s: SettingJSON) -> None:
    body: list[tuple[str, object]] = [
        ("名称 label", s["label"]),
        ("取值 value", _labelled(s["value"], s["choices"])),
        ("默认 default", _labelled(s["default"], s["choices"])),
        ("类型 kind", f"{KINDS.get(s['kind'], '')} {s['kind']}"),
    ]
    if s["choices"]:
        body.append(("可选 choices", "、".join(f"{lb} {c}" for c, lb in s["choices"].items())))
    if s["note"]:
        body.append(("说明 note", s["note"]))
    output.panel(s["key"], body)
    if s["history"]:
        output.table(
            "设定记录 history",
            [
                ("起始 from", "cyan"),
                ("取值 value", ""),
                ("设定人 set_by", ""),
                ("设定时间 set_at", "dim"),
                ("备注 note", ""),
            ],
            [
                (
                    e["effective_from"],
                    _labelled(e["value"], s["choices"]),
                    e["set_by"],
                    e["set_at"][:16].replace("T", " "),
                    e["note"],
                )
                for e in s["history"]
            ],
        )


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help=KEY_HELP)],
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE",
            help="The value, as its kind takes it: a whole number, on/off, a date, choices "
            "comma-separated by code or Chinese label (满意,基本满意), none where allowed, or "
            "for a parent an office code or ext:NAME.",
        ),
    ],
    since: Annotated[
        str, typer.Option("--from", help="The local date the value takes effect (YYYY-MM-DD).")
    ],
    note: Annotated[
        str | None, typer.Option("--note", help="Why, kept with the value (a notice's number).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Give a dated setting a value from a day (admin only); earlier values stay in force
    before it.

    Example: casework --as admin config set petition.collective_min 3 --from 2021-01-01
    --note "市信访联席会议纪要"
    """
    done = settings(ctx).open().config_set(key, value, since, note)
    if as_json:
        output.print_json(done)
        return
    output.line(
        f"已设定 set: [bold]{done['key']}[/bold] = {done['value']}，"
        f"自 {done['effective_from']} 起 (from)，设定人 {done['set_by']}"
    )
