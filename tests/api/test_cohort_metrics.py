"""Cohort rates declared as data on a toy procedure (hotline_reconsideration.md 9 item 13): a
cohort of registrations, parts by the states reached (``reached``) and steps lacking
(``lacking``), a ``closed_by`` cut-off by when a step happened (not ``--as-of``), final values
(the last reached callback's rating, or the one given on a direct answer), a configured set,
every limit of a redone case judged (``each_end``) and half-up rounding."""

from __future__ import annotations

import dataclasses

import pytest

from casework.api import Casework
from casework.read.wording import rate_of
from tests.fakes import TOY
from tests.helpers import FrozenClock, add_staff
from workflows import Registry, default_registry
from workflows.settings import SettingSpec
from workflows.spec import (
    Cohort,
    FieldSpec,
    Final,
    MetricSpec,
    Rate,
    StateSpec,
    TimeLimit,
    TriggerSpec,
)

RATINGS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
RATING = FieldSpec("rating", "评价", "choice", choices=RATINGS, required=False)
SATISFIED = SettingSpec(
    "cohort_toy.satisfied", "满意口径", "set", frozenset({"satisfied"}), RATINGS
)
HANDLE = TimeLimit("handle_limit", "办理时限", start="dispatch", days=2, restarts=("redo",))
REGISTERED = ("register",)
CLOSED = ("answer", "close")
RATED = Final("rating", ("callback", "answer"), (("reached", ("yes",)),), ("callback",))


def _part(name: str, counts: Cohort, order: int) -> MetricSpec:
    return MetricSpec(f"cohort_toy.{name}", name, counts, order=order)


def _rate(name: str, numerator: str, denominator: str, order: int) -> MetricSpec:
    counts = Rate(f"cohort_toy.{numerator}", f"cohort_toy.{denominator}")
    return MetricSpec(f"cohort_toy.{name}", name, counts, order=order)


METRICS = (
    _part("received", Cohort(start=REGISTERED, lacking=("merge",), closed_by=True), 900),
    _part(
        "closed_in_time",
        Cohort(start=REGISTERED, lacking=("merge",), reached=("closed",), closed_by=True),
        901,
    ),
    _rate("closure_rate", "closed_in_time", "received", 902),
    _part("rated", Cohort(start=CLOSED, final=RATED), 903),
    _part("pleased", Cohort(start=CLOSED, final=RATED, final_in=("satisfied", "basic")), 904),
    _rate("satisfaction_rate", "pleased", "rated", 905),
    _part("satisfied", Cohort(start=CLOSED, final=RATED, final_set=SATISFIED.key), 906),
    _part("dispatched", Cohort(start=("close",), having=("dispatch",)), 907),
    _part(
        "on_time",
        Cohort(
            start=("close",),
            having=("dispatch",),
            overdue=(HANDLE.name,),
            ends=("reply",),
            each_end=True,
            on_time=True,
        ),
        908,
    ),
    _part(
        "first_on_time",
        Cohort(start=("close",), overdue=(HANDLE.name,), ends=("reply",), on_time=True),
        909,
    ),
)

COHORT_TOY = dataclasses.replace(
    TOY,
    name="cohort_toy",
    label="热线工单（指标测试）",
    prefix="RY",
    states=(
        StateSpec("received", "已受理"),
        StateSpec("handling", "办理中", limit=HANDLE),
        StateSpec("callback", "待回访"),
        StateSpec("closed", "已办结", terminal=True),
        StateSpec("merged", "已合并", terminal=True),
    ),
    triggers=(
        TriggerSpec("answer", "直接办结", ("received",), "closed", ("clerk",), (RATING,)),
        TriggerSpec("dispatch", "派单", ("received",), "handling", ("clerk",)),
        TriggerSpec("reply", "回复", ("handling",), "callback", ("clerk",)),
        TriggerSpec(
            "callback",
            "回访",
            ("callback",),
            None,
            ("clerk",),
            (FieldSpec("reached", "接通", "choice", choices={"yes": "是", "no": "否"}), RATING),
        ),
        TriggerSpec("redo", "重办", ("callback",), "handling", ("clerk",)),
        TriggerSpec("close", "办结", ("callback",), "closed", ("clerk",)),
        TriggerSpec("merge", "合并", ("received", "handling"), "merged", ("clerk",)),
    ),
    metrics=METRICS,
    settings=(SATISFIED,),
)


@pytest.fixture
def toy(db_url: str, clock: FrozenClock) -> Casework:
    registry = Registry([*default_registry(), COHORT_TOY])
    found = Casework.initialise(db_url, offices="gaozhou", clock=clock, registry=registry)
    add_staff(found)
    return found


