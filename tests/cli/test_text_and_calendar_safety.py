"""Issue 17 point 5: text that cannot hurt a terminal, deadlines in years without a calendar,
registration dates a procedure does not support, and reads that never create a database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casework.api import Casework
from casework.domain.text import clean_text
from casework.errors import InvalidData
from tests import petitions as P
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, dump
from workflows.chars import UNSAFE_CHARS
from workflows.spec import FieldSpec

HOSTILE = ["案件\x9b2J标题", "王\u202e某", "甲\u2066乙\u2069", "下\x85一行"]


@pytest.mark.parametrize("title", HOSTILE)
def test_c1_controls_and_bidi_overrides_are_refused_in_text(title: str) -> None:
    with pytest.raises(InvalidData, match="双向覆盖字符"):
        clean_text(title, "title")


def test_every_character_refused_is_unprintable() -> None:
    # clean_text and the field checks search only text that is not printable.
    found = [c for c in range(0x110000) if UNSAFE_CHARS.search(chr(c)) and chr(c).isprintable()]
    assert found == []
    assert all(not title.isprintable() for title in HOSTILE)


@pytest.mark.parametrize("title", HOSTILE)
def test_register_refuses_hostile_titles_and_writes_nothing(
    cw: Casework, cli: Cli, title: str
) -> None:
    before = dump(cw.engine)
    result = cli("case", "register", "petition", "--office", "panzhou", "--title", title)
    line = error_line(result)
    assert "控制字符" in line and "\x9b" not in line and "\u202e" not in line
    assert dump(cw.engine) == before


def test_a_data_field_refuses_a_bidi_override() -> None:
    field = FieldSpec("matter", "事项")
    with pytest.raises(InvalidData, match="双向覆盖字符"):
        field.coerce("婚姻\u202e家庭")


def test_a_deadline_in_a_year_without_calendar_is_unknown_not_a_failure(
    cw: Casework, cli: Cli, clock: FrozenClock
) -> None:
    """A petition registered late in 2026 has its 15 days run into 2027, a year the holiday
    calendar does not know yet: judged in 2027 its deadline is unknown for that case alone,
    and every listing of deadlines still answers for the others (it failed for everyone)."""
    clock.set("2027-01-05T10:00")
    unknown = P.register(cw, "2026-12-17")
    late = P.register(cw, "2026-11-02")
    listed = json.loads(cli("due", "--json", user="sup_pz").stdout)
    status = {r["case_no"]: r["status"] for r in listed}
    assert status == {unknown: "calendar_missing", late: "overdue"}
    overdue = cli("case", "list", "--overdue", "--json", user="sup_pz")
    assert overdue.exit_code == 0, overdue.stderr
    assert [r["case_no"] for r in json.loads(overdue.stdout)] == [late]
    assert cli("due", user="sup_pz").exit_code == 0


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["mediation", "--office", "panzhou", "--at", "1995-03-01"], "2011-01-01"),
        (["mediation", "--office", "panzhou", "--at", "2010-12-31"], "2011-01-01"),
        (["petition", "--office", "panzhou", "--at", "2004-06-01"], "2005-05-01"),
    ],
)
def test_registration_before_the_procedures_first_day_is_refused(
    cw: Casework, cli: Cli, args: list[str], first: str
) -> None:
    """A mediation of 1995 was registered and then broke every supervisor's `due`: a date
    before the procedure's law (人民调解法 took effect 2011-01-01) is refused in one line."""
    before = dump(cw.engine)
    result = cli("case", "register", *args, "--title", "旧案", user="clerk_pz")
    line = error_line(result, hint="--at")
    assert first in line and "最早" in line
    assert dump(cw.engine) == before


def test_registration_on_the_first_day_is_taken(cw: Casework, cli: Cli) -> None:
    result = cli(
        "case", "register", "mediation", "--office", "panzhou", "--at", "2011-01-01",
        "--title", "首日", "--party", "applicant:张三", "--json", user="clerk_pz",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_every_shipped_procedure_declares_its_first_day() -> None:
    from workflows import default_registry

    firsts = {wf.name: wf.first_day for wf in default_registry()}
    assert all(day is not None for day in firsts.values()), firsts


def test_init_on_a_newer_schema_names_the_version_it_found(cw: Casework, cli: Cli) -> None:
    """A database a newer casework migrated (revision 0099) gave an internal error on `init`."""
    from sqlalchemy import text

    with cw.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    before = dump(cw.engine)
    for args in (["init"], ["case", "list"]):
        line = error_line(cli(*args))
        assert "0099" in line and "newer casework" in line, line
    assert dump(cw.engine) == before


@pytest.mark.parametrize("content", [b"", b"hello, not a database\n"])
def test_a_read_never_turns_a_file_into_a_database(tmp_path: Path, content: bytes) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    path = tmp_path / "mistyped.db"
    path.write_bytes(content)
    env = {"CASEWORK_DB": str(path), "CASEWORK_NOW": "2020-12-01T10:00:00"}
    for args in (["case", "list"], ["stats"], ["audit", "verify"]):
        result = CliRunner().invoke(app, ["--as", "admin", *args], env=env)
        assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.stderr
        assert "空文件" in result.stderr or "not a database" in result.stderr
        assert "internal error" not in result.stderr
    if content:  # init may make an empty file its database, never someone's other file
        refused = CliRunner().invoke(app, ["init"], env=env)
        assert refused.exit_code == 1 and "SQLite" in refused.stderr, refused.stderr
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mistyped.db"]
