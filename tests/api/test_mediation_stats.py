"""The cohort figures (procedures/mediation.md, Statistics): a cohort declared as data
(``workflows.spec.Cohort``) over a toy procedure counted by hand, ``FirstEvent`` with a data
condition, the groupings by source, and the people's mediation figures on the real procedure.

Every step is recorded at its own day (the clock moves with it), so that ``as_of`` sees the
database as it stood then."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from casework.api import Casework
from casework.read.declared_cohorts import Fact, Member, judged
from tests.helpers import FrozenClock, add_staff
from workflows import Registry, default_registry
from workflows.spec import (
    Cohort,
    FieldSpec,
    FirstEvent,
    MetricSpec,
    Rate,
    StateSpec,
    TimeLimit,
    TriggerSpec,
    Workflow,
)

COURT = (("source", ("court_referral",)),)
# 10 days from acceptance, for court cases only (a stand-in for SC 2016 art. 27's terms).
TOY_LIMIT = TimeLimit(
    "toy_limit",
    "期限",
    start="accept",
    days=10,
    applies=lambda data: data.get("source") == "court_referral",
)
FORM = {"written": "书面", "oral": "口头"}
RULING = {"confirmed": "确认有效", "not_confirmed": "驳回"}


def _trigger(name: str, sources: tuple[str, ...], dest: str | None, *fields: FieldSpec) -> Any:
    return TriggerSpec(name, name, sources, dest, ("clerk",), fields=fields)


TOY = Workflow(
    name="cohort_toy",
    label="队列测试",
    prefix="CT",
    states=(
        StateSpec("applied", "已申请"),
        StateSpec("mediating", "调解中", limit=TOY_LIMIT),
        StateSpec("agreed", "已达成协议"),
        StateSpec("failed", "调解不成", terminal=True),
    ),
    initial="applied",
    register_roles=("clerk",),
    register_fields=(
        FieldSpec(
            "source",
            "来源",
            "choice",
            choices={"court_referral": "法院", "application": "申请"},
            required=False,
        ),
    ),
    triggers=(
        _trigger("accept", ("applied",), "mediating"),
        _trigger(
            "agree",
            ("mediating",),
            "agreed",
            FieldSpec("form", "形式", "choice", choices=FORM),
            FieldSpec("amount", "金额", "int", minimum=0),
        ),
        _trigger("fail", ("mediating",), "failed"),
        _trigger("remediate", ("agreed",), "mediating"),
        _trigger(
            "confirm",
            ("agreed",),
            None,
            FieldSpec("ruling", "裁定", "choice", choices=RULING),
        ),
    ),
    metrics=(
        MetricSpec("toy.accepted", "受理", FirstEvent(triggers=("accept",))),
        MetricSpec("toy.agreed", "成功", Cohort(having=("agree",))),
        MetricSpec("toy.rate", "成功率", Rate("toy.agreed", "toy.accepted")),
        MetricSpec(
            "toy.written",
            "书面",
            Cohort(having=("agree",), last="agree", last_where=(("form", ("written",)),)),
        ),
        MetricSpec(
            "toy.oral",
            "口头",
            Cohort(having=("agree",), last="agree", last_where=(("form", ("oral",)),)),
        ),
        MetricSpec(
            "toy.amount", "金额", Cohort(having=("agree",), last="agree", value="amount"), "sum"
        ),
        MetricSpec("toy.late", "超30日", Cohort(having=("agree", "fail"), later_than=30)),
        MetricSpec("toy.court", "法院", Cohort(where=COURT)),
        MetricSpec(
            "toy.overdue",
            "超期",
            Cohort(where=COURT, overdue=("toy_limit",), ends=("agree", "fail")),
        ),
        MetricSpec(
            "toy.confirmed",
            "确认",
            FirstEvent(triggers=("confirm",), where=(("ruling", ("confirmed",)),)),
        ),
    ),
)
NAMES = [m.name for m in TOY.metrics]


class World:
    """The toy cases, each step recorded at its own day."""

    def __init__(self, cw: Casework, clock: FrozenClock) -> None:
        self.cw, self.clock = cw, clock
        self.cases: dict[str, str] = {}
        self.steps: list[tuple[str, str, str, dict[str, str]]] = []

    def case(self, name: str, day: str, source: str | None = None) -> None:
        self.steps.append((day, name, "register", {"source": source} if source else {}))

    def step(self, name: str, day: str, trigger: str, **values: str) -> None:
        self.steps.append((day, name, trigger, values))

    def run(self) -> None:
        clerk = self.cw.acting("clerk_pz")
        for day, name, trigger, values in sorted(self.steps, key=lambda s: s[0]):
            self.clock.set(f"{day}T16:00")
            at = f"{day}T10:00"
            if trigger == "register":
                found = clerk.register("cohort_toy", "panzhou", name, data=values, at=at)
                self.cases[name] = found["case_no"]
            else:
                clerk.advance(self.cases[name], trigger, values, at=at)
        self.clock.set("2020-12-01T10:00")


@pytest.fixture
def toy(db_url: str, clock: FrozenClock) -> Iterator[tuple[Casework, dict[str, str]]]:
    cw = Casework.initialise(
        db_url, offices="gaozhou", clock=clock, registry=Registry([*default_registry(), TOY])
    )
    add_staff(cw)
    w = World(cw, clock)
    # C1 written 5,000; C2 oral, re-mediated, then written 8,000 (the last agreement holds);
    # C3 failed 36 days after acceptance; C4-C6 court cases: C4 agreed after its 12 March last
    # day, C5 in time, C6 still mediating past its 26 March; C7 accepted in February; C8
    # agreed in April. C1's first ruling is not_confirmed (March), confirmed in April; C5's in
    # March.
    for name, day, source in [
        ("C1", "2020-03-01", None),
        ("C2", "2020-03-02", None),
        ("C3", "2020-03-04", None),
        ("C4", "2020-03-01", "court_referral"),
        ("C5", "2020-03-08", "court_referral"),
        ("C6", "2020-03-15", "court_referral"),
        ("C7", "2020-02-24", "application"),
        ("C8", "2020-03-24", None),
    ]:
        w.case(name, day, source)
    for name, day in [("C1", "02"), ("C2", "03"), ("C3", "05"), ("C4", "02"), ("C5", "09")]:
        w.step(name, f"2020-03-{day}", "accept")
    w.step("C6", "2020-03-16", "accept")
    w.step("C7", "2020-02-25", "accept")
    w.step("C8", "2020-03-25", "accept")
    w.step("C1", "2020-03-05", "agree", form="written", amount="5000")
    w.step("C2", "2020-03-04", "agree", form="oral", amount="0")
    w.step("C2", "2020-03-10", "remediate")
    w.step("C2", "2020-03-20", "agree", form="written", amount="8000")
    w.step("C3", "2020-04-10", "fail")
    w.step("C4", "2020-03-20", "agree", form="oral", amount="0")
    w.step("C5", "2020-03-12", "agree", form="written", amount="1000")
    w.step("C7", "2020-03-03", "agree", form="written", amount="300")
    w.step("C8", "2020-04-05", "agree", form="written", amount="2000")
    w.step("C1", "2020-03-08", "confirm", ruling="not_confirmed")
    w.step("C1", "2020-04-02", "confirm", ruling="confirmed")
    w.step("C5", "2020-03-15", "confirm", ruling="confirmed")
    w.run()
    yield cw, w.cases
    cw.close()


MARCH = ("2020-03-01", "2020-03-31")


def test_a_cohorts_parts_are_its_cases_as_they_stand(toy: tuple[Casework, dict[str, str]]) -> None:
    cw, _ = toy
    assert cw.stats(*MARCH, metrics=NAMES)["metrics"] == {
        "toy.accepted": 7,
        "toy.agreed": 5,  # C1, C2, C4, C5 and C8 (agreed in April, accepted in March)
        "toy.rate": 71.43,
        "toy.written": 4,  # C1, C2 (its last agreement), C5, C8
        "toy.oral": 1,  # C4
        "toy.amount": 16000,  # 5,000 + 8,000 (not C2's first 0) + 0 + 1,000 + 2,000
        "toy.late": 1,  # C3
        "toy.court": 3,
        "toy.overdue": 2,  # C4 agreed late, C6 open past its last day
        "toy.confirmed": 1,  # C5; C1's first confirmed ruling is April's
    }


def test_as_of_sees_the_database_as_it_stood(toy: tuple[Casework, dict[str, str]]) -> None:
    cw, _ = toy
    figures = cw.stats(*MARCH, as_of="2020-03-31", metrics=NAMES)["metrics"]
    # C8's April agreement and C3's April failure were not recorded yet; C6's last day passed.
    assert figures["toy.agreed"] == 4 and figures["toy.rate"] == 57.14
    assert (figures["toy.written"], figures["toy.oral"], figures["toy.amount"]) == (3, 1, 14000)
    assert (figures["toy.late"], figures["toy.overdue"]) == (0, 2)
    early = cw.stats(*MARCH, as_of="2020-03-19", metrics=["toy.overdue", "toy.written"])
    # C4's last day (12 March) passed without an agreement by the 19th; C6's is the 26th.
    assert early["metrics"] == {"toy.overdue": 1, "toy.written": 2}


def test_explain_lists_the_cohorts_cases(toy: tuple[Casework, dict[str, str]]) -> None:
    cw, c = toy
    agreed = cw.explain("toy.agreed", *MARCH)
    assert [(i["case_no"], i["date"]) for i in agreed["items"]] == [
        (c["C1"], "2020-03-02"),
        (c["C4"], "2020-03-02"),
        (c["C2"], "2020-03-03"),
        (c["C5"], "2020-03-09"),
        (c["C8"], "2020-03-25"),
    ]
    amount = cw.explain("toy.amount", *MARCH)
    assert sorted(i["value"] for i in amount["items"]) == [0, 1000, 2000, 5000, 8000]
    assert amount["value"] == 16000
    rate = cw.explain("toy.rate", *MARCH)
    assert (rate["value"], rate["denominator"], len(rate["items"])) == (71.43, 7, 5)
    overdue = cw.explain("toy.overdue", *MARCH)
    assert [i["case_no"] for i in overdue["items"]] == [c["C4"], c["C6"]]
    confirmed = cw.explain("toy.confirmed", "2020-04-01", "2020-04-30")
    assert [i["case_no"] for i in confirmed["items"]] == [c["C1"]]


def test_by_month_and_source_rates_stay_within_their_cohorts(
    toy: tuple[Casework, dict[str, str]],
) -> None:
    cw, _ = toy
    wanted = ["toy.accepted", "toy.agreed", "toy.rate"]
    months = cw.stats("2020-02-01", "2020-04-30", by="month", metrics=wanted)["rows"]
    assert {r["key"]: r["metrics"] for r in months} == {
        "2020-02": {"toy.accepted": 1, "toy.agreed": 1, "toy.rate": 100.0},
        "2020-03": {"toy.accepted": 7, "toy.agreed": 5, "toy.rate": 71.43},
    }
    sources = cw.stats(*MARCH, by="source", metrics=wanted)["rows"]
    assert {r["key"]: r["metrics"] for r in sources} == {
        "none": {"toy.accepted": 4, "toy.agreed": 3, "toy.rate": 75.0},
        "referred": {"toy.accepted": 3, "toy.agreed": 2, "toy.rate": 66.67},
    }
    feb = cw.stats("2020-02-01", "2020-02-29", by="source", metrics=wanted)["rows"]
    assert {r["key"]: r["metrics"]["toy.accepted"] for r in feb} == {"application": 1}


def test_judged_reads_only_the_facts_it_is_given() -> None:
    from datetime import date

    member = Member(1, "CT-1", date(2020, 3, 2), "panzhou", {"source": "court_referral"})
    facts = [
        Fact("agree", date(2020, 3, 4), {"form": "oral", "amount": 0}),
        Fact("agree", date(2020, 4, 9), {"form": "written", "amount": "700"}),
    ]
    written = Cohort(having=("agree",), last="agree", last_where=(("form", ("written",)),))
    assert judged(written, member, facts) == 1
    assert judged(Cohort(having=("agree",), last="agree", value="amount"), member, facts) == 700
    assert judged(Cohort(having=("agree",), later_than=30), member, facts) is None  # 2 days
    assert judged(Cohort(having=("fail",)), member, facts) is None
    assert judged(Cohort(where=(("source", ("application",)),)), member, facts) is None
    assert judged(Cohort(), member, []) == 1


def test_a_cohort_naming_what_its_procedure_lacks_is_refused() -> None:
    from casework.read.stats import declared

    bad = MetricSpec("toy.bad", "坏", Cohort(having=("nope",)))
    with pytest.raises(ValueError, match="nope"):
        declared(TOY, bad)
    lacking = MetricSpec("toy.bad", "坏", Cohort(overdue=("no_limit",)))
    with pytest.raises(ValueError, match="no_limit"):
        declared(TOY, lacking)
    unvalued = MetricSpec("toy.bad", "坏", Cohort(having=("agree",)), "sum")
    with pytest.raises(ValueError, match="sum"):
        declared(TOY, unvalued)


# -- the people's mediation figures on the real procedure ------------------------------------


def real_world(cw: Casework, clock: FrozenClock) -> dict[str, str]:
    """Four cases accepted in March 2020 at Panzhou, counted by hand below: A (主动, 邻里) agreed
    in writing for 20,000 yuan, performed, a prevention measure twice, confirmed by the court;
    B (依申请, 合同) agreed orally; C (法院委派, 道路交通, 涉疫情) failed; D (信访移交, 其他)
    withdrawn 46 days after acceptance. E (依申请) accepted in February."""
    from tests import mediations as M

    def at(day: str) -> str:
        clock.set(f"{day}T16:00")
        return f"{day}T10:00"

    court = {
        "source": "court_referral",
        "commission": "pre_filing",
        "court": "gzfy",
        "court_ref": "（2020）粤0981民诉前调1号",
        "procedure": "ordinary",
        "received_on": "2020-03-01",
        "dispute_type": "traffic",
        "pandemic": "yes",
    }
    registered = [
        ("E", "2020-02-20", {"source": "application", "dispute_type": "labour"}),
        ("A", "2020-03-01", {"source": "initiative", "dispute_type": "neighbour"}),
        ("B", "2020-03-02", {"source": "application", "dispute_type": "contract"}),
        ("C", "2020-03-02", court),
        ("D", "2020-03-03", {"source": "petition_referral", "dispute_type": "other"}),
    ]
    c: dict[str, str] = {}
    for name, day, values in registered:
        c[name] = M.register(cw, at(day), values=values)
    M.accept(cw, c["E"], at("2020-02-21"))
    for name, day in [("A", "02"), ("B", "03"), ("C", "04"), ("D", "05")]:
        M.accept(cw, c[name], at(f"2020-03-{day}"))
    med, clerk = cw.acting(M.MED), cw.acting(M.CLERK)
    med.advance(
        c["A"],
        "prevent",
        {"kind": "criminal", "people": "3", "reported_to": "police"},
        at=at("2020-03-06"),
    )
    M.agree(
        cw,
        c["A"],
        at("2020-03-08"),
        {"amount": "20000", "performance": "lump_sum", "perform_by": "2020-03-31"},
    )
    med.advance(
        c["A"],
        "prevent",
        {"kind": "criminal", "people": "5", "reported_to": "none"},
        at=at("2020-03-09"),
    )
    confirmation = {"court": "gzfy", "applied_on": "2020-03-10", "joint": "yes"}
    clerk.advance(c["A"], "apply_confirmation", confirmation, at=at("2020-03-10"))
    ruling = {
        "ruling": "confirmed",
        "court_case_no": "（2020）粤0981民特12号",
        "ruled_on": "2020-03-16",
    }
    clerk.advance(c["A"], "confirm", ruling, at=at("2020-03-16"))
    clerk.advance(c["A"], "perform", {"performed_on": "2020-03-20"}, at=at("2020-03-20"))
    M.agree(
        cw,
        c["B"],
        at("2020-03-09"),
        {"form": "oral", "performance": "non_monetary", "perform_by": "2020-04-30"},
    )
    M.fail(cw, c["C"], at("2020-03-20"))
    M.agree(cw, c["E"], at("2020-03-02"), {"performance": "lump_sum", "perform_by": "2020-04-30"})
    terminate = {"reason": "withdrawn"}
    med.advance(c["D"], "terminate", terminate, at=at("2020-04-20"))
    clock.set("2020-12-01T10:00")
    return c


@pytest.fixture
def real(cw: Casework, clock: FrozenClock) -> dict[str, str]:
    return real_world(cw, clock)


MEDIATION = {
    "mediation.mediated": 4,
    "mediation.agreed": 2,
    "mediation.success_rate": 50.0,
    "mediation.concluded": 4,
    "mediation.concluded_success_rate": 50.0,
    "mediation.agreed_written": 1,
    "mediation.agreed_oral": 1,
    "mediation.agreement_amount": 20000,
    "mediation.performed": 1,
    "mediation.performed_on_the_spot": 0,
    "mediation.confirm_applied": 1,
    "mediation.confirmed": 1,
    "mediation.source.initiative": 1,
    "mediation.source.application": 1,
    "mediation.source.referred": 2,
    "mediation.source.referred.court": 1,
    "mediation.source.referred.police": 0,
    "mediation.source.referred.petition": 1,
    "mediation.source.referred.other": 0,
    "mediation.type.neighbour": 1,
    "mediation.type.contract": 1,
    "mediation.type.traffic": 1,
    "mediation.type.other": 1,
    "mediation.type.labour": 0,
    "mediation.over_advice": 1,
    "mediation.court_commissioned": 1,
    "mediation.court_commissioned_overdue": 0,
    "mediation.pandemic": 1,
    "prevention.criminal.cases": 1,
    "prevention.criminal.people": 5,
    "prevention.suicide.cases": 0,
}


def test_the_mediation_figures_counted_by_hand(cw: Casework, real: dict[str, str]) -> None:
    figures = cw.stats(*MARCH, metrics=list(MEDIATION))["metrics"]
    assert figures == MEDIATION
    # As of 31 March D was still mediating: concluded 3, the old ratio over those 3.
    then = cw.stats(*MARCH, as_of="2020-03-31", metrics=list(MEDIATION))["metrics"]
    assert (then["mediation.concluded"], then["mediation.concluded_success_rate"]) == (3, 66.67)
    assert then["mediation.over_advice"] == 0 and then["mediation.success_rate"] == 50.0
    feb = cw.stats("2020-02-01", "2020-02-29", metrics=["mediation.agreed"])["metrics"]
    assert feb == {"mediation.agreed": 1}  # E, agreed in March, of February's cohort


def test_by_source_dispute_type_and_committee_type(cw: Casework, real: dict[str, str]) -> None:
    wanted = ["mediation.mediated", "mediation.agreed", "mediation.success_rate"]

    def rows(by: str) -> dict[str, Any]:
        return {r["key"]: r["metrics"] for r in cw.stats(*MARCH, by=by, metrics=wanted)["rows"]}

    assert rows("source") == {
        "application": {
            "mediation.mediated": 1,
            "mediation.agreed": 1,
            "mediation.success_rate": 100.0,
        },
        "initiative": {
            "mediation.mediated": 1,
            "mediation.agreed": 1,
            "mediation.success_rate": 100.0,
        },
        "referred": {"mediation.mediated": 2, "mediation.agreed": 0, "mediation.success_rate": 0.0},
    }
    assert {k: v["mediation.mediated"] for k, v in rows("dispute_type").items()} == {
        "contract": 1,
        "neighbour": 1,
        "other": 1,
        "traffic": 1,
    }
    panzhou = cw.committee("panzhou-tj")["type"]
    assert rows("committee_type") == {
        panzhou: {"mediation.mediated": 4, "mediation.agreed": 2, "mediation.success_rate": 50.0}
    }


def test_explain_reaches_each_figures_cases(cw: Casework, real: dict[str, str]) -> None:
    def cases(name: str) -> list[str]:
        return [
            i.get("case_no") or str(i.get("screening_id"))
            for i in cw.explain(name, *MARCH)["items"]
        ]

    assert cases("mediation.agreed") == [real["A"], real["B"]]
    assert cases("mediation.source.referred") == [real["C"], real["D"]]
    assert cases("mediation.over_advice") == [real["D"]]
    assert cases("mediation.confirmed") == [real["A"]]
    prevented = cw.explain("prevention.criminal.people", *MARCH)
    assert [(i["case_no"], i["date"], i["value"]) for i in prevented["items"]] == [
        (real["A"], "2020-03-06", 5)
    ]
    for name in MEDIATION:
        found = cw.explain(name, *MARCH)
        assert found["value"] == MEDIATION[name], name
        if not name.endswith(("rate", "amount", "people")):
            assert len(found["items"]) == MEDIATION[name], name


def test_explain_many_is_each_figures_explain(cw: Casework, real: dict[str, str]) -> None:
    """One computation for several figures (a form's) gives what ``explain`` gives each."""
    names = [*MEDIATION, "prevention.criminal.people", "mediation.agreed"]
    together = cw.explain_many(names, *MARCH)
    assert together == [cw.explain(name, *MARCH) for name in names]
    assert [e["metric"] for e in together] == names


def test_the_organisation_on_the_last_day(cw: Casework) -> None:
    admin = cw.acting("admin")
    admin.add_committee(
        "gz-yl",
        "高州市医疗纠纷人民调解委员会",
        "industry",
        "city-justice",
        subtype="medical",
        since="2019-01-01",
    )
    admin.add_mediator("med_yl", "医调员", "gz-yl", full_time=True, since="2020-03-15")
    listed = cw.committees(on="2020-03-31")
    figures = cw.stats(
        *MARCH,
        metrics=[
            "org.committees",
            "org.committees.industry",
            "org.committees.industry.medical",
            "org.mediators_full_time",
        ],
    )["metrics"]
    assert figures == {
        "org.committees": len(listed),
        "org.committees.industry": 1,
        "org.committees.industry.medical": 1,
        "org.mediators_full_time": 1,
    }
    # On 10 March the mediator had not joined yet.
    early = cw.stats("2020-03-01", "2020-03-10", metrics=["org.mediators_full_time"])
    assert early["metrics"] == {"org.mediators_full_time": 0}
    explained = cw.explain("org.committees.industry", *MARCH)["items"]
    assert explained == [{"committee": "gz-yl", "date": "2020-03-31", "office": "city-justice"}]
    mediators = cw.explain("org.mediators_full_time", *MARCH)["items"]
    assert [i["mediator"] for i in mediators] == ["med_yl"]


def test_prevention_adds_case_and_screening_measures(cw: Casework, real: dict[str, str]) -> None:
    log = cw.acting("clerk_pz").log_screening
    entry = log("panzhou", "2020-03-12", "routine", 2, 1, measures=["criminal:2:7", "suicide:1:1"])
    log("panzhou", "2020-04-02", "routine", 1, 1, measures=["criminal:1:4"])  # April's
    figures = cw.stats(
        *MARCH,
        metrics=[
            f"prevention.{k}.{p}" for k in ("criminal", "suicide") for p in ("cases", "people")
        ],
    )["metrics"]
    # A's two criminal measures: one 件, 5 人 (the larger); the entry's: 2 件, 7 人.
    assert figures == {
        "prevention.criminal.cases": 3,
        "prevention.criminal.people": 12,
        "prevention.suicide.cases": 1,
        "prevention.suicide.people": 1,
    }
    items = cw.explain("prevention.criminal.cases", *MARCH)["items"]
    assert [(i.get("case_no"), i.get("screening_id"), i["value"]) for i in items] == [
        (real["A"], None, 1),
        (None, entry["id"], 2),
    ]
    shanmei = cw.stats(*MARCH, office="shanmei", metrics=["prevention.criminal.cases"])
    assert shanmei["metrics"] == {"prevention.criminal.cases": 0}
