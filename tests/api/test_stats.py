"""Statistics (statistics.md): every metric, grouping and explanation against counts made by hand
over small databases built through the API."""

from __future__ import annotations

import csv
import json
import os
from typing import Any

import pytest

from casework.api import Casework
from casework.errors import NotAllowed
from casework.read.stats import catalogue
from tests import major_disputes as D
from tests import mediations as M
from tests import petitions as P
from tests.helpers import Cli, FrozenClock
from workflows.mediation.terms import DISPUTE_TYPES, PREVENT_KINDS
from workflows.reconsideration import WORKFLOW as RECONSIDERATION
from workflows.spec import Rate

NAMES = (
    "petition.registered",
    "petition.accepted",
    "petition.replied",
    "petition.replied_on_time",
    "petition.closed",
    "mediation.mediated",
    "mediation.agreed",
    "mediation.success_rate",
    "major_dispute.identified",
    "major_dispute.resolved",
    "major_dispute.resolution_rate",
    "screening.sessions",
    "screening.special",
    "screening.prevented",
)
# procedures/mediation.md's additions: M1 and M3 agreed in writing (0 yuan, not yet performed),
# M2 failed after 18 days, of the four accepted in the half year (none names a source or a
# type); the 28 towns' committees (23 towns, 5 subdistricts) and the staff's three mediators.
MEDIATION_ADDED: dict[str, Any] = {
    name: 0
    for name in (
        *[f"org.committees.{t}" for t in ("village", "residents", "enterprise", "industry")],
        *[f"org.committees.{t}" for t in ("studio", "stationed")],
        *[f"org.committees.industry.{t}" for t in ("medical", "traffic", "labour")],
        *[f"org.committees.industry.{t}" for t in ("property_mgmt", "marriage_family")],
        *[f"org.committees.industry.{t}" for t in ("consumer", "other")],
        *[f"org.committees.stationed.{t}" for t in ("police", "court", "petition")],
        "org.mediators_full_time",
        "mediation.agreed_oral",
        "mediation.agreement_amount",
        "mediation.performed",
        "mediation.performed_on_the_spot",
        "mediation.confirm_applied",
        "mediation.confirmed",
        *[f"mediation.source.{g}" for g in ("initiative", "application", "referred")],
        *[f"mediation.source.referred.{o}" for o in ("court", "police", "petition", "other")],
        *[f"mediation.type.{code}" for code in DISPUTE_TYPES],
        "mediation.over_advice",
        "mediation.court_commissioned",
        "mediation.court_commissioned_overdue",
        "mediation.pandemic",
        *[f"prevention.{k}.{p}" for k in PREVENT_KINDS for p in ("cases", "people")],
    )
} | {
    "org.committees": 28,
    "org.committees.town": 23,
    "org.committees.subdistrict": 5,
    "org.mediators": 3,
    "mediation.concluded": 3,
    "mediation.concluded_success_rate": 66.67,
    "mediation.agreed_written": 2,
}
ORGANISATION = {name for name in MEDIATION_ADDED if name.startswith("org.")}
# petition.md's additions over the half year, counted by hand: five routed in time and told by
# post; four reply limits end (P2's on 7 April, after Qingming, passed by its June reply); three
# replies delivered, two rated satisfied; D1, D2, D3 on the ledger, D1 and D3 resolved by June.
ADDED = {
    "petition.visit_batches": 0,
    "petition.visit_persons": 0,
    "petition.collective_batches": 0,
    "petition.collective_persons": 0,
    "petition.decided": 5,
    "petition.decided_on_time": 5,
    "petition.timely_rate": 100.0,
    "petition.due": 4,
    "petition.due_on_time": 3,
    "petition.on_time_rate": 75.0,
    "petition.evaluable": 3,
    "petition.evaluated": 2,
    "petition.evaluation_rate": 66.67,
    "petition.satisfied": 2,
    "petition.satisfaction_rate": 100.0,
    "petition.repeat": 0,
    "petition.first": 6,
    "petition.skip_level": 0,
    "petition.not_accepted": 1,
    "petition.forwarded": 0,
    "petition.assigned_down": 0,
    "petition.supervised": 0,
    "petition.reviewed": 1,
    "petition.rereviewed": 1,
    "major_dispute.on_ledger": 3,
    "major_dispute.resolved_on_ledger": 2,
    **MEDIATION_ADDED,
    # 12345 orders (hotline_reconsideration.md 7): none in this world
    **{f"hotline.{n}": 0 for n in ("received", "merged", "closed", "overdue")},
    **{
        f"hotline.{n}": None
        for n in ("closure_rate", "on_time_rate", "callback_rate", "satisfaction_rate")
    },
    **{f"hotline.{n}": None for n in ("redo_rate", "return_rate")},
}
# The subsidy's review figures (mediation.md): none in this world, which has no claims.
SUBSIDY = {
    "subsidy.returned": 0,
    "subsidy.rejected": 0,
    "subsidy.spot_checked": 0,
    "subsidy.spot_check_failed": 0,
}
# The screening ledger's additions (mediation.md 5): S1, S2 and S4 found 3 + 5 + 2 disputes; S3
# found and prevented nothing and took no measure (零报告); S2 is of the pandemic campaign yq;
# no case names an entry.
SCREENING = {
    "screening.found": 10,
    "screening.zero_reports": 1,
    "screening.pandemic": 1,
    "screening.registered": 0,
}
# Reconsideration's figures (hotline_reconsideration.md 8): no application in this world, so
# every count is 0 and every rate (over no concluded case) is null.
RECONSIDERATION_RATES = {
    m.name for m in RECONSIDERATION.metrics if isinstance(m.counts, Rate) and not m.hidden
}
RECONSIDERATION_FIGURES: dict[str, Any] = {
    m.name: None if m.name in RECONSIDERATION_RATES else 0
    for m in RECONSIDERATION.metrics
    if not m.hidden
}
CATALOGUE = {
    *NAMES,
    "subsidy.cases",
    "subsidy.amount",
    *ADDED,
    *SUBSIDY,
    *SCREENING,
    *RECONSIDERATION_FIGURES,
}
# Each rate and its (numerator, denominator).
RATE_PARTS = {
    "mediation.success_rate": ("mediation.agreed", "mediation.mediated"),
    "mediation.concluded_success_rate": ("mediation.agreed", "mediation.concluded"),
    "major_dispute.resolution_rate": (
        "major_dispute.resolved_on_ledger",
        "major_dispute.on_ledger",
    ),
    "petition.timely_rate": ("petition.decided_on_time", "petition.decided"),
    "petition.on_time_rate": ("petition.due_on_time", "petition.due"),
    "petition.evaluation_rate": ("petition.evaluated", "petition.evaluable"),
    "petition.satisfaction_rate": ("petition.satisfied", "petition.evaluated"),
    # 12345 orders: their parts are hidden (asked for by name)
    "hotline.closure_rate": ("hotline.closed_by_cut_off", "hotline.received"),
    "hotline.on_time_rate": ("hotline.closed_on_time", "hotline.closed_dispatched"),
    "hotline.callback_rate": ("hotline.called_back", "hotline.consenting"),
    "hotline.satisfaction_rate": ("hotline.satisfied", "hotline.rated"),
    "hotline.redo_rate": ("hotline.redone", "hotline.closed_dispatched"),
    "hotline.return_rate": ("hotline.returns", "hotline.dispatches"),
}
RATES = set(RATE_PARTS) | RECONSIDERATION_RATES
# Stocks: what stands on a day (the ledger; the committees and mediators on the last day).
STOCKS = {"major_dispute.on_ledger", "major_dispute.resolved_on_ledger", *ORGANISATION}
H1 = ("2020-01-01", "2020-06-30")
MONTHS = [(f"2020-{m:02d}", f"2020-{m:02d}-01", f"2020-{m:02d}-{d}") for m, d in
          [(1, 31), (2, 29), (3, 31), (4, 30), (5, 31), (6, 30)]]  # fmt: skip


