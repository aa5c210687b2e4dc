"""Procedure-scoped roles in every read (hotline_reconsideration.md 9 item 11): an operator
(话务员) gets the 12345 orders only, a reviewer (复议人员) reconsideration cases only, in
search, stats and ``stats explain``, the case export, the desk and the due list; the city
clerk beside them still gets every procedure's."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from casework.api import Casework
from casework.errors import InvalidData
from tests import petitions as P
from tests import reconsiderations as R
from tests.helpers import FrozenClock
from tests.hotline import add_hotline_staff, dispatched

SCOPED = {"op1": "hotline", "rev1": "reconsideration"}
PERIOD = ("2020-11-01", "2020-11-30")


@pytest.fixture
def mixed(cw: Casework, clock: FrozenClock) -> Casework:
    """An order dispatched to panzhou, an application for reconsideration and two petitions
    (panzhou's and the city bureau's), all of early November and all open."""
    add_hotline_staff(cw)
    R.add_reviewers(cw)
    dispatched(cw, "2020-11-02T09:00")
    R.register(cw, "2020-11-03")
    P.register(cw, "2020-11-04T09:00")
    P.register(cw, "2020-11-04T10:00", office="city-petition", user="clerk_city")
    clock.set("2020-11-05T09:00")
    return cw


@pytest.mark.parametrize("user", sorted(SCOPED))
def test_search_gives_the_roles_procedure_only(mixed: Casework, user: str) -> None:
    reader = mixed.acting(user)
    assert {r["kind"] for r in reader.search(reader.search_filter())["rows"]} == {SCOPED[user]}
    every = mixed.acting("clerk_city")
    assert len({r["kind"] for r in every.search(every.search_filter())["rows"]}) == 3


@pytest.mark.parametrize("user", sorted(SCOPED))
def test_stats_give_the_roles_procedure_only(mixed: Casework, user: str) -> None:
    reader = mixed.acting(user)
    figures = reader.stats(*PERIOD)["metrics"]
    assert figures and {name.split(".")[0] for name in figures} == {SCOPED[user]}
    by_kind = reader.stats(*PERIOD, "kind")["rows"]
    assert {row["key"] for row in by_kind} <= {SCOPED[user]}
    with pytest.raises(InvalidData) as refused:
        reader.stats(*PERIOD, metrics=["petition.registered"])
    assert refused.value.field == "metric"
    assert mixed.acting("clerk_city").stats(*PERIOD)["metrics"]["petition.registered"] == 2


@pytest.mark.parametrize("user", sorted(SCOPED))
def test_explain_gives_the_roles_procedure_only(mixed: Casework, user: str) -> None:
    reader = mixed.acting(user)
    own = reader.explain(f"{SCOPED[user]}.received", *PERIOD)
    assert own["value"] == 1 and len(own["items"]) == 1
    with pytest.raises(InvalidData) as refused:
        reader.explain("petition.registered", *PERIOD)
    assert refused.value.field == "metric"
    with pytest.raises(InvalidData):
        reader.explain("screening.sessions", *PERIOD)  # the screening ledger is no procedure
    assert len(mixed.acting("clerk_city").explain("petition.registered", *PERIOD)["items"]) == 2


@pytest.mark.parametrize("user", sorted(SCOPED))
def test_the_export_gives_the_roles_procedure_only(
    mixed: Casework, user: str, tmp_path: Path
) -> None:
    out = tmp_path / f"{user}.csv"
    summary = mixed.acting(user).export_cases(str(out), columns="case_no,kind_code")
    with out.open(encoding="utf-8-sig") as fh:
        kinds = {row[1] for row in list(csv.reader(fh))[1:]}
    assert kinds == {SCOPED[user]} and summary["rows"] == 1
    every = tmp_path / "clerk.csv"
    assert mixed.acting("clerk_city").export_cases(str(every))["rows"] == 4


def _desk_kinds(cw: Casework, user: str) -> set[str]:
    found = cw.acting(user).desk(within=60)
    return {row["kind"] for queue in found["queues"] for row in queue["rows"]}


@pytest.mark.parametrize("user", sorted(SCOPED))
def test_the_desk_gives_the_roles_procedure_only(mixed: Casework, user: str) -> None:
    # the city clerk's deadline queues first: kept, they must not be handed to the scoped user
    assert {"petition"} <= _desk_kinds(mixed, "clerk_city")
    assert _desk_kinds(mixed, user) == {SCOPED[user]}


@pytest.mark.parametrize("user", sorted(SCOPED))
def test_the_due_list_gives_the_roles_procedure_only(mixed: Casework, user: str) -> None:
    assert {d["kind"] for d in mixed.acting(user).due(within=60)} == {SCOPED[user]}
    assert len({d["kind"] for d in mixed.acting("clerk_city").due(within=60)}) >= 2
