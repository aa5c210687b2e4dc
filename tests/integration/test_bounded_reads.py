"""No read sends an unbounded list of values to the database: with SQLite's limit on bound
variables lowered to 40 (``Connection.setlimit``), on a database of some 200 cases, every read
still succeeds and gives the same answers as without the limit.

Before the read side streamed its listings, ``due`` and ``case list --overdue`` sent every
case id as one ``IN`` list, and an export's batches, the on-time and subsidy figures their
case numbers: past about 250,000 cases SQLite refused them ("too many SQL variables").
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from casework.api import Casework
from casework.api.cases import Batch
from casework.domain.steps import DocumentStep, Registration, Step
from casework.read.stats import catalogue
from casework.storage.db import open_engine
from tests.helpers import VALID_ID, FrozenClock, add_staff
from tests.petitions import NOTICE

LIMIT = 40
AS_OF = "2020-12-01"
YEAR = ("2020-01-01", "2020-12-31")
PETITIONS, MEDIATIONS, STUCK, DISPUTES = 100, 50, 6, 10


def _on(start: str, days: int) -> str:
    return (date.fromisoformat(start) + timedelta(days=days)).isoformat()


def _office(i: int) -> tuple[str, str]:
    return ("panzhou", "pz") if (i // 2) % 2 == 0 else ("shanmei", "sm")


def _petitions(b: Batch) -> None:
    """Half of them left waiting (overdue by December), the others replied, a few late."""
    for i in range(PETITIONS):
        office, short = _office(i)
        registered = _on("2020-01-02", i % 60)
        people = (f"petitioner:陈某{i}:{VALID_ID}:13800138000",) if i % 7 == 0 else ()
        item = Registration(office, f"信访 {i}", people, {"channel": "visit"}, registered)
        case_no = b.register(f"clerk_{short}", "petition", item).case.case_no
        if i % 4 == 0:
            continue  # not yet accepted: past the 15 days to decide
        accepted = _on(registered, 2)
        _file(b, short, case_no, accepted, "letter", "acceptance_notice")
        b.advance(f"sup_{short}", Step(case_no, "accept", NOTICE, at=accepted))
        if i % 4 == 2:
            continue  # still being handled: past the 60 days to reply
        replied = _on(accepted, 75 if i % 20 == 19 else 30)
        _file(b, short, case_no, replied, "reply", "delivery_proof")
        b.advance(f"sup_{short}", Step(case_no, "reply", {"outcome": "explain"}, at=replied))
        if i % 4 == 1:
            # delivered and rated satisfied, so it may close (petition.md 1.7)
            clerk = f"clerk_{short}"
            b.advance(clerk, Step(case_no, "deliver", {"method": "in_person"}, at=replied))
            rated = {"rating": "satisfied", "method": "phone"}
            b.advance(clerk, Step(case_no, "evaluate", rated, at=replied))
            b.advance(clerk, Step(case_no, "close", at=_on(replied, 5)))


def _file(b: Batch, short: str, case_no: str, day: str, *kinds: str) -> None:
    """Papers of a petition's file, recorded by its office's clerk."""
    for kind in kinds:
        b.document(f"clerk_{short}", DocumentStep(case_no, kind, at=day))


def _mediations(b: Batch) -> None:
    """Mediated, performed, documented and archived in 2020Q3; a few still mediating."""
    for i in range(MEDIATIONS + STUCK):
        office, short = _office(i)
        day = _on("2020-06-01", i % 30)
        sides = (f"applicant:黄某{i}", f"respondent:李某{i}")  # two sides (guard two_sides)
        item = Registration(office, f"调解 {i}", sides, {}, day)
        case_no = b.register(f"clerk_{short}", "mediation", item).case.case_no
        mediator = f"med_{short}"
        b.advance(mediator, Step(case_no, "accept", {"mediator": mediator}, at=day))
        if i >= MEDIATIONS:
            continue
        b.advance(mediator, Step(case_no, "agree", {"form": "written"}, at=_on(day, 5)))
        b.advance(mediator, Step(case_no, "perform", at=_on(day, 6)))
        follow = {"satisfaction": "satisfied"}
        b.advance(mediator, Step(case_no, "follow_up", follow, at=_on(day, 7)))
        for kind in ("application", "rights_notice", "record", "agreement", "follow_up"):
            b.document(f"clerk_{short}", DocumentStep(case_no, kind, at=_on(day, 7)))
        archived = _on("2020-07-15", i % 40)
        b.advance(f"sup_{short}", Step(case_no, "archive", at=archived))


def _disputes(b: Batch) -> None:
    for i in range(DISPUTES):
        item = Registration("panzhou", f"重大纠纷 {i}", (), {}, "2020-03-01")
        case_no = b.register("clerk_pz", "major_dispute", item).case.case_no
        # proposed by a city clerk, approved by the petition bureau (major_dispute.md)
        b.document("clerk_city", DocumentStep(case_no, "assignment_form", at="2020-03-02"))
        propose = {"leader": "leader1", "unit": "责任单位"}
        b.advance("clerk_city", Step(case_no, "propose", propose, at="2020-03-02"))
        b.document("sup_city", DocumentStep(case_no, "approval", at="2020-03-02"))
        b.advance("sup_city", Step(case_no, "assign", at="2020-03-02"))
        if i % 2 == 0:
            b.document("leader1", DocumentStep(case_no, "plan", at="2020-03-05"))
            b.advance("leader1", Step(case_no, "plan", {"plan": "方案"}, at="2020-03-05"))
            b.advance("leader1", Step(case_no, "resolve", {"outcome": "solved"}, at="2020-05-10"))


def _world(cw: Casework) -> None:
    cw.batch(_petitions)
    cw.batch(_mediations)
    cw.batch(_disputes)
    for n in range(3):
        cw.acting("clerk_pz").log_screening("panzhou", f"2020-0{n + 3}-10", "routine", n, 1)
    claims = cw.acting("sup_city").subsidy
    assert len(claims.draft("2020Q3")["drafted"]) == MEDIATIONS
    cw.acting("sup_pz").subsidy.advance_quarter("2020Q3", "check")
    cw.acting("sup_sm").subsidy.advance_quarter("2020Q3", "check")
    # A county's own scale: an amount priced from the shipped example would be null
    # (mediation.md, subsidy.amount).
    cw.acting("admin").subsidy.set_scale("2020-07-01", {"ordinary": "200"})
    approve = {"tier": "ordinary", "tier_reason": "案情较复杂"}  # not the proposed tier: a reason
    cw.acting("sup_justice").subsidy.advance_quarter("2020Q3", "approve", approve)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("bounded") / "casework.db")
    clock = FrozenClock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC))
    cw = Casework.initialise(path, offices="gaozhou", clock=clock)
    add_staff(cw)
    _world(cw)
    cw.close()
    return path


def _limited(path: str, clock: FrozenClock) -> Casework:
    """The database opened with SQLite's variable limit lowered on every connection."""
    engine = open_engine(path)

    @event.listens_for(engine, "connect")
    def _lower(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, LIMIT)

    return Casework(engine, clock=clock)