def row(*values: Any) -> dict[str, Any]:
    """The 14 figures of NAMES, in order."""
    return dict(zip(NAMES, values, strict=True))


def case(cw: Casework, user: str, kind: str, office: str, at: str, *steps: tuple[Any, ...]) -> str:
    """Register a case and fire (user, trigger, values, at) steps on it."""
    parties = list(M.SIDES) if kind == "mediation" else []  # a mediation has two sides
    case_no = cw.acting(user).register(kind, office, f"{kind} 测试", parties, at=at)["case_no"]
    for who, trigger, values, when in steps:
        cw.acting(who).advance(case_no, trigger, values, at=when)
    return case_no


SM_CLERK, SM_SUP = "clerk_sm", "sup_sm"


def concluded_at_shanmei(cw: Casework) -> str:
    """A Shanmei petition accepted, extended, replied, reviewed by the justice bureau (its
    parent) and re-reviewed by Maoming's, recorded by the bureau's clerk: 终结 on 10 June."""
    case_no = P.register(cw, "2020-02-10", "shanmei", SM_CLERK)
    P.accept(cw, case_no, "2020-02-11", SM_SUP, SM_CLERK)
    P.doc(cw, SM_CLERK, case_no, "extension_notice", "2020-03-20")
    extension = {"days": "30", "reason": "复杂", **P.NOTICE}
    cw.acting(SM_SUP).advance(case_no, "extend", extension, at="2020-03-20")
    P.reply(cw, case_no, "2020-04-28", user=SM_SUP, clerk=SM_CLERK)
    P.deliver(cw, case_no, "2020-04-28", SM_CLERK)
    P.request_review(cw, case_no, "2020-05-10", SM_CLERK)
    P.review(cw, case_no, "2020-05-20")
    P.deliver(cw, case_no, "2020-05-20", P.CITY_CLERK)
    P.doc(cw, SM_CLERK, case_no, "rereview_request", "2020-05-25")
    cw.acting(SM_CLERK).advance(case_no, "request_rereview", at="2020-05-25")
    P.doc(cw, P.CITY_CLERK, case_no, "rereview_opinion", "2020-06-10")
    recorded = {"outcome": "explain", "organ": "茂名市司法局", "doc_no": "茂司复核〔2020〕5号"}
    cw.acting(P.CITY_CLERK).advance(case_no, "rereview", recorded, at="2020-06-10")
    return case_no


