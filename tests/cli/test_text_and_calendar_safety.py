"""Issue 17 point 5: text that cannot hurt a terminal, deadlines in years without a calendar,
registration dates a procedure does not support, and reads that never create a database."""

from __future__ import annotations

import json

import pytest

from casework.api import Casework
from casework.domain.text import clean_text
from casework.errors import InvalidData
from tests import petitions as P
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, dump
from workflows.spec import FieldSpec

HOSTILE = ["案件\x9b2J标题", "王\u202e某", "甲\u2066乙\u2069", "下\x85一行"]


@pytest.mark.parametrize("title", HOSTILE)
def test_c1_controls_and_bidi_overrides_are_refused_in_text(title: str) -> None:
    with pytest.raises(InvalidData, match="双向覆盖字符"):
        clean_text(title, "title")


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
