"""Every command's date, number and ID options fed full-width, out-of-range and malformed values
(issue 17 point 4, acceptance): exit 1 or 2 with one line on stderr, never an internal error,
nothing written.

The options are found by walking the CLI's command tree (``typer.main.get_command``), so a
command added later with a date, a year, a quarter, a month, a count or an ID option is fed too;
a command without arguments given below fails the test, rather than being passed over. Each
value is one no command may take: out of casework's range (casework.typed), malformed, or
either typed in full-width characters (which casework reads as their ASCII forms, so that a
full-width value is refused for what it says, not for how it was typed).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, union_all
from sqlalchemy.engine import Engine

from casework.api import Casework
from casework.storage.tables import metadata
from tests import mediations as M
from tests import petitions as P
from tests.databases import Templates, shared_database
from tests.helpers import VALID_ID, Cli, FrozenClock, dump_digest


def full_width(text: str) -> str:
    """``text`` as a Chinese input method's full-width mode types it (U+3000 for a space)."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


# Values no option of their kind takes.
BAD_DATES = (
    "0001-01-01",
    "9999-12-31",
    "1989-12-31",
    "2100-01-01",
    "2020-13-01",
    "2020-02-30",
    "0000-00-00",
    "20201301",
    "2O20-01-01",
    "yesterday",
)
BAD_TIMES = (*BAD_DATES, "0001-01-01T00:00", "9999-12-31T23:59:59", "2020-11-01T25:00")
BAD_YEARS = ("0", "-1", "1989", "2100", "99999", "99999999999999999999", "20x0", "2020.5")
BAD_QUARTERS = ("2020Q5", "2020Q0", "0000Q1", "1989Q4", "2100Q1", "2020Q", "Q3", "2020-3")
BAD_MONTHS = ("2020-13", "2020-00", "0000-01", "2100-01", "1989-12", "2020", "2020-1-1", "11月")
BAD_COUNTS = ("-1", "99999999999999999999", "1000001", "1.5", "1e3", "0x10", "abc", "- 3")
BAD_YUAN = ("-1", "10000001", "99999999999999999999", "1.5", "abc")  # a cap: 0..10,000,000
BAD_SEEDS = ("1.5", "abc", "0x10", "1e3", "seven")  # every whole number is a seed
BAD_IDS = (
    "110101199003074515",
    "11010119900307451",
    "110101199013074514",
    "12345",
    "11010119900307451Y",
    "１１０１０１１９９００３０７４５１",
)
BAD_PHONES = (
    "12345",
    "0668-123",
    "+1 650 253 0000",
    "1381234567",
    "400-123-4567",
    "phone",
    "13812345678 ext 1",
)

DATE_OPTIONS = {"--as-of", "--from", "--to", "--on", "--since", "--until", "--date", "--closed-by"}
COUNT_OPTIONS = {
    "--limit",
    "--within",
    "--days",
    "--share",
    "--yuan",
    "--found",
    "--prevented",
    "--port",
    "--workers",
}
KINDS: dict[str, Sequence[str]] = {
    **dict.fromkeys(DATE_OPTIONS, BAD_DATES),
    **dict.fromkeys(COUNT_OPTIONS, BAD_COUNTS),
    "--at": BAD_TIMES,
    "--year": BAD_YEARS,
    "--quarter": BAD_QUARTERS,
    "--month": BAD_MONTHS,
    "--seed": BAD_SEEDS,
    "--yuan": BAD_YUAN,
    "--id-number": BAD_IDS,
    "--phone": BAD_PHONES,
}
# Options of these names that are not dates or numbers in one command (case correct's --party
# is a party's position: a count).
OWN_KINDS: dict[tuple[str, str], Sequence[str]] = {
    ("case correct", "--party"): BAD_COUNTS,
    ("stats", "--version"): BAD_COUNTS,  # the version of the figures published
}


@dataclass(frozen=True)
class Fed:
    """One command and one option of it, with the values fed to it."""

    command: str
    flag: str
    values: Sequence[str]