@pytest.fixture
def world(cw: Casework) -> dict[str, Any]:
    """Petitions P1-P6, mediations M1-M5, major disputes D1-D3, screenings S1-S4 in 2020H1."""
    w: dict[str, Any] = {}
    # P1 on time, closed; P2 replied late; P3 extended, on time, reviewed by the justice bureau
    # and concluded on re-review (recorded from Maoming's); P4 refused; P5 only registered;
    # P6 on time, closed. Each closed one was rated satisfied on its reply's day.
    w["P1"] = P.register(cw, "2020-01-06")
    P.closed(cw, w["P1"], "2020-01-07", "2020-01-20", "2020-02-10")
    w["P2"] = P.register(cw, "2020-02-03")
    P.accept(cw, w["P2"], "2020-02-04")
    P.reply(cw, w["P2"], "2020-06-01")
    w["P3"] = concluded_at_shanmei(cw)
    w["P4"] = P.register(cw, "2020-03-02", "shanmei", SM_CLERK)
    P.intake(cw, w["P4"], "2020-03-02", SM_CLERK)
    P.doc(cw, SM_CLERK, w["P4"], "non_acceptance_notice", "2020-03-05")
    refusal = {"reason": "outside_remit", **P.NOTICE}
    cw.acting(SM_SUP).advance(w["P4"], "refuse", refusal, at="2020-03-05")
    w["P5"] = P.register(cw, "2020-03-09")
    w["P6"] = P.register(cw, "2020-04-01")
    P.closed(cw, w["P6"], "2020-04-02", "2020-04-10", "2020-04-20")
    # M1 agreed, M2 failed, M3 agreed, M4 still mediating, M5 never accepted.
    sm = {"mediator": "med_sm", "clerk": "clerk_sm"}
    later = {"performance": "lump_sum", "perform_by": "2020-06-30"}
    w["M1"] = M.register(cw, "2020-01-10")
    M.accept(cw, w["M1"], "2020-01-11")
    M.agree(cw, w["M1"], "2020-01-15", later)
    w["M2"] = M.register(cw, "2020-02-01")
    M.accept(cw, w["M2"], "2020-02-02")
    M.fail(cw, w["M2"], "2020-02-20")
    w["M3"] = M.register(cw, "2020-03-01", office="shanmei", user="clerk_sm")
    M.accept(cw, w["M3"], "2020-03-02", **sm)
    M.agree(cw, w["M3"], "2020-03-10", later, **sm)
    w["M4"] = M.register(cw, "2020-03-15", office="shanmei", user="clerk_sm")
    M.accept(cw, w["M4"], "2020-03-16", **sm)
    w["M5"] = M.register(cw, "2020-04-01")
    # D1 resolved, verified, reopened, resolved again; D2 in hand; D3 resolved.
    w["D1"] = D.register(cw, "2020-01-20")
    D.resolved(cw, w["D1"], "2020-01-21", "2020-01-22", "2020-02-15")
    D.verify(cw, w["D1"], "2020-02-20")
    D.reopen(cw, w["D1"], "2020-03-01")
    D.resolve(cw, w["D1"], "2020-04-15")
    w["D2"] = D.register(cw, "2020-03-05")
    D.assigned(cw, w["D2"], "2020-03-06")
    D.plan(cw, w["D2"], "2020-03-07")
    w["D3"] = D.register(cw, "2020-04-05", "shanmei")
    D.resolved(cw, w["D3"], "2020-04-06", "2020-04-07", "2020-05-10")
    log = cw.acting("admin").log_screening
    campaign = cw.acting("admin").add_screening_campaign
    campaign("yq", "疫情防控专项排查", "2020-01-24", "2020-07-31", pandemic=True)
    cw.acting("admin").add_screening_campaign("cj", "春节专项排查", "2020-04-01", "2020-04-30")
    w["S1"] = log("panzhou", "2020-01-15", "routine", 3, 2)["id"]
    w["S2"] = log("panzhou", "2020-02-10", "special", 5, 4, campaign="yq")["id"]
    w["S3"] = log("shanmei", "2020-02-20", "routine", 0, 0)["id"]
    w["S4"] = log("shanmei", "2020-04-10", "special", 2, 1, campaign="cj")["id"]
    return w


