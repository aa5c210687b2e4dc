"""The figures of reconsideration (hotline_reconsideration.md 8, Metrics), from stored cases."""

from __future__ import annotations

from casework.api import Casework
from casework.read.wording import rate_of
from tests.reconsiderations import add_reviewers, register

SUP = "sup_justice"
P = "reconsideration."


def _accepted(cw: Casework, day: str) -> str:
    case_no = str(register(cw, day)["case_no"])
    cw.acting(SUP).advance(case_no, "accept", {"procedure": "ordinary"}, at=day)
    return case_no


def test_reconsideration_figures(cw: Casework) -> None:
    add_reviewers(cw)
    sup, clerk = cw.acting(SUP), cw.acting("clerk_justice")
    on_time = _accepted(cw, "2020-08-03")
    sup.advance(on_time, "decide", {"decision": "annul", "approved_by": "head"}, at="2020-09-18")
    mediated = _accepted(cw, "2020-08-03")
    clerk.add_document(mediated, "mediation_document", at="2020-09-01")
    sup.advance(mediated, "mediate", at="2020-09-01")
    clerk.advance(
        mediated,
        "record_suit",
        {"court_case_no": "（2020）粤0981行初2号", "filed_on": "2020-09-10"},
        at="2020-09-10",
    )
    deemed = str(register(cw, "2020-09-28")["case_no"])
    sup.sweep(as_of="2020-10-13")
    sup.advance(deemed, "withdraw", {"settled": "no"}, at="2020-10-20")
    refused = str(register(cw, "2020-09-01")["case_no"])
    sup.advance(refused, "refuse", {"ground": "out_of_scope"}, at="2020-09-02")
    late = _accepted(cw, "2020-06-01")  # 60 日 from 06-01 end on 07-31
    sup.advance(late, "decide", {"decision": "uphold", "approved_by": "head"}, at="2020-09-01")

    names = [
        "received", "accepted", "not_accepted", "concluded", "decided", "decided.annul",
        "decided.uphold", "correction_rate", "mediation_rate", "on_time_rate", "sued",
        "sued.mediated",
    ]  # fmt: skip
    got = cw.stats("2020-01-01", "2020-11-30", metrics=[P + n for n in names])["metrics"]
    assert [got[P + n] for n in names] == [5, 4, 1, 4, 2, 1, 1, 25.0, 25.0, 75.0, 1, 1]
    explained = cw.explain(P + "accepted", "2020-01-01", "2020-11-30")
    assert explained["value"] == 4
    assert {i.get("case_no") for i in explained["items"]} == {on_time, mediated, deemed, late}


def test_rates_round_half_up() -> None:
    assert rate_of(2, 3) == 66.67