def _commands(
    cmd: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    if path:
        yield " ".join(path), cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _annotation(param: click.Parameter) -> object:
    """The Python type a parameter was declared with (Typer keeps it on the parameter)."""
    described = getattr(param, "type_descriptor", None)
    return getattr(described, "annotation", None)


def fed_options() -> list[Fed]:
    """The date, number and ID options of every command of the CLI, from its command tree."""
    from cli.main import app

    found = []
    for command, cmd in _commands(typer.main.get_command(app)):
        for param in cmd.params:
            for flag in (o for o in param.opts if o.startswith("--")):
                values = OWN_KINDS.get((command, flag)) or KINDS.get(flag)
                if values is not None:
                    found.append(Fed(command, flag, values))
    return found


# Each command as run with a value only the fed option gets wrong: the acting user and the
# arguments and options it needs ({case}: a petition being handled; {mediation}: a mediation
# being mediated). The fed option comes last, after any default of it given here.
ARGS: dict[str, tuple[str, list[str]]] = {
    "due": ("sup_pz", []),
    "sweep": ("admin", []),
    "demo": ("admin", ["--year", "2020"]),
    "login-log": ("admin", []),
    "reveal-log": ("admin", []),
    "user token": ("clerk_pz", ["robot"]),
    "committee add": (
        "admin",
        ["pz-new", "--name", "新调委会", "--type", "town", "--office", "panzhou"],
    ),
    "committee list": ("admin", []),
    "committee show": ("admin", ["panzhou-tj"]),
    "mediator add": ("admin", ["med_new", "--name", "新调解员", "--committee", "panzhou-tj"]),
    "mediator move": ("admin", ["med_pz", "--committee", "shanmei-tj"]),
    "mediator list": ("admin", []),
    "case register": ("clerk_pz", ["petition", "--office", "panzhou", "--title", "t"]),
    "case advance": ("sup_pz", ["{case}", "reply", "--set", "outcome=support"]),
    "case doc": ("clerk_pz", ["{case}", "reply_letter"]),
    "case print": ("clerk_pz", ["{case}", "acceptance_notice", "--out", "{tmp}/notice.docx"]),
    "case link": ("clerk_pz", ["{case}", "{other}", "--relation", "related"]),
    "case correct": ("sup_pz", ["{case}", "--reason", "录错", "--party", "1"]),
    "case show": ("sup_pz", ["{case}"]),
    "case list": ("sup_pz", []),
    "config show": ("admin", []),
    "config set": ("admin", ["petition.collective_min", "5"]),
    "audit log": ("admin", []),
    "subsidy check": ("clerk_pz", ["{mediation}"]),
    "subsidy draft": ("clerk_pz", []),
    "subsidy town-check": ("sup_pz", []),
    "subsidy approve": ("sup_justice", []),
    "subsidy sample": ("sup_justice", ["--quarter", "2020Q3"]),
    "subsidy pay": ("sup_justice", ["--batch", "第三季度"]),
    "subsidy sheet": ("sup_justice", []),
    "subsidy figures": ("sup_justice", ["--from", "2020-01-01", "--to", "2020-11-30"]),
    "subsidy scale show": ("admin", []),
    "subsidy scale set": ("admin", ["ordinary=200"]),
    "subsidy rules set": ("admin", ["min_days=0"]),
    "subsidy tiers show": ("admin", []),
    "subsidy tiers set": ("admin", ["ordinary=default"]),
    "subsidy cap set": ("admin", ["--from", "2021-01-01"]),
    "screening log": (
        "clerk_pz",
        [
            "--office",
            "panzhou",
            "--date",
            "2020-11-01",
            "--kind",
            "routine",
            "--found",
            "1",
            "--prevented",
            "0",
        ],
    ),
    "screening list": ("sup_pz", []),
    "screening gaps": ("sup_pz", ["--from", "2020-01-01", "--to", "2020-11-30"]),
    "screening campaign add": (
        "admin",
        ["c1", "--name", "专项", "--from", "2020-01-01", "--to", "2020-02-01"],
    ),
    "stats": ("sup_pz", []),
    "stats explain": ("sup_pz", ["petition.accepted"]),
    "report annual": ("sup_pz", []),
    "report monthly": ("sup_pz", ["--month", "2020-11"]),
    "report mediation-form": ("sup_pz", ["--from", "2020-01-01", "--to", "2020-11-30"]),
    "export cases": ("sup_pz", ["--out", "{tmp}/cases.csv"]),
    "serve": ("admin", []),
}
# Values of a form's fields, fed through --set: (command, argv, KEY=) with the values of a
# number or a date (the petition's people 1..100000; a mediation's received_on, a petition's
# extension days 1..30).
SETS: list[tuple[str, list[str], str, Sequence[str]]] = [
    (
        "clerk_pz",
        ["case", "register", "petition", "--office", "panzhou", "--title", "t"],
        "people",
        ("0", "100001", *BAD_COUNTS),
    ),
    (
        "clerk_pz",
        [
            "case",
            "register",
            "mediation",
            "--office",
            "panzhou",
            "--title",
            "t",
            "--party",
            M.SIDES[0],
            "--party",
            M.SIDES[1],
        ],
        "received_on",
        BAD_DATES,
    ),
    (
        "sup_pz",
        [
            "case",
            "advance",
            "{case}",
            "extend",
            "--set",
            "reason=复杂",
            "--set",
            "notice_method=post",
        ],
        "days",
        ("0", "31", *BAD_COUNTS),
    ),
]
# A party's ID number or phone, as typed or in full-width characters.
PARTIES = [f"petitioner:张三:{bad}" for bad in (*BAD_IDS, *map(full_width, BAD_IDS))] + [
    f"petitioner:张三:{VALID_ID}:{bad}" for bad in (*BAD_PHONES, *map(full_width, BAD_PHONES))
]


@dataclass(frozen=True)
class World:
    cli: Cli
    engine: Engine
    digest: str
    cases: dict[str, str]
    out: Path


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    templates: Templates,
) -> Iterator[World]:
    """One staffed database with a petition being handled and a mediation being mediated, for
    every example of a backend (``request.param``); its digest as built is what every case
    must leave."""
    with shared_database(request.param, tmp_path_factory, templates) as (url, clock):
        cw = Casework(url, clock=clock)
        case = P.register(cw, "2020-11-02")
        P.accept(cw, case, "2020-11-03")
        other = P.register(cw, "2020-11-04")
        mediation = M.accepted(cw, "2020-11-05")
        out = tmp_path_factory.mktemp("typed")
        cases = {"case": case, "other": other, "mediation": mediation, "tmp": str(out)}
        yield World(Cli(url, FrozenClock(clock.now)), cw.engine, dump_digest(cw.engine), cases, out)
        cw.close()