@pytest.fixture(scope="module")
def pair(database: str) -> Iterator[tuple[Casework, Casework]]:
    clock = FrozenClock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC))
    plain, limited = Casework(database, clock=clock), _limited(database, clock)
    yield plain, limited
    plain.close()
    limited.close()


def test_the_limit_is_in_force(pair: tuple[Casework, Casework]) -> None:
    _, limited = pair
    with limited.engine.connect() as conn, pytest.raises(OperationalError, match="too many"):
        conn.exec_driver_sql("SELECT " + ", ".join(["?"] * (LIMIT + 1)), tuple(range(LIMIT + 1)))


def _listings(cw: Casework) -> dict[str, Any]:
    town = cw.acting("sup_pz")
    return {
        "due": cw.due(within=30, as_of=AS_OF),
        "due_town": town.due(within=30, as_of=AS_OF),
        "due_kind": cw.due(within=7, kind="petition", as_of="2020-06-30"),
        "overdue": cw.cases(overdue=True, as_of=AS_OF),
        "overdue_town": town.cases(overdue=True, as_of=AS_OF, limit=7),
        "overdue_state": cw.cases(kind="petition", state="handling", overdue=True, as_of=AS_OF),
        "mediating": cw.cases(kind="mediation", state="mediating"),
        "cases": cw.cases(),
        "screenings": cw.screenings(),
    }


def _figures(cw: Casework) -> dict[str, Any]:
    out: dict[str, Any] = {
        f"stats by {by}": cw.stats(*YEAR, by=by)
        for by in (None, "office", "month", "quarter", "kind")
    }
    out["stats as of"] = cw.stats(*YEAR, by="office", as_of="2020-09-30")
    out["stats town"] = cw.acting("sup_sm").stats(*YEAR, by="month")
    for m in catalogue(cw.machines.registry):
        out[f"explain {m.name}"] = cw.explain(m.name, *YEAR)
        out[f"explain {m.name} panzhou"] = cw.explain(m.name, *YEAR, office="panzhou")
    out["on time"] = cw.replied_on_time(*YEAR)
    return out


