"""Ledger features the 12345 platform's ledger brought, on the toy procedure (tests/fakes.py):
a procedure's own headers filling several targets before the common ones (``ledger_headers``),
the office of a file that names none (``ledger_office``), steps implied by another column's
date (``or_dates``), steps that happen only when a column is filled or empty (``filled``,
``empty``), and an outcome selected by an empty cell (a ``when`` entry ``""``)."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from casework.api import Casework
from casework.services.imports import LedgerRejected
from tests.fakes import TOY
from tests.helpers import FrozenClock, add_staff, dump
from workflows import Registry, default_registry
from workflows.spec import FieldSpec, LedgerStep, TriggerSpec, Workflow

UNIT = "承办单位"
DONE = "办结日期"
RATING = "评价"
LEDGER = (
    # sent out on the day it came in unless 派出日期 says otherwise, when it names a unit
    LedgerStep("dispatch", "派出日期", {"unit": UNIT}, or_dates=("登记日期",), filled=(UNIT,)),
    LedgerStep("visit", "走访日期", filled=(UNIT,)),
    # a second visit is implied by the finish when the ledger has no date for it
    LedgerStep("visit", "复访日期", or_dates=(DONE,), filled=(UNIT,)),
    LedgerStep("finish", DONE, {"rating": RATING}, when=(RATING, ("满意", "不满意"))),
    LedgerStep("answer", DONE, when=(RATING, ("",)), empty=(UNIT,)),
)
HEADER = ("单号", "登记日期", "事项", UNIT, "派出日期", "走访日期", DONE, RATING)


def _toy(office: str | None = "panzhou") -> Workflow:
    # An admin imports (city-wide, as the 12345 centre's staff are): what a supervisor may.
    staff = ("clerk", "supervisor")
    triggers = tuple(dataclasses.replace(t, roles=staff) for t in TOY.triggers)
    answer = TriggerSpec("answer", "直接答复", ("received",), "done", staff)
    return dataclasses.replace(
        TOY,
        register_roles=staff,
        triggers=(*triggers, answer),
        register_fields=(FieldSpec("topic", "事项内容", required=False),),
        ledger=LEDGER,
        # 单号 is the number and, with 事项, nothing else; 承办单位 is read by the steps only.
        ledger_headers={"单号": ("ref",), "事项": ("title", "field:topic"), UNIT: ()},
        ledger_office=office,
    )


def _open(db_url: str, clock: FrozenClock, office: str | None = "panzhou") -> Casework:
    registry = Registry([*default_registry(), _toy(office)])
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock, registry=registry)
    add_staff(cw)
    return cw


@pytest.fixture
def toy(db_url: str, clock: FrozenClock) -> Iterator[Casework]:
    clock.set("2020-12-01T09:00")
    cw = _open(db_url, clock)
    yield cw
    cw.close()


def _csv(path: Path, rows: Sequence[Sequence[str]]) -> str:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerows(rows)
    return str(path)


ROWS = (
    # a unit named: sent out on the day, visited, the second visit implied by the finish
    ("T1", "2020-11-02 09:00", "修路", "某局", "", "2020-11-03", "2020-11-05", "满意"),
    # no unit and a finish date, nothing in 评价: answered directly
    ("T2", "2020-11-02 10:00", "问路", "", "", "", "2020-11-02", ""),
    # no unit, no date: just received (the empty 评价 selects no step without a date)
    ("T3", "2020-11-02 11:00", "建议", "", "", "", "", ""),
)


def _walks(cw: Casework) -> dict[str, tuple[str, str, list[tuple[str, str]]]]:
    out = {}
    for row in cw.acting("admin").cases():
        shown = cw.show(row["case_no"])
        steps = [(e["trigger"], e["occurred_at"][:10]) for e in shown["history"][1:]]
        out[shown["title"]] = (shown["office"], shown["state"], steps)
    return out


def test_a_row_implies_the_steps_its_columns_and_their_absence_show(
    toy: Casework, tmp_path: Path
) -> None:
    result = toy.acting("admin").import_ledger("hotline_toy", _csv(tmp_path / "t.csv", ROWS))
    assert (result["imported"], result["bad"]) == (3, 0)
    assert _walks(toy) == {
        "修路": (
            "panzhou",
            "done",
            [
                ("dispatch", "2020-11-02"),
                ("visit", "2020-11-03"),
                ("visit", "2020-11-05"),
                ("finish", "2020-11-05"),
            ],
        ),
        "问路": ("panzhou", "done", [("answer", "2020-11-02")]),
        "建议": ("panzhou", "received", []),
    }
    [road] = [c for c in toy.acting("admin").cases() if c["title"] == "修路"]
    shown = toy.show(road["case_no"])
    assert shown["data"]["unit"] == "某局" and shown["data"]["topic"] == "修路"
    assert shown["data"]["rating"] == "good"


@pytest.mark.parametrize(
    ("row", "column", "why"),
    [
        # a unit and a finish date, but no outcome: no step takes the date
        (("T4", "2020-11-02", "修桥", "某局", "", "2020-11-03", "2020-11-05", ""), RATING, "为空"),
        # an outcome only a dispatched case has, without a unit
        (("T4", "2020-11-02", "修桥", "", "", "", "2020-11-05", "满意"), DONE, "handling"),
        # finished before it came in
        (("T4", "2020-11-06", "修桥", "某局", "", "", "2020-11-05", "满意"), DONE, "早于"),
    ],
)
def test_a_row_whose_columns_imply_no_consistent_walk_is_refused(
    toy: Casework, tmp_path: Path, row: tuple[str, ...], column: str, why: str
) -> None:
    before = dump(toy.engine)
    with pytest.raises(LedgerRejected) as refused:
        toy.acting("admin").import_ledger("hotline_toy", _csv(tmp_path / "t.csv", [row]))
    [bad] = refused.value.bad_rows
    assert (bad.row, bad.column) == (2, column) and why in bad.why, bad
    assert dump(toy.engine) == before


def test_without_a_ledger_office_a_city_user_s_file_must_name_each_row_s_office(
    db_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T09:00")
    cw = _open(db_url, clock, office=None)
    with pytest.raises(LedgerRejected) as refused:
        cw.acting("admin").import_ledger("hotline_toy", _csv(tmp_path / "t.csv", ROWS[:1]))
    [bad] = refused.value.bad_rows
    assert bad.column == "单位" and "为空" in bad.why  # 承办单位 is not the office
    cw.close()