def counts(engine: Engine) -> tuple[int, ...]:
    """Every table's row count, in one query: a cheap check after each example that nothing
    was added or removed (the full digest, which sees a change in place too, is taken once
    per option, by :func:`unchanged`)."""
    query = union_all(*(select(func.count()).select_from(t) for t in metadata.sorted_tables))
    with engine.connect() as conn:
        return tuple(conn.execute(query).scalars())


@pytest.fixture
def unchanged(world: World) -> Iterator[World]:
    """The world, checked after the test (every example of one option) by its full digest."""
    before = counts(world.engine)
    yield world
    assert counts(world.engine) == before
    assert dump_digest(world.engine) == world.digest


def refused(world: World, user: str, argv: Sequence[str], before: tuple[int, ...]) -> None:
    """The run is refused in one line, as a refusal or a usage error, writing nothing: no row
    (``before`` is the tables' row counts) and no file."""
    args = [a.format(**world.cases) for a in argv]
    result = world.cli(*args, user=user)
    shown = f"casework --as {user} {' '.join(args)}"
    assert result.exit_code in (1, 2), (shown, result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), (shown, result.stderr)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, shown
    assert counts(world.engine) == before, shown
    assert not any(world.out.iterdir()), shown


def variants(values: Sequence[str]) -> st.SearchStrategy[str]:
    """A bad value as typed, in full-width characters, or between ideographic spaces."""
    return st.sampled_from(values).flatmap(
        lambda v: st.sampled_from([v, full_width(v), f"\u3000{v}\u3000"])
    )