TOTAL = row(6, 4, 4, 3, 3, 4, 2, 50.0, 3, 2, 66.67, 4, 2, 7)
BY = {
    "office": {
        "panzhou": row(4, 3, 3, 2, 2, 2, 1, 50.0, 2, 1, 50.0, 2, 1, 6),
        "shanmei": row(2, 1, 1, 1, 1, 2, 1, 50.0, 1, 1, 100.0, 2, 1, 1),
    },
    "quarter": {
        # the ledger's cohort of each quarter: D1 (reopened 1 March) and D2 unresolved at the
        # end of March; D1, D2, D3 on the ledger of the second, D1 and D3 resolved
        "2020Q1": row(5, 3, 1, 1, 1, 4, 2, 50.0, 2, 1, 0.0, 3, 1, 6),
        "2020Q2": row(1, 1, 3, 2, 2, 0, 0, None, 1, 1, 66.67, 1, 1, 1),
    },
    "kind": {
        "petition": row(6, 4, 4, 3, 3, 0, 0, None, 0, 0, None, 0, 0, 0),
        "mediation": row(0, 0, 0, 0, 0, 4, 2, 50.0, 0, 0, None, 0, 0, 0),
        "major_dispute": row(0, 0, 0, 0, 0, 0, 0, None, 3, 2, 66.67, 0, 0, 0),
        "screening": row(0, 0, 0, 0, 0, 0, 0, None, 0, 0, None, 4, 2, 7),
    },
}
# Each month on its own. The 化解率 is of the month's ledger: D1 alone in January (unresolved)
# and February (销号 on the 20th); D1 closed when March began, so only D2 (unresolved); from
# April D1, D2, D3, of which D1 resolved by the end of April, D1 and D3 by the end of May.
MONTHLY = {
    "2020-01": row(1, 1, 1, 1, 0, 1, 1, 100.0, 1, 0, 0.0, 1, 0, 2),
    "2020-02": row(2, 2, 0, 0, 1, 1, 0, 0.0, 0, 1, 100.0, 2, 1, 4),
    "2020-03": row(2, 0, 0, 0, 0, 2, 1, 50.0, 1, 0, 0.0, 0, 0, 0),
    "2020-04": row(1, 1, 2, 2, 1, 0, 0, None, 1, 0, 33.33, 1, 1, 1),
    "2020-05": row(0, 0, 0, 0, 0, 0, 0, None, 0, 1, 66.67, 0, 0, 0),
    "2020-06": row(0, 0, 1, 0, 1, 0, 0, None, 0, 0, 66.67, 0, 0, 0),
}


