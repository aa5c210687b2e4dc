"""A procedure's figures are declared with it: a procedure added in a test brings its metrics
into the catalogue, the figures, every grouping and ``explain``, with no change elsewhere."""

from __future__ import annotations

import dataclasses

import pytest

from casework.api import Casework
from casework.read.stats import catalogue
from tests.fakes import TOY
from tests.helpers import FrozenClock, add_staff
from workflows import Registry, default_registry
from workflows.spec import Computed, FirstEvent, MetricSpec, Rate, Registered

METRICS = (
    MetricSpec("toyline.received", "接收工单数", Registered(), order=131),
    MetricSpec("toyline.dispatched", "派单数", FirstEvent(triggers=("dispatch",)), order=132),
    MetricSpec("toyline.done", "办结数", FirstEvent(to_states=("done",)), order=133),
    MetricSpec("toyline.done_rate", "办结率", Rate("toyline.done", "toyline.received"), order=134),
)
HOTLINE = dataclasses.replace(TOY, metrics=METRICS)


@pytest.fixture
def hotline(db_url: str, clock: FrozenClock) -> Casework:
    registry = Registry([*default_registry(), HOTLINE])
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock, registry=registry)
    add_staff(cw)
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    for n, day in enumerate(("2020-11-01", "2020-11-02", "2020-12-01")):
        case_no = clerk.register("hotline_toy", "panzhou", f"工单 {n}", at=day)["case_no"]
        if n < 2:
            clerk.advance(case_no, "dispatch", {"unit": "供电所"}, at=day)
        if n == 0:
            clerk.advance(case_no, "visit", at=day)
            clerk.advance(case_no, "visit", at=day)
            sup.advance(case_no, "finish", {"rating": "good"}, at="2020-11-20")
    return cw


def test_a_new_procedure_brings_its_figures(hotline: Casework) -> None:
    names = [m.name for m in catalogue(hotline.machines.registry)]
    assert names.index("major_dispute.resolution_rate") < names.index("toyline.received")
    assert names.index("toyline.done_rate") < names.index("screening.sessions")
    november = hotline.stats("2020-11-01", "2020-11-30")
    assert {k: v for k, v in november["metrics"].items() if k.startswith("toyline.")} == {
        "toyline.received": 2,
        "toyline.dispatched": 2,
        "toyline.done": 1,
        "toyline.done_rate": 50.0,
    }
    by_month = hotline.stats("2020-11-01", "2020-12-31", by="month")["rows"]
    assert {r["key"]: r["metrics"]["toyline.received"] for r in by_month} == {
        "2020-11": 2,
        "2020-12": 1,
    }
    rate = hotline.explain("toyline.done_rate", "2020-11-01", "2020-11-30")
    assert rate["value"] == 50.0 and rate["denominator"] == 2 and len(rate["items"]) == 1
    # the shipped procedures' figures are as they were
    assert list(default_registry()) != list(hotline.machines.registry)
    shipped = [m.name for m in catalogue(default_registry())]
    assert [n for n in names if not n.startswith("toyline.")] == shipped


def test_a_declaration_naming_nothing_is_refused() -> None:
    bad = dataclasses.replace(
        TOY, metrics=(MetricSpec("toyline.x", "x", FirstEvent(triggers=("nonsense",))),)
    )
    with pytest.raises(ValueError, match="nonsense"):
        catalogue(Registry([bad]))
    unknown = dataclasses.replace(TOY, metrics=(MetricSpec("toyline.y", "y", Computed("magic")),))
    with pytest.raises(ValueError, match="magic"):
        catalogue(Registry([unknown]))
