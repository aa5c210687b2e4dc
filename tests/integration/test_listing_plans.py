"""A town's first page of ``case list`` (issue 18 point 2, migration 0022): the newest of its
own cases and of those assigned to it (派单), each part a seek of its own index, never a walk
of every office's cases newest first; the page is the listing's first cases, as before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from casework.api import Casework
from tests.hotline import add_hotline_staff, dispatched


@pytest.fixture
def town(cw: Casework) -> Casework:
    """Panzhou's cases of several days, Shanmei's newer ones, and two orders of the city's
    hotline centre: one assigned to Panzhou between Panzhou's own cases, one to Shanmei."""
    add_hotline_staff(cw)
    clerk = cw.acting("clerk_pz")
    for day in ("2020-11-01", "2020-11-03", "2020-11-05"):
        clerk.register("petition", "panzhou", f"盘州 {day}", at=day)
    dispatched(cw, "2020-11-04T09:00")
    dispatched(cw, "2020-11-04T10:00", office="shanmei")
    for day in ("2020-11-06", "2020-11-07"):
        cw.acting("clerk_sm").register("petition", "shanmei", f"山美 {day}", at=day)
    return cw


def test_a_towns_first_page_is_its_listings_first_cases(town: Casework) -> None:
    for who, office in (("clerk_pz", None), ("clerk_sm", None), ("admin", "panzhou")):
        user = town.acting(who)
        whole = user.cases(office=office)
        assert len(whole) in (4, 3)  # own cases and the order assigned, no other town's
        for limit in range(1, len(whole) + 2):
            assert user.cases(office=office, limit=limit) == whole[:limit]
    pz = [r["office"] for r in town.acting("clerk_pz").cases(limit=3)]
    assert pz == ["panzhou", "city-hotline", "panzhou"]  # the order between its own cases


@contextmanager
def captured(cw: Casework) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append((statement, params))

    event.listen(cw.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(cw.engine, "before_cursor_execute", capture)


def test_a_towns_first_page_seeks_its_office_in_two_indexes(town: Casework) -> None:
    if town.engine.dialect.name != "sqlite":
        pytest.skip("the plans checked are SQLite's")
    with captured(town) as statements:
        town.acting("clerk_pz").cases(limit=2)
    listing = [(s, p) for s, p in statements if "ORDER BY" in s and "FROM cases" in s]
    assert len(listing) == 1
    with town.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        plan = [r[-1] for r in raw.execute("EXPLAIN QUERY PLAN " + listing[0][0], listing[0][1])]
    assert "SEARCH cases USING INDEX ix_cases_office_registered_at (office_code=?)" in plan
    assert "SEARCH cases USING INDEX ix_cases_handling_registered_at (<expr>=?)" in plan
    assert [line for line in plan if line.startswith("SCAN cases")] == [], plan