def test_every_metric_over_the_half_year(world: dict[str, Any], cw: Casework) -> None:
    result = cw.stats(*H1)
    assert set(result["metrics"]) == CATALOGUE
    assert result["from"] == "2020-01-01" and result["to"] == "2020-06-30"
    assert result["metrics"] == {
        **TOTAL,
        **ADDED,
        **SUBSIDY,
        **SCREENING,
        **RECONSIDERATION_FIGURES,
        "subsidy.cases": 0,
        "subsidy.amount": 0,
    }
    # 调解成功率 over the cohort accepted in the half year: M1 and M3 of four (M4 mediating)
    assert cw.stats(*H1, metrics=["mediation.success_rate"])["metrics"] == {
        "mediation.success_rate": 50.0
    }


@pytest.mark.parametrize("by", ["office", "quarter", "kind"])
def test_groupings(world: dict[str, Any], cw: Casework, by: str) -> None:
    result = cw.stats(*H1, by=by, metrics=list(NAMES))
    assert result["by"] == by
    assert {r["key"]: r["metrics"] for r in result["rows"]} == BY[by]


def test_by_month_and_each_month_alone(world: dict[str, Any], cw: Casework) -> None:
    grouped = {
        r["key"]: r["metrics"] for r in cw.stats(*H1, by="month", metrics=list(NAMES))["rows"]
    }
    assert list(grouped) == list(MONTHLY)
    for key, first, last in MONTHS:
        assert cw.stats(first, last, metrics=list(NAMES))["metrics"] == MONTHLY[key], key
        assert grouped[key] == MONTHLY[key], key  # the ledger is computed month by month


def test_resolution_rate_is_the_ledgers_cohort(world: dict[str, Any], cw: Casework) -> None:
    # February to May: identified D2, D3 and resolved D1, D3 for the first time (2 and 2, as
    # the 2020 report counts them); on the ledger D1, D2, D3, of which D1 and D3 resolved.
    feb_may = cw.stats("2020-02-01", "2020-05-31")["metrics"]
    assert (feb_may["major_dispute.identified"], feb_may["major_dispute.resolved"]) == (2, 2)
    assert (feb_may["major_dispute.on_ledger"], feb_may["major_dispute.resolved_on_ledger"]) == (
        3,
        2,
    )
    assert feb_may["major_dispute.resolution_rate"] == 66.67
    grouped = cw.stats(*H1, by="month")["rows"]
    assert {r["key"]: r["metrics"]["major_dispute.resolution_rate"] for r in grouped} == {
        k: v["major_dispute.resolution_rate"] for k, v in MONTHLY.items()
    }


