"""Every command fed random and hostile values: exit 1 or 2, one line on stderr, no traceback,
and a database whose content is unchanged."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from casework.api import Casework
from casework.domain.identity import check_id_number
from casework.errors import CaseworkError
from casework.services.admin import shipped_offices
from casework.storage.db import open_engine
from casework.time.local import parse_when
from tests import petitions as P
from tests.helpers import STAFF, Cli, FrozenClock, add_staff, dump
from workflows import default_registry

SQL = [
    "'; DROP TABLE cases; --",
    "1 OR 1=1",
    '" OR ""="',
    "Robert'); DELETE FROM events;--",
    "%",
    "_",
    "NULL",
    "\\",
    "$(rm -rf /)",
    "{{7*7}}",
]
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)

hostile = st.one_of(
    st.text(max_size=60),
    st.sampled_from(SQL),
    st.text(alphabet=CJK, min_size=2000, max_size=5000),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "\t",
            "\x00",
            "\x1b[31m",
            "\u202e",
            "-1",
            "0",
            "NaN",
            "inf",
            "2020-02-30",
            "0000-00-00",
            "9999-99-99T99:99",
            "2020-13-01",
            "20200101",
            "２０２０-01-01",
            "--version",
            "-",
            "=",
            "a=b=c",
        ]
    ),
).filter(lambda v: v not in ("--help", "-h"))  # asking for help is not bad input


@cache
def _world() -> tuple[str, dict[str, str]]:
    """One database with a few cases in known states, built once for all examples."""
    path = os.path.join(tempfile.mkdtemp(prefix="cw-hostile-"), "casework.db")
    clock = FrozenClock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC))
    cw = Casework.initialise(path, offices="gaozhou", clock=clock)
    add_staff(cw)
    clerk = cw.acting("clerk_pz")
    registered = clerk.register("petition", "panzhou", "登记", at="2020-11-01")["case_no"]
    handling = clerk.register("petition", "panzhou", "办理", at="2020-11-01")["case_no"]
    P.accept(cw, handling, "2020-11-02")  # its letter and notice on file (petition.md 1.3)
    for kind in ("letter", "acceptance_notice"):  # so that only the hostile value is at fault
        P.doc(cw, P.TOWN_CLERK, registered, kind, "2020-11-02")
    cw.close()
    return path, {"registered": registered, "handling": handling}


@cache
def _as_built() -> tuple[Engine, dict[str, list[tuple[Any, ...]]]]:
    """The world's database and its content as built, read once: every example must leave it
    so (reading it before each example as well was half the test's time)."""
    engine = open_engine(_world()[0])
    return engine, dump(engine)


def _not(valid: Callable[[str], bool]) -> st.SearchStrategy[str]:
    return hostile.filter(lambda v: not valid(v))


def _parses(value: str) -> bool:
    try:
        parse_when(value)
    except CaseworkError:
        return False
    return True


def _valid_id(value: str) -> bool:
    if not value.strip() or ":" in value:
        return True  # empty means "no ID number"; a colon shifts the fields
    try:
        check_id_number(value)
    except CaseworkError:
        return False
    return True


KINDS = set(default_registry().names())
OFFICES = {o["code"] for o in shipped_offices("gaozhou")}
USERS = {u for u, *_ in STAFF} | {"admin"}
PETITION = default_registry().get("petition")
assert PETITION is not None
TRIGGERS = {t.name for t in PETITION.triggers}
DOC_KINDS = set(PETITION.documents)
ROLES = {"clerk", "mediator", "supervisor", "leader", "admin", "viewer"}
bad_title = st.one_of(
    st.sampled_from(["", "   ", "\t\n"]),
    st.tuples(st.text(max_size=20), st.sampled_from(["\x00", "\x07", "\x1b", "\x7f"])).map("".join),
    st.text(alphabet=CJK, min_size=501, max_size=800),
)

# (user, argv template) with one slot "{x}" to fill with a value that is always invalid there
COMMANDS: list[tuple[str | None, list[str], st.SearchStrategy[str]]] = [
    ("sup_pz", ["case", "advance", "{x}", "accept"], _not(lambda v: v.startswith("XF-2020"))),
    ("sup_pz", ["case", "advance", "{registered}", "{x}"], _not(TRIGGERS.__contains__)),
    (
        "sup_pz",
        ["case", "advance", "{handling}", "reply", "--set", "outcome={x}"],
        _not(lambda v: v.strip() in {"support", "explain", "not_support"}),
    ),
    (
        "sup_pz",
        ["case", "advance", "{handling}", "extend", "--set", "days={x}", "--set", "reason=r"],
        _not(lambda v: v.strip().isdigit() and 1 <= int(v) <= 30),
    ),
    ("sup_pz", ["case", "advance", "{registered}", "accept", "--at", "{x}"], _not(_parses)),
    ("sup_pz", ["case", "advance", "{registered}", "accept", "--set", "{x}"], hostile),
    (
        "clerk_pz",
        ["case", "register", "petition", "--office", "{x}", "--title", "t"],
        _not(OFFICES.__contains__),
    ),
    (
        "clerk_pz",
        [
            "case",
            "register",
            "petition",
            "--office",
            "panzhou",
            "--title",
            "t",
            "--party",
            "petitioner:张三:{x}",
        ],
        _not(_valid_id),
    ),
    (
        "clerk_pz",
        ["case", "register", "petition", "--office", "panzhou", "--title", "t", "--party", "{x}"],
        hostile.filter(lambda v: ":" not in v),
    ),
    (
        "clerk_pz",
        ["case", "register", "{x}", "--office", "panzhou", "--title", "t"],
        _not(KINDS.__contains__),
    ),
    (
        "clerk_pz",
        ["case", "register", "petition", "--office", "panzhou", "--title", "{x}"],
        bad_title,
    ),
    (
        "clerk_pz",
        ["case", "register", "petition", "--office", "panzhou", "--title", "t", "--at", "{x}"],
        _not(_parses),
    ),
    ("clerk_pz", ["case", "doc", "{registered}", "{x}"], _not(DOC_KINDS.__contains__)),
    ("clerk_pz", ["case", "show", "{x}"], _not(lambda v: v.startswith("XF-2020"))),
    (None, ["case", "list", "--kind", "{x}"], _not(KINDS.__contains__)),
    (
        None,
        ["case", "list", "--kind", "petition", "--state", "{x}"],
        _not(lambda v: v in PETITION.state_names),
    ),
    (None, ["case", "list", "--office", "{x}"], _not(OFFICES.__contains__)),
    (
        None,
        ["case", "list", "--limit", "{x}"],
        _not(lambda v: bool(re.fullmatch(r"\s*\+?\d+\s*", v)) and int(v) > 0),
    ),
    ("{x}", ["case", "advance", "{registered}", "accept"], _not(lambda v: v in USERS or not v)),
    (
        "admin",
        ["user", "add", "newbie", "--name", "新人", "--role", "{x}", "--office", "panzhou"],
        _not(ROLES.__contains__),
    ),
    (
        "admin",
        ["office", "add", "{x}", "--name", "新镇", "--level", "town"],
        _not(lambda v: bool(re.fullmatch(r"[a-z][a-z0-9-]{1,39}", v)) and v not in OFFICES),
    ),
    (
        "admin",
        ["office", "add", "newtown", "--name", "新镇", "--level", "{x}"],
        _not(lambda v: v in {"town", "city"}),
    ),
    (None, ["workflow", "show", "{x}"], _not(KINDS.__contains__)),
    (None, ["due", "--as-of", "{x}"], _not(_parses)),
    (None, ["due", "--office", "{x}"], _not(OFFICES.__contains__)),
    (None, ["case", "show", "{registered}", "--as-of", "{x}"], _not(_parses)),
    ("admin", ["calendar", "add", "{x}"], hostile.filter(lambda v: not os.path.isfile(v))),
    (None, ["subsidy", "check", "{x}"], _not(lambda v: v.startswith("TJ-2020"))),
    (
        "clerk_pz",
        ["subsidy", "draft", "--quarter", "{x}"],
        _not(lambda v: bool(re.fullmatch(r"\s*\d{4}-?[Qq][1-4]\s*", v))),
    ),
    (
        "admin",
        ["subsidy", "scale", "set", "--from", "2021-01-01", "ordinary={x}"],
        _not(lambda v: v.strip().isascii() and v.strip().isdigit() and int(v) <= 1_000_000),
    ),
    (
        "clerk_pz",
        [
            "screening",
            "log",
            "--office",
            "panzhou",
            "--date",
            "2020-11-01",
            "--kind",
            "routine",
            "--found",
            "{x}",
            "--prevented",
            "0",
        ],
        _not(lambda v: v.strip().isdigit() and int(v) <= 100_000),
    ),
    (
        "clerk_pz",
        [
            "screening",
            "log",
            "--office",
            "panzhou",
            "--date",
            "{x}",
            "--kind",
            "routine",
            "--found",
            "1",
            "--prevented",
            "0",
        ],
        _not(_parses),
    ),
    (None, ["stats", "--by", "{x}"], _not(lambda v: v in {"office", "month", "quarter", "kind"})),
    (None, ["stats", "--from", "{x}"], _not(_parses)),
    (None, ["stats", "explain", "{x}"], hostile),
    (
        None,
        ["report", "monthly", "--month", "{x}"],
        _not(
            lambda v: (
                bool(re.fullmatch(r"\d{4}-\d{1,2}", v.strip()))
                and 1 <= int(v.strip().split("-")[1]) <= 12
            )
        ),
    ),
    (None, ["init", "--offices", "{x}"], _not(lambda v: v == "gaozhou")),
]


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data(), which=st.integers(min_value=0, max_value=len(COMMANDS) - 1))
def test_hostile_values_are_refused_cleanly(data: st.DataObject, which: int) -> None:
    path, cases = _world()
    user, template, values = COMMANDS[which]
    value = data.draw(values, label=" ".join(template))
    argv = [
        a.replace("{x}", value) if "{x}" in a else cases.get(a.strip("{}"), a) for a in template
    ]
    acting = value if user == "{x}" else user
    cli = Cli(path, FrozenClock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC)))
    engine, before = _as_built()
    result = cli(*argv, user=acting)
    assert result.exit_code in (1, 2), (argv, result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), (argv, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert dump(engine) == before
