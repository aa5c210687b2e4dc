"""Listings read in chunks (issue 18 point 2): with the chunk lowered to a few cases, ``case
list --all``, a search by party, an export and ``stats explain`` over a few more cases than a
chunk send no statement with more bound parameters than a chunk and a few more, the listing
reads its cases in several keyset chunks (ties of registration time included), and each
gives what it gave read whole."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection

import casework.storage.db as db
import cli.case_cmds as case_cmds
from casework.api import Casework
from casework.api.cases import Batch
from casework.domain.steps import Registration
from casework.read import search as search_module
from tests.helpers import Cli

CHUNK = 6
SLACK = 8  # the few parameters beside a chunk's ids (chunk_size leaves as many)
CASES = 2 * CHUNK + 3
YEAR = ("2020-01-01", "2020-12-31")


def _petitions(b: Batch) -> None:
    """Half of them registered at one instant (ties of the listing's order), in two towns."""
    for i in range(CASES):
        office = "panzhou" if i % 3 else "shanmei"
        clerk = "clerk_pz" if i % 3 else "clerk_sm"
        at = "2020-11-02T09:00:00+08:00" if i % 2 else f"2020-{1 + i % 10:02d}-1{i % 9}"
        people = (f"petitioner:陈某{i}", f"petitioner:黄某{i}")
        item = Registration(office, f"信访 {i}", people, {"channel": "visit"}, at)
        b.register(clerk, "petition", item)


@pytest.fixture
def chunked(cw: Casework, monkeypatch: pytest.MonkeyPatch) -> Casework:
    cw.batch(_petitions)
    monkeypatch.setattr(db, "MAX_CHUNK", CHUNK)
    return cw


@contextmanager
def counted(cw: Casework) -> Iterator[list[tuple[str, int]]]:
    """Every statement sent while inside, with its number of bound parameters."""
    sent: list[tuple[str, int]] = []

    def before(
        _conn: Connection, _cursor: object, statement: str, params: Any, _ctx: object, many: bool
    ) -> None:
        rows = params if many else [params]
        sent.append((statement, max((len(p) for p in rows if p), default=0)))

    event.listen(cw.engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(cw.engine, "before_cursor_execute", before)


def _bounded(sent: Sequence[tuple[str, int]]) -> None:
    worst = max(sent, key=lambda s: s[1])
    assert worst[1] <= CHUNK + SLACK, worst


def test_the_listing_reads_its_cases_a_chunk_at_a_time(chunked: Casework) -> None:
    whole = chunked.cases()
    assert len(whole) == CASES
    for who in (chunked, chunked.acting("sup_pz")):
        with counted(chunked) as sent:
            streamed = list(who.each_case())
        _bounded(sent)
        assert streamed == who.cases()  # the same cases in the same order, ties by id
        listing = [s for s, _ in sent if "FROM cases" in s and "ORDER BY" in s]
        assert len(listing) >= len(streamed) // CHUNK + 1
    assert len(list(chunked.each_case(kind="petition", state="registered"))) == CASES
    assert [r["case_no"] for r in chunked.each_case(office="shanmei")] == [
        r["case_no"] for r in whole if r["office"] == "shanmei"
    ]


def test_a_search_export_and_explain_stay_within_a_chunk(chunked: Casework, tmp_path: Path) -> None:
    with counted(chunked) as sent:
        found = chunked.search(chunked.search_filter(party="陈某"), size=CASES)
        exported = chunked.export_cases(str(tmp_path / "all.json"))
        by_name = chunked.search_filter(party="黄某")
        searched = chunked.search_export(by_name, str(tmp_path / "s.csv"))
        explained = chunked.explain("petition.registered", *YEAR)
    _bounded(sent)
    assert found["total"] == CASES and len(found["rows"]) == CASES
    assert all(len(r["parties"]) == 2 for r in found["rows"])
    assert exported["rows"] == searched["rows"] == CASES
    assert len(json.loads((tmp_path / "all.json").read_text("utf-8"))) == CASES
    assert explained["value"] == len(explained["items"]) == CASES


def test_a_search_counts_up_to_its_cap(chunked: Casework, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "COUNT_CAP", CHUNK)
    criteria = chunked.search_filter(party="某")
    first = chunked.search(criteria, size=4)
    assert first["total"] == CHUNK and first.get("total_capped") is True
    assert first["pages"] == 2 and len(first["rows"]) == 4
    newest = [r["case_no"] for r in chunked.cases(limit=CHUNK)]
    second = chunked.search(criteria, page=2, size=4)
    # newest first, and the last page ends at the cap
    assert [r["case_no"] for r in first["rows"] + second["rows"]] == newest
    assert chunked.search(criteria, page=3, size=4)["rows"] == []  # past the count
    few = chunked.search(chunked.search_filter(party="陈某1"), size=4)
    assert "total_capped" not in few


def _rows(doc: Mapping[str, Any] | list[Any]) -> list[Any]:
    assert isinstance(doc, list)
    return doc


def test_case_list_all_streams_json_and_tables(
    chunked: Casework, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed = cli("case", "list", "--all", "--json")
    assert streamed.exit_code == 0
    paged = cli("case", "list", "--limit", str(CASES), "--json")
    assert streamed.stdout == paged.stdout  # written a row at a time, the same document
    assert len(_rows(json.loads(streamed.stdout))) == CASES
    monkeypatch.setattr(case_cmds, "TABLE_ROWS", CHUNK)
    tables = cli("case", "list", "--all")
    assert tables.exit_code == 0
    assert f"案件 Cases (1–{CHUNK})" in tables.stdout
    assert f"共 {CASES} 件 {CASES} cases" in tables.stdout
    one = cli("case", "list", "--all", "--office", "shanmei")
    assert "案件 Cases (5)" in one.stdout and "共 " not in one.stdout