def test_zero_denominators_are_null(world: dict[str, Any], cw: Casework) -> None:
    summer = cw.stats("2020-07-01", "2020-09-30")["metrics"]
    assert all(summer[n] is None for n in RATES - {"major_dispute.resolution_rate"})
    # the ledger is a stock: D1, D2, D3 are still on it in summer, D1 and D3 resolved
    assert summer["major_dispute.resolution_rate"] == 66.67
    assert all(summer[n] == 0 for n in CATALOGUE - RATES - STOCKS)
    assert cw.explain("mediation.success_rate", "2020-07-01", "2020-09-30")["value"] is None


def test_explain_lists_what_is_counted(world: dict[str, Any], cw: Casework) -> None:
    def listed(name: str, key: str = "case_no") -> list[tuple[Any, str]]:
        return [(i[key], i["date"]) for i in cw.explain(name, *H1)["items"]]

    resolved = [(world["D1"], "2020-02-15"), (world["D3"], "2020-05-10")]
    assert listed("major_dispute.resolved") == resolved
    assert listed("petition.closed") == [
        (world["P1"], "2020-02-10"),
        (world["P6"], "2020-04-20"),
        (world["P3"], "2020-06-10"),  # concluded by re-review
    ]
    assert sorted(listed("petition.replied_on_time")) == sorted(
        [(world["P1"], "2020-01-20"), (world["P3"], "2020-04-28"), (world["P6"], "2020-04-10")]
    )
    assert listed("mediation.mediated") == [
        (world["M1"], "2020-01-11"),
        (world["M2"], "2020-02-02"),
        (world["M3"], "2020-03-02"),
        (world["M4"], "2020-03-16"),
    ]
    rate = cw.explain("mediation.success_rate", *H1)
    assert (rate["value"], rate["denominator"]) == (50.0, 4)
    assert [i["case_no"] for i in rate["items"]] == [world["M1"], world["M3"]]
    assert listed("screening.special", "screening_id") == [
        (world["S2"], "2020-02-10"),
        (world["S4"], "2020-04-10"),
    ]
    prevented = cw.explain("screening.prevented", *H1)
    assert [(i["screening_id"], i["office"], i["value"]) for i in prevented["items"]] == [
        (world["S1"], "panzhou", 2),
        (world["S2"], "panzhou", 4),
        (world["S3"], "shanmei", 0),
        (world["S4"], "shanmei", 1),
    ]
    # the second resolution of D1 (April) is not a first resolution
    assert cw.explain("major_dispute.resolved", "2020-04-01", "2020-04-30")["items"] == []


def test_explain_always_agrees_with_the_figure(world: dict[str, Any], cw: Casework) -> None:
    periods = [H1, ("2020-07-01", "2020-12-31"), ("2020-01-01", "2020-03-31")]
    periods += [(first, last) for _, first, last in MONTHS]
    cat = catalogue(cw.machines.registry)
    names = sorted(CATALOGUE)
    # Asked one at a time, each figure is the same as asked with all the others (explain_many
    # reads each source once; one at a time, the 27 periods and offices took 3,000 calls).
    for office in (None, "shanmei"):
        alone = [cw.explain(name, *H1, office=office) for name in names]
        assert alone == cw.explain_many(names, *H1, office=office)
    for first, last in periods:
        for office in (None, "panzhou", "shanmei"):
            figures = cw.stats(first, last, office=office)["metrics"]
            hidden = [p for parts in RATE_PARTS.values() for p in parts if p not in figures]
            figures |= cw.stats(first, last, office=office, metrics=hidden)["metrics"]
            every = cw.explain_many(names, first, last, office=office)
            for name, got in zip(names, every, strict=True):
                where = (name, first, last, office)
                assert got["value"] == figures[name], where
                if cat.by_name[name].kind == "sum":
                    assert sum(i["value"] for i in got["items"]) == got["value"], where
                elif name in RATES:
                    n, d = len(got["items"]), got["denominator"]
                    assert got["value"] == (round(100 * n / d, 2) if d else None), where
                    # Reconsideration's numerators are hidden figures (not in ``figures``).
                    numerator, denominator = RATE_PARTS.get(name, (None, None))
                    if numerator is not None:
                        assert n == figures[numerator], where
                    if denominator:
                        assert d == figures[denominator], where
                else:
                    assert len(got["items"]) == got["value"], where