def _subsidy(cw: Casework) -> dict[str, Any]:
    mediation = [c["case_no"] for c in cw.cases(kind="mediation")]
    return {
        "checks": [cw.subsidy.check(no, "2020Q3") for no in mediation],
        "sheet": cw.subsidy.sheet("2020Q3"),
        "sheet panzhou": cw.subsidy.sheet("2020Q3", "panzhou"),
        "figures": cw.subsidy.figures(*YEAR),
    }


def _exports(cw: Casework, folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, kwargs in (
        ("all.json", {}),
        ("petitions.csv", {"kind": "petition", "columns": "case_no,parties,id_numbers,history"}),
        ("town.json", {"office": "shanmei"}),
        ("revealed.json", {"reveal": True}),
    ):
        path = folder / name
        who = cw.acting("admin") if kwargs.get("reveal") else cw
        summary = dict(who.export_cases(str(path), **kwargs))
        summary.pop("out")
        out[name] = (summary, path.read_text("utf-8-sig"))
    return out


def _answers(cw: Casework, folder: Path) -> dict[str, Any]:
    os.makedirs(folder, exist_ok=True)
    return {
        **_listings(cw),
        **_figures(cw),
        **_subsidy(cw),
        **_exports(cw, folder),
        "audit": cw.verify(),
    }


@pytest.fixture(scope="module")
def answers(
    pair: tuple[Casework, Casework], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], dict[str, Any]]:
    plain, limited = pair
    folder = tmp_path_factory.mktemp("exports")
    return _answers(plain, folder / "plain"), _answers(limited, folder / "limited")


def test_every_read_gives_the_same_answer_under_the_limit(
    answers: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    plain, limited = answers
    assert plain.keys() == limited.keys()
    for key in plain:
        assert json.dumps(limited[key], sort_keys=True) == json.dumps(plain[key], sort_keys=True), (
            key
        )


def test_the_answers_are_more_than_the_limit(
    answers: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    plain, _ = answers
    petitions_late = PETITIONS // 2
    assert len(plain["overdue"]) == petitions_late + DISPUTES // 2 > LIMIT
    assert {r["status"] for r in plain["due"]} == {"overdue", "warning"}
    assert len(plain["due"]) == petitions_late + DISPUTES // 2 + STUCK
    assert all(r["office"] == "panzhou" for r in plain["due_town"] + plain["overdue_town"])
    assert len(plain["overdue_town"]) == 7
    assert all(r["state"] == "handling" for r in plain["overdue_state"])
    assert len(plain["mediating"]) == STUCK
    assert len(plain["cases"]) == PETITIONS + MEDIATIONS + STUCK + DISPUTES + MEDIATIONS
    on_time = plain["on time"]
    assert on_time["value"] > LIMIT and on_time["replied"] == on_time["value"] + len(
        on_time["late"]
    )
    metrics = plain["stats by None"]["metrics"]
    assert metrics["petition.replied_on_time"] == on_time["value"]
    assert metrics["subsidy.cases"] == MEDIATIONS and metrics["subsidy.amount"] == 200 * MEDIATIONS
    assert len(plain["explain subsidy.cases"]["items"]) == MEDIATIONS
    assert plain["figures"]["subsidy.cases"] == MEDIATIONS
    assert plain["sheet"]["total_cases"] == MEDIATIONS
    assert sum(c["eligible"] for c in plain["checks"]) == 0  # each was claimed already
    claimed = [c for c in plain["checks"] if c["failed"] == ["not_subsidised_before"]]
    assert len(claimed) == MEDIATIONS
    assert plain["all.json"][0]["rows"] == len(plain["cases"])
    assert plain["audit"]["ok"] and plain["audit"]["cases"] == len(plain["cases"])


def test_a_state_is_named_by_its_label_too(pair: tuple[Casework, Casework]) -> None:
    _, limited = pair
    by_label = limited.cases(kind="petition", state="办理中", overdue=True, as_of=AS_OF)
    assert by_label == limited.cases(kind="petition", state="handling", overdue=True, as_of=AS_OF)
    assert limited.cases(state="调解中") == limited.cases(kind="mediation", state="mediating")
    assert len(limited.cases(kind="人民调解", state="调解中")) == STUCK