FED = fed_options()
# The whole sweep runs on SQLite; these options, one of each kind, on PostgreSQL too (its
# dates and integers are its own types: a value that reached it out of range would fail there).
ON_POSTGRESQL = {
    ("case register", "--at"),
    ("case list", "--as-of"),
    ("stats", "--from"),
    ("login-log", "--since"),
    ("report annual", "--year"),
    ("subsidy draft", "--quarter"),
    ("report monthly", "--month"),
    ("case list", "--limit"),
    ("case correct", "--id-number"),
}
RUNS = [pytest.param("sqlite", f, id=f"sqlite-{f.command} {f.flag}") for f in FED] + [
    pytest.param("postgresql", f, id=f"postgresql-{f.command} {f.flag}")
    for f in FED
    if (f.command, f.flag) in ON_POSTGRESQL
]
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")]
# Two examples an option (derandomized: the same two every run, the first the list's first
# value as typed), as each is a whole run of the command.
FEW = settings(
    max_examples=2,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def test_the_tree_has_the_options_it_is_fed() -> None:
    """The walk finds the options the issue names, every command it finds is run here, and
    every whole-number option of the tree is one it feeds."""
    from cli.main import app

    found = {(f.command, f.flag) for f in FED}
    assert {
        ("case register", "--at"),
        ("case show", "--as-of"),
        ("report annual", "--year"),
        ("subsidy draft", "--quarter"),
        ("report monthly", "--month"),
        ("case list", "--limit"),
        ("case correct", "--id-number"),
    } <= found
    assert found >= ON_POSTGRESQL
    missing = {f.command for f in FED} - set(ARGS)
    assert not missing, f"give these commands' arguments in ARGS: {sorted(missing)}"
    numbers = {
        (command, flag)
        for command, cmd in _commands(typer.main.get_command(app))
        for param in cmd.params
        if _annotation(param) in (int, float, int | None, float | None)
        for flag in param.opts
        if flag.startswith("--")
    }
    assert numbers <= found, f"feed these numbers (KINDS): {sorted(numbers - found)}"


@pytest.mark.parametrize(("world", "fed"), RUNS, indirect=["world"])
@FEW
@given(data=st.data())
def test_a_bad_value_is_refused_in_one_line(
    unchanged: World, fed: Fed, data: st.DataObject
) -> None:
    user, args = ARGS[fed.command]
    value = data.draw(variants(fed.values), label=fed.flag)
    before = counts(unchanged.engine)
    refused(unchanged, user, [*fed.command.split(), *args, fed.flag, value], before)


@pytest.mark.parametrize("world", BACKENDS, indirect=True)
@pytest.mark.parametrize(("user", "argv", "key", "values"), SETS, ids=lambda v: str(v)[:30])
@FEW
@given(data=st.data())
def test_a_bad_form_value_is_refused_in_one_line(
    unchanged: World,
    user: str,
    argv: list[str],
    key: str,
    values: Sequence[str],
    data: st.DataObject,
) -> None:
    value = data.draw(variants(values), label=key)
    before = counts(unchanged.engine)
    refused(unchanged, user, [*argv, "--set", f"{key}={value}"], before)


@pytest.mark.parametrize("world", BACKENDS, indirect=True)
@settings(FEW, max_examples=6)
@given(party=st.sampled_from(PARTIES))
def test_a_bad_party_is_refused_in_one_line(unchanged: World, party: str) -> None:
    user, args = ARGS["case register"]
    before = counts(unchanged.engine)
    refused(unchanged, user, ["case", "register", *args, "--party", party], before)
