"""``casework config show|set`` (cli/config_cmds.py): the dated settings of local practice
([cfg] in petition.md and major_dispute.md), each with its shipped default and its history,
a value in force from its day on; set by an admin only; refusals one line naming the option."""

from __future__ import annotations

import json

import pytest

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli, dump

COLLECTIVE = "petition.collective_min"


def test_config_show_lists_every_setting_with_its_shipped_default(cli: Cli) -> None:
    rows = json.loads(cli("config", "show", "--json").stdout)
    by_key = {r["key"]: r for r in rows}
    # The defaults the spec ships (petition.md 1.2, 1.7; major_dispute.md).
    assert by_key[COLLECTIVE]["default"] == by_key[COLLECTIVE]["value"] == "5"
    assert set(by_key["petition.accepting_ratings"]["value"].split(",")) == {"satisfied", "basic"}
    assert by_key["major_dispute.extensions_max"]["value"] == "2"
    assert all(set(r) >= {"key", "label", "kind", "value", "default", "history"} for r in rows)
    table = cli("config", "show")
    assert table.exit_code == 0 and "设置 Settings" in table.stdout and COLLECTIVE in table.stdout


def test_config_set_takes_effect_from_its_day_and_keeps_history(cli: Cli) -> None:
    done = cli(
        *("config", "set", COLLECTIVE, "3", "--from", "2021-01-01", "--note", "联席会议纪要"),
        "--json",
        user="admin",
    )
    assert done.exit_code == 0, done.stderr
    out = json.loads(done.stdout)
    assert (
        out["key"] == COLLECTIVE and out["value"] == "3" and out["effective_from"] == "2021-01-01"
    )
    before = json.loads(cli("config", "show", COLLECTIVE, "--on", "2020-12-31", "--json").stdout)
    after = json.loads(cli("config", "show", COLLECTIVE, "--on", "2021-01-01", "--json").stdout)
    assert (before["value"], after["value"]) == ("5", "3")
    assert [
        (h["value"], h["effective_from"], h["set_by"], h["note"]) for h in after["history"]
    ] == [("3", "2021-01-01", "admin", "联席会议纪要")]
    panel = cli("config", "show", COLLECTIVE, "--on", "2021-06-01")
    assert panel.exit_code == 0
    text = " ".join(panel.stdout.split())
    assert "集体访人数下限" in text and "设定记录 history" in text and "联席会议纪要" in text
    line = cli("config", "set", COLLECTIVE, "4", "--from", "2022-01-01", user="admin").stdout
    assert "已设定" in line and "2022-01-01" in line


def test_config_set_a_choice_by_its_chinese_label(cli: Cli) -> None:
    args = ("config", "set", "petition.accepting_ratings", "满意", "--from", "2021-01-01")
    done = cli(*args, "--json", user="admin")
    assert done.exit_code == 0, done.stderr
    shown = json.loads(
        cli("config", "show", "petition.accepting_ratings", "--on", "2021-02-01", "--json").stdout
    )
    assert shown["value"] == "satisfied"


# (name, user, args, words the line must contain, the option it ends with)
REFUSALS: list[tuple[str, str | None, list[str], list[str], str]] = [
    (
        "not_admin",
        "sup_justice",
        ["config", "set", COLLECTIVE, "4", "--from", "2021-01-01"],
        ["admin", "sup_justice"],
        "--as",
    ),
    (
        "not_a_number",
        "admin",
        ["config", "set", COLLECTIVE, "many", "--from", "2021-01-01"],
        ["'many'", COLLECTIVE],
        "VALUE",
    ),
    (
        "bad_date",
        "admin",
        ["config", "set", COLLECTIVE, "4", "--from", "2021-13-01"],
        ["'2021-13-01'"],
        "--from",
    ),
    (
        "unknown_key",
        "admin",
        ["config", "set", "petition.nothing", "4", "--from", "2021-01-01"],
        ["'petition.nothing'", COLLECTIVE],
        "KEY",
    ),
    (
        "unknown_key_show",
        None,
        ["config", "show", "petition.nothing"],
        ["'petition.nothing'"],
        "KEY",
    ),
    (
        "bad_choice",
        "admin",
        ["config", "set", "petition.accepting_ratings", "delighted", "--from", "2021-01-01"],
        ["'delighted'", "satisfied"],
        "VALUE",
    ),
    ("show_bad_on", None, ["config", "show", "--on", "someday"], ["'someday'"], "--on"),
]


@pytest.mark.parametrize("name,user,args,words,hint", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_config_refusals_name_their_option(
    cw: Casework,
    cli: Cli,
    name: str,
    user: str | None,
    args: list[str],
    words: list[str],
    hint: str,
) -> None:
    before = dump(cw.engine)
    line = error_line(cli(*args, user=user), 1, hint)
    for word in words:
        assert word in line, line
    assert dump(cw.engine) == before


def test_config_set_needs_its_from_date(cli: Cli) -> None:
    line = error_line(cli("config", "set", COLLECTIVE, "4", user="admin"), 2, None)
    assert "缺少选项" in line and "--from" in line


def test_config_help_is_chinese_first_with_examples(cli: Cli) -> None:
    for args, words in (
        (["config", "--help"], ["设置"]),
        (["config", "show", "--help"], ["Example: casework config show"]),
        (["config", "set", "--help"], ["Example: casework --as admin config set", "--from"]),
    ):
        text = " ".join(cli(*args).stdout.split())
        for word in words:
            assert word in text, (args, word)
