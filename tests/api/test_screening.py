"""The dispute screening ledger (矛盾纠纷排查台账): logging, refusals, zero reports, listing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from casework.api import Casework
from tests.helpers import Cli, FrozenClock, dump

FIELDS = {"id", "office", "date", "kind", "found", "prevented"}


def entry(**given: str) -> list[str]:
    """The arguments of a valid routine screening of panzhou, with some replaced."""
    values = {"office": "panzhou", "date": "2020-11-02", "kind": "routine", "found": "1"}
    values = {**values, "prevented": "0", **given}
    return [f"--{key}={value}" for key, value in values.items()]


def log(cli: Cli, user: str, *args: str) -> Any:
    return cli("screening", "log", *args, "--json", user=user)


def listed(cli: Cli, *args: str, user: str | None = None) -> list[dict[str, Any]]:
    result = cli("screening", "list", *args, "--json", user=user)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_log_prints_the_entry(cw: Casework, cli: Cli) -> None:
    args = entry(kind="special", campaign="疫情防控专项排查", found="3", prevented="2")
    result = log(cli, "clerk_pz", *args)
    assert result.exit_code == 0, result.stderr
    logged = json.loads(result.stdout)
    assert set(logged) >= FIELDS
    assert {k: logged[k] for k in FIELDS - {"id"}} == {
        "office": "panzhou",
        "date": "2020-11-02",
        "kind": "special",
        "found": 3,
        "prevented": 2,
    }
    assert logged["campaign"] == "疫情防控专项排查" and logged["recorded_by"] == "clerk_pz"
    assert [r["id"] for r in cw.screenings()] == [logged["id"]]


def test_a_zero_report_is_accepted(cw: Casework, cli: Cli) -> None:
    result = log(cli, "clerk_sm", *entry(office="shanmei", date="2020-11-30", found="0"))
    assert result.exit_code == 0, result.stderr
    logged = json.loads(result.stdout)
    assert (logged["found"], logged["prevented"], logged["kind"]) == (0, 0, "routine")
    assert [(r["id"], r["found"]) for r in listed(cli)] == [(logged["id"], 0)]
    assert cw.stats("2020-11-01", "2020-11-30")["metrics"]["screening.sessions"] == 1


# (name, user, arguments, a word the error line must contain)
REFUSALS = [
    ("negative_found", "clerk_pz", entry(found="-1"), "--found"),
    ("negative_prevented", "clerk_pz", entry(prevented="-2"), "--prevented"),
    ("found_not_a_number", "clerk_pz", entry(found="three"), "--found"),
    ("prevented_fraction", "clerk_pz", entry(prevented="1.5"), "--prevented"),
    ("future_date", "clerk_pz", entry(date="2020-12-02"), "future"),
    ("bad_date", "clerk_pz", entry(date="2020-13-01"), "--date"),
    ("special_without_campaign", "clerk_pz", entry(kind="special"), "--campaign"),
    ("unknown_kind", "clerk_pz", entry(kind="weekly"), "weekly"),
    ("unknown_office", "sup_city", entry(office="atlantis"), "atlantis"),
    ("other_town", "clerk_pz", entry(office="shanmei"), "shanmei"),
    ("viewer", "viewer1", entry(), "viewer"),
]


@pytest.mark.parametrize(("name", "user", "args", "word"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_leave_the_database_unchanged(
    cw: Casework, cli: Cli, name: str, user: str, args: list[str], word: str
) -> None:
    cw.acting("clerk_pz").log_screening("panzhou", "2020-10-01", "routine", 1, 1)
    before = dump(cw.engine)
    result = log(cli, user, *args)
    assert result.exit_code == 1, (name, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert word in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert dump(cw.engine) == before


def test_today_is_the_local_date(cw: Casework, cli: Cli, clock: FrozenClock) -> None:
    clock.set("2020-12-01T00:30")  # still 30 November in UTC
    result = log(cli, "clerk_pz", *entry(date="2020-12-01"))
    assert result.exit_code == 0, result.stderr
    before = dump(cw.engine)
    result = log(cli, "clerk_pz", *entry(date="2020-12-02"))
    assert result.exit_code == 1 and "future" in result.stderr
    assert dump(cw.engine) == before


@pytest.fixture
def ledger(cw: Casework) -> dict[str, int]:
    """Six entries: four in panzhou, two in shanmei, logged by their own staff and the city."""
    entries = [
        ("p1", "clerk_pz", "panzhou", "2020-01-15", "routine", None),
        ("p2", "sup_pz", "panzhou", "2020-02-10", "special", "疫情防控专项排查"),
        ("p3", "sup_city", "panzhou", "2020-03-20", "routine", None),
        ("p4", "clerk_pz", "panzhou", "2020-03-31", "special", "春耕专项排查"),
        ("s1", "clerk_sm", "shanmei", "2020-02-01", "routine", None),
        ("s2", "admin", "shanmei", "2020-03-05", "special", "疫情防控专项排查"),
    ]
    ids = {}
    for key, user, office, day, kind, campaign in entries:
        row = cw.acting(user).log_screening(office, day, kind, 2, 1, campaign=campaign)
        ids[key] = row["id"]
    return ids


def test_list_filters(ledger: dict[str, int], cli: Cli) -> None:
    def ids(*args: str, user: str | None = None) -> list[int]:
        return [r["id"] for r in listed(cli, *args, user=user)]

    p1, p2, p3, p4, s1, s2 = (ledger[k] for k in ("p1", "p2", "p3", "p4", "s1", "s2"))
    assert ids() == [p4, p3, s2, p2, s1, p1]  # newest first
    assert ids("--office", "panzhou") == [p4, p3, p2, p1]
    assert ids("--office", "shanmei") == [s2, s1]
    assert ids("--kind", "special") == [p4, s2, p2]
    assert ids("--kind", "routine", "--office", "panzhou") == [p3, p1]
    assert ids("--from", "2020-02-01", "--to", "2020-03-05") == [s2, p2, s1]  # both ends count
    assert ids("--from", "2020-03-06") == [p4, p3]
    assert ids("--to", "2020-01-31") == [p1]
    spring = ["--from", "2020-02-01", "--to", "2020-03-31"]
    assert ids(*spring, "--kind", "special", "--office", "panzhou") == [p4, p2]
    rows = listed(cli, "--office", "shanmei")
    assert all(set(r) >= FIELDS for r in rows)
    assert rows[0]["campaign"] == "疫情防控专项排查" and rows[0]["recorded_by"] == "admin"
    result = cli("screening", "list", "--kind", "weekly", "--json")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_a_town_user_sees_only_their_office(ledger: dict[str, int], cli: Cli) -> None:
    assert [r["id"] for r in listed(cli, user="clerk_sm")] == [ledger["s2"], ledger["s1"]]
    assert {r["office"] for r in listed(cli, user="sup_pz")} == {"panzhou"}
    result = cli("screening", "list", "--office", "panzhou", "--json", user="clerk_sm")
    assert result.exit_code == 1 or json.loads(result.stdout) == []
    # city-level users, viewers included, see every office
    assert len(listed(cli, user="viewer1")) == len(listed(cli, user="sup_city")) == 6


def test_screening_figures(ledger: dict[str, int], cw: Casework) -> None:
    q1 = cw.stats("2020-01-01", "2020-03-31")["metrics"]
    assert (q1["screening.sessions"], q1["screening.special"], q1["screening.prevented"]) == (
        6,
        3,
        6,
    )
    feb = cw.stats("2020-02-01", "2020-02-29", office="panzhou")["metrics"]
    assert (feb["screening.sessions"], feb["screening.special"]) == (1, 1)
