"""cli/errors.py: each field the library can name, said as the option of the command that ran;
Typer's usage errors Chinese first; one line that never names a flag twice."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup

import casework.errors
from cli.app_core import Command, command
from cli.errors import option_for, reason_of, usage_line, with_hint
from cli.main import COMMANDS
from tests.cli.checks import flags_named_twice

ROOT = Path(__file__).resolve().parents[2]


def command_at(path: str) -> Command:
    first, *rest = path.split()
    cmd = COMMANDS[first].load(first)
    for part in rest:
        assert isinstance(cmd, TyperGroup)
        cmd = command(cmd.commands[part])
    return cmd


def hint(path: str, field: str | None) -> str | None:
    return option_for(field, path, command_at(path).params)


def every_command() -> list[str]:
    """The path of every command and of every group that runs on its own (``stats``)."""
    out: list[str] = []

    def walk(path: str, cmd: Command) -> None:
        if not isinstance(cmd, TyperGroup) or cmd.invoke_without_command:
            out.append(path)
        if isinstance(cmd, TyperGroup):
            for name in list(cmd.commands):
                walk(f"{path} {name}", command(cmd.commands[name]))

    for name, entry in COMMANDS.items():
        walk(name, entry.load(name))
    return out


# (command, field, what the user typed for it, or None)
HINTS: list[tuple[str, str | None, str | None]] = [
    ("init", "database", "--db"),
    ("init", "offices", "--offices"),
    ("init", "admin", "--admin"),
    ("office add", "code", "CODE"),
    ("office add", "name", "--name"),
    ("office add", "level", "--level"),
    ("office add", "kind", "--kind"),
    ("office add", "user", "--as"),
    ("office add", "parent", "--parent"),
    ("user add", "username", "USERNAME"),
    ("user add", "role", "--role"),
    ("user add", "office", "--office"),
    ("user add", "attr.legal_qualification", "--attr legal_qualification=..."),
    ("user passwd", "username", "USERNAME"),
    ("user passwd", "password", "--password-stdin"),
    ("user passwd", "user", "--as"),
    ("user deactivate", "username", "USERNAME"),
    ("user change", "role", "--role"),
    ("user change", "office", "--office"),
    ("user change", "attr.reviewer_since", "--attr reviewer_since=..."),
    ("user passwd", "attr.reviewer_since", None),  # no attributes there
    ("user sessions", "user", "--as"),
    ("user revoke", "session", "ID"),
    ("user token", "name", "NAME"),
    ("user token", "scope", "--scope"),
    ("user token", "days", "--days"),
    ("login-log", "since", "--since"),
    ("login-log", "user", "--as"),
    ("reveal-log", "since", "--since"),
    ("reveal-log", "user", "--as"),
    ("case register", "kind", "KIND"),
    ("case register", "office", "--office"),
    ("case register", "title", "--title"),
    ("case register", "party", "--party"),
    ("case register", "party.role", "--party"),
    ("case register", "party.name", "--party"),
    ("case register", "party.id_number", "--party"),
    ("case register", "party.phone", "--party"),
    ("case register", "value.channel", "--set channel=..."),
    ("case register", "at", "--at"),
    ("case register", "note", "--note"),
    ("case register", "link", "--link"),
    ("case register", "ref", "--ref"),
    ("case register", "user", "--as"),
    ("case advance", "case_no", "CASE_NO"),
    ("case advance", "trigger", "TRIGGER"),
    ("case advance", "value.days", "--set days=..."),
    ("case advance", "value.tier", "--set tier=..."),
    ("case advance", "value.note", "--note"),
    ("case advance", "at", "--at"),
    ("case advance", "ref", "--ref"),
    ("case advance", "office", None),  # the case's office: nothing the user typed
    ("case doc", "case_no", "CASE_NO"),
    ("case doc", "document", "DOC_KIND"),
    ("case doc", "file", "--file"),
    ("case doc", "at", "--at"),
    ("case show", "case_no", "CASE_NO"),
    ("case show", "reveal", "--reveal"),
    ("case show", "as_of", "--as-of"),
    ("case show", "office", None),
    ("case list", "kind", "--kind"),
    ("case list", "state", "--state"),
    ("case list", "office", "--office"),
    ("case list", "limit", "--limit"),
    ("case list", "as_of", "--as-of"),
    ("case history", "case_no", "CASE_NO"),
    ("case link", "case_no", "CASE_NO"),
    ("case link", "other", "OTHER"),
    ("case link", "relation", "--relation"),
    ("case link", "note", "--note"),
    ("case link", "at", "--at"),
    ("case link", "ref", "--ref"),
    ("case link", "user", "--as"),
    ("case advance", "value.notice_method", "--set notice_method=..."),
    ("case advance", "value.to_office", "--set to_office=..."),
    ("case advance", "value.organ", "--set organ=..."),
    ("case advance", "value.requested_on", "--set requested_on=..."),
    ("case advance", "value.rating", "--set rating=..."),
    ("case register", "value.people", "--set people=..."),
    ("case register", "value.visited_level", "--set visited_level=..."),
    ("config show", "key", "KEY"),
    ("config show", "on", "--on"),
    ("config set", "key", "KEY"),
    ("config set", "value", "VALUE"),
    ("config set", "parent", "VALUE"),
    ("config set", "from", "--from"),
    ("config set", "note", "--note"),
    ("config set", "user", "--as"),
    ("workflow show", "kind", "KIND"),
    ("workflow show", "rules", "--rules"),
    ("due", "within", "--within"),
    ("due", "office", "--office"),
    ("due", "kind", "--kind"),
    ("due", "as_of", "--as-of"),
    ("sweep", "as_of", "--as-of"),
    ("calendar add", "holiday_file", "FILE"),
    ("calendar add", "user", "--as"),
    ("backup", "file", "FILE"),
    ("backup", "database", "--db"),
    ("serve", "database", "--db"),
    ("audit verify", "case_no", None),
    ("audit verify", "anchor", "--anchor"),
    ("audit anchor", "out", "--out"),
    ("restore", "anchor", "--anchor"),
    ("restore", "backup", "BACKUP"),
    ("audit log", "since", "--since"),
    ("audit log", "limit", "--limit"),
    ("audit log", "user", "--as"),
    ("subsidy check", "case_no", "CASE_NO"),
    ("subsidy check", "quarter", "--quarter"),
    ("subsidy rules set", "from", "--from"),
    ("subsidy scale show", "on", "--on"),
    ("subsidy scale set", "from", "--from"),
    ("subsidy scale set", "tier", "TIER=YUAN"),
    ("subsidy scale set", "amount", "TIER=YUAN"),
    ("subsidy draft", "quarter", "--quarter"),
    ("subsidy draft", "office", "--office"),
    ("subsidy town-check", "user", "--as"),
    ("subsidy approve", "tier", "--tier"),
    ("subsidy approve", "value.tier", "--tier"),
    ("subsidy approve", "trigger", None),
    ("subsidy pay", "value.batch", "--batch"),
    ("subsidy sheet", "out", "--out"),
    ("subsidy figures", "from", "--from"),
    ("subsidy figures", "to", "--to"),
    ("screening log", "office", "--office"),
    ("screening log", "date", "--date"),
    ("screening log", "kind", "--kind"),
    ("screening log", "found", "--found"),
    ("screening log", "prevented", "--prevented"),
    ("screening log", "campaign", "--campaign"),
    ("screening list", "from", "--from"),
    ("screening list", "to", "--to"),
    ("screening log", "measure", "--measure"),
    ("screening log", "committee", "--committee"),
    ("screening show", "id", "ID"),
    ("screening gaps", "from", "--from"),
    ("screening gaps", "to", "--to"),
    ("screening campaign add", "code", "CODE"),
    ("screening campaign add", "to", "--to"),
    ("screening campaign list", None, None),
    ("stats", "from", "--from"),
    ("stats", "to", "--to"),
    ("stats", "by", "--by"),
    ("stats", "as_of", "--as-of"),
    ("stats", "metric", "--metric"),
    ("stats", "out", "--xlsx"),
    ("stats", "csv", "--csv"),
    ("stats", "force", "--force"),
    ("stats", "period", "--period"),
    ("stats", "version", "--version"),
    ("stats publish", "period", "--period"),
    ("stats publish", "revise", "--revise"),
    ("stats publish", "by", "--by"),
    ("stats explain", "metric", "METRIC"),
    ("stats explain", "office", "--office"),
    ("report annual", "year", "--year"),
    ("report annual", "out", "--out"),
    ("report monthly", "month", "--month"),
    ("export cases", "out", "--out"),
    ("export cases", "columns", "--columns"),
    ("export cases", "reveal", "--reveal"),
    ("export cases", "force", "--force"),
    ("export cases", "from", "--from"),
    ("import", "kind", "KIND"),
    ("import", "file", "FILE"),
    ("import", "map", "--map"),
    ("import", "office", "--office"),
    ("import", "skip_bad", "--skip-bad"),
    ("import", "value.mediator", None),  # a column of the file, not an option
    ("committee add", "code", "CODE"),
    ("committee add", "type", "--type"),
    ("committee add", "subtype", "--subtype"),
    ("committee add", "office", "--office"),
    ("committee add", "from", "--from"),
    ("committee import", "file", "FILE.csv"),
    ("committee list", "on", "--on"),
    ("committee show", "code", "CODE"),
    ("mediator add", "username", "USER"),
    ("mediator add", "committee", "--committee"),
    ("mediator add", "from", "--from"),
    ("mediator list", "committee", "--committee"),
    ("mediator move", "committee", "--committee"),
    ("mediator move", "from", "--from"),
    ("report mediation-form", "from", "--from"),
    ("report mediation-form", "to", "--to"),
    ("report mediation-form", "format", "--format"),
    ("report mediation-form", "out", "--output"),
    ("subsidy cap set", "from", "--from"),
    ("subsidy cap set", "yuan", "--yuan"),
    ("subsidy cap set", "per", "--per"),
    ("subsidy reject", "reason", "--reason"),
    ("subsidy resubmit", "claim", "CLAIM"),
    ("subsidy sample", "share", "--share"),
    ("subsidy sample", "quarter", "--quarter"),
    ("subsidy send-back", "reason", "--reason"),
    ("subsidy send-back", "to_fix", "--to-fix"),
    ("subsidy spot-check", "result", "--result"),
    ("subsidy spot-check", "method", "--method"),
    ("subsidy tiers set", "rules", "RULES"),
    ("subsidy tiers set", "from", "--from"),
    ("subsidy tiers show", "on", "--on"),
    ("demo", "year", "--year"),
    ("demo", "until", "--until"),
    ("demo", "database", "--db"),
    ("case list", "CASEWORK_NOW", "CASEWORK_NOW"),
    ("case list", "no_such_field", None),
    ("case list", None, None),
    ("case list", "", None),
    ("case correct", "case_no", "CASE_NO"),
    ("case correct", "reason", "--reason"),
    ("case correct", "title", "--title"),
    ("case correct", "party", "--party"),
    ("case correct", "party.name", "--name"),
    ("case correct", "party.id_number", "--id-number"),
    ("case correct", "party.phone", "--phone"),
    ("case correct", "value.channel", "--set channel=..."),
    ("case correct", "at", "--at"),
    ("case correct", "ref", "--ref"),
    ("case correct", None, None),  # nothing given to correct: no one option to fix
    ("case print", "case_no", "CASE_NO"),
    ("case print", "doc_kind", "DOC_KIND"),
    ("case print", "template", "--template"),
    ("case print", "value.reason", "--set reason=..."),
    ("case print", "at", "--at"),
    ("case template", "kind", "KIND"),
    ("case template", "doc_kind", "DOC_KIND"),
]


@pytest.mark.parametrize("path,field,expected", HINTS, ids=[f"{p}:{f}" for p, f, _ in HINTS])
def test_a_field_is_said_as_the_commands_option(
    path: str, field: str | None, expected: str | None
) -> None:
    assert hint(path, field) == expected


def test_the_table_covers_every_command() -> None:
    assert set(every_command()) <= {p for p, _, _ in HINTS} | {
        "office list",
        "user list",
        "workflow list",
        "calendar show",
        "subsidy rules",
    }


def _documented_fields() -> set[str]:
    doc = casework.errors.__doc__ or ""
    names = set(re.findall(r"``([a-z_.A-Z]+)``", doc.split("Field names:", 1)[1]))
    return {n.replace("NAME", "days") for n in names}


def _raised_fields() -> set[str]:
    """The literal fields the library names in its errors (``field="at"``); the web's pages
    name their own forms' fields (``_form``, ``again``), which no command has."""
    found: set[str] = set()
    library = [p for p in sorted((ROOT / "casework").rglob("*.py")) if "web" not in p.parts]
    for path in [*library, *(ROOT / "workflows").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "field"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
            called = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(
                called, "id", getattr(called, "attr", "")
            ) in {
                "day",
                "parse_date",
                "parse_when",
                "clean_text",
                "optional_text",
                "at_least",
                "count",
            }:
                literal = [a.value for a in node.args[1:3] if isinstance(a, ast.Constant)]
                found.update(v for v in literal if isinstance(v, str) and v.isidentifier())
    return found


# Fields with no option anywhere: the web's search (its page and GET /api/v1/search: page, size,
# sort) and a document's number on the case page (seq), which no command takes.
NOT_TYPED: set[str] = {"page", "size", "sort", "seq"}


def test_every_field_the_library_names_has_an_option_somewhere() -> None:
    fields = (_documented_fields() | _raised_fields()) - NOT_TYPED
    assert {"at", "value.days", "party.id_number", "as_of", "reveal", "on"} <= fields
    # issue 12: settings, office parents, links between cases
    assert {"key", "value", "parent", "other", "relation", "from"} <= fields
    params = {path: command_at(path).params for path in every_command()}
    missing = sorted(f for f in fields if not any(option_for(f, p, ps) for p, ps in params.items()))
    assert missing == []


def test_a_hint_is_added_once() -> None:
    assert with_hint("时间 ... (is in the future)", "--at") == "时间 ... (is in the future) (--at)"
    assert with_hint("用 --at 给出时间", "--at") == "用 --at 给出时间"
    assert with_hint("no option", None) == "no option"
    assert with_hint("--at-most 3", "--at") == "--at-most 3 (--at)"
    assert flags_named_twice(with_hint("--set 'x' 应写作 名称=值", "--set")) == []


@pytest.mark.parametrize(
    "english,chinese",
    [
        ("Missing option '--office'.", "缺少选项"),
        ("Missing argument 'KIND'.", "缺少参数"),
        ("No such option: --bogus", "没有此选项"),
        ("No such command 'frob'.", "没有此命令"),
        ("Option '--limit' requires an argument.", "选项缺少取值"),
        ("Got unexpected extra argument (x)", "多余的参数"),
        ("Something else", "用法有误"),
    ],
)
def test_typers_usage_errors_are_said_chinese_first(english: str, chinese: str) -> None:
    assert usage_line(typer.TyperException(english)) == f"{chinese} {english}"


def test_our_usage_errors_end_with_their_option() -> None:
    ours = typer.BadParameter("值 'x' 应写作 名称=值 (must be KEY=VALUE)", param_hint="--set")
    assert usage_line(ours) == "值 'x' 应写作 名称=值 (must be KEY=VALUE) (--set)"
    theirs = typer.BadParameter("Input should be a valid integer", param_hint="'--limit'")
    assert usage_line(theirs).startswith("取值应为整数 Invalid value for '--limit'")


def test_a_refusal_names_the_rule_that_refused() -> None:
    from casework.errors import GuardFailed, InvalidData

    named = GuardFailed("「只可延期一次 extend_once」：已延期", rule="extend_once")
    assert reason_of(named) == named.reason
    unnamed = GuardFailed("卷宗中尚无「信访件 letter」", rule="case_file")
    assert reason_of(unnamed) == "卷宗中尚无「信访件 letter」 (规则 rule: case_file)"
    # a rule's name inside a longer word is not the rule named
    longer = GuardFailed("case_file_complete 不满足", rule="case_file")
    assert reason_of(longer).endswith("(规则 rule: case_file)")
    assert reason_of(InvalidData("x", field="at")) == "x"