def test_office_scope_and_town_users(world: dict[str, Any], cw: Casework) -> None:
    assert {k: v for k, v in cw.stats(*H1, office="shanmei")["metrics"].items() if k in NAMES} == (
        BY["office"]["shanmei"]
    )
    own = cw.acting("sup_sm").stats(*H1, metrics=list(NAMES))["metrics"]
    assert own == BY["office"]["shanmei"]
    with pytest.raises(NotAllowed):
        cw.acting("sup_sm").stats(*H1, office="panzhou")


def test_local_midnight_decides_the_day(cw: Casework, cli: Cli) -> None:
    late, early = "2020-11-30T23:30", "2020-12-01T00:30"
    numbers = []
    for at in (late, early):
        args = ["case", "register", "petition", "--office", "panzhou", "--title", "夜", "--json"]
        result = cli(*args, "--at", at, user="clerk_pz")
        assert result.exit_code == 0, result.stderr
        numbers.append(json.loads(result.stdout)["case_no"])
        P.intake(cw, numbers[-1], at)
        P.doc(cw, P.TOWN_CLERK, numbers[-1], "acceptance_notice", at)
        accept = ["case", "advance", numbers[-1], "accept", "--set", "notice_method=post"]
        result = cli(*accept, "--at", at, user="sup_pz")
        assert result.exit_code == 0, result.stderr
    november = cw.stats("2020-11-01", "2020-11-30")["metrics"]
    december = cw.stats("2020-12-01", "2020-12-01")["metrics"]
    assert (november["petition.registered"], november["petition.accepted"]) == (1, 1)
    assert (december["petition.registered"], december["petition.accepted"]) == (1, 1)
    items = cw.explain("petition.accepted", "2020-11-01", "2020-12-31")["items"]
    assert [(i["case_no"], i["date"]) for i in items] == [
        (numbers[0], "2020-11-30"),
        (numbers[1], "2020-12-01"),
    ]


def test_as_of_ignores_what_was_recorded_later(cw: Casework, clock: FrozenClock) -> None:
    clock.set("2020-03-10T10:00")
    pa = P.register(cw, "2020-03-02")
    P.accept(cw, pa, "2020-03-03")
    da = D.register(cw, "2020-03-02")
    D.assigned(cw, da, "2020-03-03")
    D.plan(cw, da, "2020-03-04")
    cw.acting("clerk_pz").log_screening("panzhou", "2020-03-05", "routine", 2, 1)
    clock.set("2020-03-10T23:30")  # still 10 March, local time
    pb = P.register(cw, "2020-03-04")
    clock.set("2020-03-11T00:30")  # 10 March in UTC, 11 March locally
    P.register(cw, "2020-03-05")
    P.accept(cw, pb, "2020-03-06")
    D.resolve(cw, da, "2020-03-09")
    cw.acting("sup_pz").add_screening_campaign("zx", "专项", "2020-03-01", "2020-03-31")
    cw.acting("clerk_pz").log_screening("panzhou", "2020-03-06", "special", 4, 3, campaign="zx")
    clock.set("2020-04-01T10:00")
    case(cw, "clerk_pz", "mediation", "panzhou", "2020-03-01",
         ("med_pz", "accept", {"mediator": "med_pz"}, "2020-03-02"),
         ("med_pz", "agree", {"form": "written"}, "2020-03-08"))  # fmt: skip
    march = ("2020-03-01", "2020-03-31")
    keys = ("petition.registered", "petition.accepted", "major_dispute.identified",
            "major_dispute.resolved", "major_dispute.resolution_rate", "screening.sessions",
            "screening.special", "screening.prevented", "mediation.mediated",
            "mediation.agreed", "mediation.success_rate")  # fmt: skip
    expected = {
        "2020-03-09": (0, 0, 0, 0, None, 0, 0, 0, 0, 0, None),
        "2020-03-10": (2, 1, 1, 0, 0.0, 1, 0, 1, 0, 0, None),
        "2020-03-11": (3, 2, 1, 1, 100.0, 2, 1, 4, 0, 0, None),
        "2020-03-31": (3, 2, 1, 1, 100.0, 2, 1, 4, 0, 0, None),
        None: (3, 2, 1, 1, 100.0, 2, 1, 4, 1, 1, 100.0),
    }
    for as_of, values in expected.items():
        result = cw.stats(*march, as_of=as_of)
        assert result.get("as_of") == as_of
        assert tuple(result["metrics"][k] for k in keys) == values, as_of
    early = cw.explain("petition.accepted", *march, as_of="2020-03-10")["items"]
    assert [i["case_no"] for i in early] == [pa]
    assert cw.explain("screening.sessions", *march, as_of="2020-03-10")["value"] == 1