def _order(cw: Casework, day: str, *steps: tuple[str, dict[str, str], str]) -> str:
    clerk = cw.acting("clerk_pz")
    case_no: str = clerk.register("cohort_toy", "panzhou", "路灯不亮", at=day)["case_no"]
    for trigger, values, on in steps:
        clerk.advance(case_no, trigger, values, at=on)
    return case_no


def _dispatched(day: str, reply: str, *after: tuple[str, dict[str, str], str]) -> tuple:
    return (("dispatch", {}, day), ("reply", {}, reply), *after)


def _stats(cw: Casework, **options: str) -> dict[str, float | int | None]:
    found = cw.acting("sup_pz").stats("2020-11-01", "2020-11-20", **options)  # type: ignore[arg-type]
    return {k.removeprefix("cohort_toy."): v for k, v in found["metrics"].items()}


def _year(cw: Casework) -> dict[str, str]:
    yes = {"reached": "yes"}
    return {
        # answered on the call, rated basic
        "direct": _order(cw, "2020-11-02", ("answer", {"rating": "basic"}, "2020-11-02")),
        # answered unrated: closed, no final rating
        "unrated": _order(cw, "2020-11-02", ("answer", {}, "2020-11-02")),
        # redone: unsatisfied first, satisfied last, the last reply late (Wed .. Tue)
        "redone": _order(
            cw,
            "2020-11-02",
            *_dispatched("2020-11-02", "2020-11-03"),
            ("callback", {**yes, "rating": "unsatisfied"}, "2020-11-04"),
            ("redo", {}, "2020-11-04"),
            ("reply", {}, "2020-11-10"),
            ("callback", {"reached": "no"}, "2020-11-11"),
            ("callback", {**yes, "rating": "satisfied"}, "2020-11-11"),
            ("close", {}, "2020-11-12"),
        ),
        # closed after the cut-off of 2020-11-18
        "late": _order(
            cw,
            "2020-11-16",
            *_dispatched("2020-11-16", "2020-11-17"),
            ("callback", {**yes, "rating": "satisfied"}, "2020-11-18"),
            ("close", {}, "2020-11-19"),
        ),
        # merged into another: in no cohort of registrations
        "merged": _order(cw, "2020-11-03", ("merge", {}, "2020-11-03")),
        # still open
        "open": _order(cw, "2020-11-05", ("dispatch", {}, "2020-11-05")),
    }


def test_cohort_rates_with_a_cut_off_final_values_and_a_configured_set(toy: Casework) -> None:
    cw = toy
    orders = _year(cw)
    figures = _stats(cw)
    assert figures["received"] == 5  # the merged order is none
    assert figures["closed_in_time"] == 4  # the open one is not closed
    assert figures["closure_rate"] == 80.0
    # The redone order counts once, by its last reached rating; the unrated direct answer
    # and the unreached callback give none.
    assert figures["rated"] == 3 and figures["pleased"] == 3
    assert figures["satisfaction_rate"] == 100.0
    assert figures["satisfied"] == 2  # the configured set holds satisfied only (not basic)
    # The redone order's second reply came a day late: on time only judged by its first.
    assert figures["dispatched"] == 2 and figures["on_time"] == 1
    assert figures["first_on_time"] == 2

    cut = _stats(cw, closed_by="2020-11-18")
    assert cut["received"] == 5 and cut["closed_in_time"] == 3 and cut["closure_rate"] == 60.0
    # closed_by is by when the step happened: --as-of (recorded by) is another cut
    assert _stats(cw)["closed_in_time"] == 4

    explained = cw.acting("sup_pz").explain("cohort_toy.received", "2020-11-01", "2020-11-20")
    assert {i["case_no"] for i in explained["items"]} == set(orders.values()) - {orders["merged"]}
    cut_items = cw.acting("sup_pz").explain(
        "cohort_toy.closure_rate", "2020-11-01", "2020-11-20", closed_by="2020-11-18"
    )
    assert cut_items["value"] == 60.0 and cut_items["denominator"] == 5
    assert orders["late"] not in {i["case_no"] for i in cut_items["items"]}


def test_a_configured_set_is_read_as_it_stood_at_the_period_end(toy: Casework) -> None:
    cw = toy
    _year(cw)
    cw.acting("admin").config_set(SATISFIED.key, "satisfied,basic", "2020-11-15")
    assert _stats(cw)["satisfied"] == 3


def test_rates_round_half_up() -> None:
    assert rate_of(9567, 10237) == 93.46  # 93.455…
    assert rate_of(1, 800) == 0.13  # 0.125 exactly: round() would give 0.12
    assert rate_of(11104, 11105) == 99.99
    assert rate_of(11105, 11105) == 100.0
    assert rate_of(1, 0) is None