def test_cli_json_csv_xlsx_and_refusals(
    world: dict[str, Any], cli: Cli, tmp_path: os.PathLike[str]
) -> None:
    period = ["--from", H1[0], "--to", H1[1]]
    result = cli("stats", *period, "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {"from", "to", "metrics"} and doc["metrics"]["petition.registered"] == 6
    assert {k: doc["metrics"][k] for k in NAMES} == TOTAL
    result = cli("stats", "--from", "2020-07-01", "--to", "2020-07-31", "--json")
    assert '"mediation.success_rate": null' in result.stdout
    doc = json.loads(cli("stats", *period, "--by", "office", "--json").stdout)
    assert set(doc) == {"from", "to", "by", "rows"} and doc["by"] == "office"
    assert all(set(r) == {"key", "metrics"} for r in doc["rows"])
    by_office = {r["key"]: {k: r["metrics"][k] for k in NAMES} for r in doc["rows"]}
    # every town has a row: its committee (org.committees) stands whether it had cases or not
    assert {k: by_office.pop(k) for k in BY["office"]} == BY["office"]
    assert all(not any(v for v in row.values()) for row in by_office.values())
    assert len(by_office) == 26 and all(r["metrics"]["org.committees"] == 1 for r in doc["rows"])

    doc = json.loads(cli("stats", "explain", "major_dispute.resolved", *period, "--json").stdout)
    assert set(doc) >= {"metric", "from", "to", "value", "items"} and doc["value"] == 2
    assert [(i["case_no"], i["date"]) for i in doc["items"]] == [
        (world["D1"], "2020-02-15"),
        (world["D3"], "2020-05-10"),
    ]
    doc = json.loads(cli("stats", "explain", "screening.special", *period, "--json").stdout)
    assert [i["screening_id"] for i in doc["items"]] == [world["S2"], world["S4"]]

    csv_path = os.path.join(str(tmp_path), "stats.csv")
    xlsx_path = os.path.join(str(tmp_path), "stats.xlsx")
    result = cli("stats", *period, "--csv", csv_path, "--xlsx", xlsx_path)
    assert result.exit_code == 0, result.stderr
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        table = {r[0]: r[1] for r in csv.reader(fh)}
    assert table["信访登记件数 petition.registered"] == "6"
    assert table["调解成功率 mediation.success_rate"] == "50.00%"
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx_path).active
    assert sheet is not None
    cells = {r[0].value: r[1] for r in sheet.iter_rows(min_row=3)}
    assert cells["排查次数 screening.sessions"].value == 4
    # issue 17: a rate is a number shown as a percentage, not the text "66.67%"
    rate = cells["化解率 major_dispute.resolution_rate"]
    assert rate.value == pytest.approx(0.6667) and rate.number_format == "0.00%"

    for args in (
        ["stats", *period, "--metric", "petition.nonsense"],
        ["stats", *period, "--by", "week"],
        ["stats", "--from", H1[1], "--to", H1[0]],
        ["stats", "explain", "petition.nonsense", *period],
    ):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.stdout)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr + result.stdout
