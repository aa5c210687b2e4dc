"""The petition figures of petition.md (Statistics) and the cohort 化解率 of major disputes,
against counts made by hand over small sets of cases taken through the API: each figure's
value, the cases ``explain`` lists behind it, and its groupings by channel and reason."""

from __future__ import annotations

from typing import Any

from casework.api import Casework
from tests import major_disputes as D
from tests import petitions as P
from tests.helpers import FrozenClock


def figures(cw: Casework, start: str, end: str, *names: str, **kw: Any) -> dict[str, Any]:
    metrics = [f"petition.{n}" if "." not in n else n for n in names]
    found = cw.acting("admin").stats(start, end, metrics=metrics, **kw)["metrics"]
    return {name.removeprefix("petition."): value for name, value in found.items()}


def listed(cw: Casework, metric: str, start: str, end: str, **kw: Any) -> list[str]:
    name = metric if "." in metric else f"petition.{metric}"
    return [i["case_no"] for i in cw.acting("admin").explain(name, start, end, **kw)["items"]]


def routed(cw: Casework, at: str, accepted_at: str, method: str = "post", **values: str) -> str:
    """A petition registered on ``at`` and accepted, told by ``method``."""
    case_no = P.register(cw, at, **values)
    P.intake(cw, case_no, at)
    P.doc(cw, P.TOWN_CLERK, case_no, "acceptance_notice", accepted_at)
    cw.acting(P.TOWN_SUP).advance(case_no, "accept", {"notice_method": method}, at=accepted_at)
    return case_no


def visit(cw: Casework, at: str, people: int) -> str:
    return P.register(cw, at, channel="visit", people=str(people))


def test_visits_in_batches_and_persons_with_the_collective_minimum_of_the_day(
    cw: Casework,
) -> None:
    one, group = visit(cw, "2020-03-02", 1), visit(cw, "2020-03-03", 6)
    letter = P.register(cw, "2020-03-03")
    # From 5 March a collective visit needs 6 people: a visit of 5 that day is not one, a visit
    # of 5 before it was.
    before = visit(cw, "2020-03-04", 5)
    cw.acting("admin").config_set("petition.collective_min", "6", "2020-03-05")
    after = visit(cw, "2020-03-10", 5)
    got = figures(cw, "2020-03-01", "2020-03-31", "visit_batches", "visit_persons",
                  "collective_batches", "collective_persons", "registered")  # fmt: skip
    assert got == {"visit_batches": 4, "visit_persons": 17, "collective_batches": 2,
                   "collective_persons": 11, "registered": 5}  # fmt: skip
    assert listed(cw, "visit_batches", "2020-03-01", "2020-03-31") == [one, group, before, after]
    assert letter not in listed(cw, "visit_persons", "2020-03-01", "2020-03-31")
    assert listed(cw, "collective_batches", "2020-03-01", "2020-03-31") == [group, before]
    admin = cw.acting("admin")
    explained = admin.explain("petition.collective_persons", "2020-03-01", "2020-03-31")
    assert [i.get("value") for i in explained["items"]] == [6, 5]


def test_timely_acceptance_needs_the_limit_and_a_written_notice(cw: Casework) -> None:
    on_time = routed(cw, "2020-04-01", "2020-04-10")
    late = routed(cw, "2020-04-01", "2020-04-20")  # decide_limit's last day is 16 April
    by_phone = routed(cw, "2020-04-02", "2020-04-05", method="phone")  # not a written method
    earlier = routed(cw, "2020-03-25", "2020-03-30")  # first routed in March
    P.register(cw, "2020-04-03")  # not routed yet
    got = figures(cw, "2020-04-01", "2020-04-30", "decided", "decided_on_time", "timely_rate")
    assert got == {"decided": 3, "decided_on_time": 1, "timely_rate": 33.33}
    assert sorted(listed(cw, "decided", "2020-04-01", "2020-04-30")) == sorted(
        [on_time, late, by_phone]
    )
    assert listed(cw, "timely_rate", "2020-04-01", "2020-04-30") == [on_time]
    assert listed(cw, "decided_on_time", "2020-03-01", "2020-03-31") == [earlier]
    # Phone notices written from April: the same case counts as told in writing.
    cw.acting("admin").config_set("petition.written_methods", "in_person,post,sms,online,phone",
                                  "2020-04-01")  # fmt: skip
    assert figures(cw, "2020-04-01", "2020-04-30", "decided_on_time")["decided_on_time"] == 2


def test_an_unknown_address_waives_the_notice(cw: Casework) -> None:
    case_no = P.register(cw, "2020-04-01", address_known="no")
    P.intake(cw, case_no, "2020-04-02")
    cw.acting(P.TOWN_SUP).advance(case_no, "accept", at="2020-04-02")
    assert listed(cw, "decided_on_time", "2020-04-01", "2020-04-30") == [case_no]


def test_due_and_on_time_by_the_reply_limit_with_its_extension(cw: Casework) -> None:
    replied = routed(cw, "2020-01-02", "2020-01-02")  # limit ends 2 March
    P.reply(cw, replied, "2020-02-20")
    late = routed(cw, "2020-01-06", "2020-01-06")  # limit ends 6 March, replied on the 10th
    P.reply(cw, late, "2020-03-10")
    extended = routed(cw, "2020-01-10", "2020-01-10")  # 60 + 30 days: ends 9 April
    P.doc(cw, P.TOWN_CLERK, extended, "extension_notice", "2020-03-01")
    extension = {"days": "30", "reason": "复杂", **P.NOTICE}
    cw.acting(P.TOWN_SUP).advance(extended, "extend", extension, at="2020-03-01")
    routed(cw, "2020-03-02", "2020-03-02")  # ends in May
    march = figures(cw, "2020-03-01", "2020-03-31", "due", "due_on_time", "on_time_rate")
    assert march == {"due": 2, "due_on_time": 1, "on_time_rate": 50.0}
    assert listed(cw, "due", "2020-03-01", "2020-03-31") == [replied, late]
    assert listed(cw, "on_time_rate", "2020-03-01", "2020-03-31") == [replied]
    april = figures(cw, "2020-04-01", "2020-04-30", "due", "due_on_time", "on_time_rate")
    assert april == {"due": 1, "due_on_time": 0, "on_time_rate": 0.0}
    assert listed(cw, "due", "2020-04-01", "2020-04-30") == [extended]
    # No reply limit ends in February: the rate is absent, not 0 or 100.
    assert figures(cw, "2020-02-01", "2020-02-29", "due", "on_time_rate") == {
        "due": 0,
        "on_time_rate": None,
    }


def delivered(cw: Casework, at: str, rating: str | None = None, rated_at: str | None = None) -> str:
    case_no = routed(cw, at, at)
    P.reply(cw, case_no, at)
    P.deliver(cw, case_no, at)
    if rating is not None:
        P.evaluate(cw, case_no, rated_at or at, rating)
    return case_no


def test_evaluation_and_satisfaction_of_the_replies_delivered(
    cw: Casework, clock: FrozenClock
) -> None:
    clock.set("2020-06-01T02:00:00Z")
    satisfied = delivered(cw, "2020-05-06", "satisfied", "2020-05-25")
    unhappy = delivered(cw, "2020-05-10", "unsatisfied")
    basic = delivered(cw, "2020-05-15", "basic")
    unrated = delivered(cw, "2020-05-18")
    delivered(cw, "2020-04-28", "satisfied")  # delivered in April
    clock.set("2020-06-10T02:00:00Z")
    P.evaluate(cw, unrated, "2020-06-09", "satisfied")  # rated after 1 June's as-of
    may = ("2020-05-01", "2020-05-31")
    names = ("evaluable", "evaluated", "evaluation_rate", "satisfied", "satisfaction_rate")
    assert figures(cw, *may, *names) == {"evaluable": 4, "evaluated": 4, "evaluation_rate": 100.0,
                                         "satisfied": 3, "satisfaction_rate": 75.0}  # fmt: skip
    as_of = figures(cw, *may, *names, as_of="2020-06-01")
    assert as_of == {"evaluable": 4, "evaluated": 3, "evaluation_rate": 75.0, "satisfied": 2,
                     "satisfaction_rate": 66.67}  # fmt: skip
    assert listed(cw, "evaluable", *may) == [satisfied, unhappy, basic, unrated]
    assert listed(cw, "evaluation_rate", *may, as_of="2020-06-01") == [satisfied, unhappy, basic]
    assert listed(cw, "satisfaction_rate", *may, as_of="2020-06-01") == [satisfied, basic]
    # 基本满意 counted as satisfied only while the setting says so.
    cw.acting("admin").config_set("petition.satisfied_ratings", "satisfied", "2020-05-01")
    assert figures(cw, *may, "satisfied")["satisfied"] == 2


def test_flags_at_registration(cw: Casework) -> None:
    first = P.register(cw, "2020-06-01")
    repeat = P.register(cw, "2020-06-10")  # the same petitioner, the same matter
    cw.acting(P.TOWN_CLERK).link(repeat, first, "same_matter", at="2020-06-11")
    skipped = P.register(cw, "2020-06-12", channel="visit", visited_level="maoming",
                         parties=("petitioner:李某",))  # fmt: skip
    local = P.register(cw, "2020-06-12", channel="visit", visited_level="local",
                       parties=("petitioner:王某",))  # fmt: skip
    june = ("2020-06-01", "2020-06-30")
    assert figures(cw, *june, "repeat", "first", "skip_level") == {
        "repeat": 1,
        "first": 3,
        "skip_level": 1,
    }
    assert listed(cw, "repeat", *june) == [repeat]
    assert listed(cw, "first", *june) == [first, skipped, local]
    assert listed(cw, "skip_level", *june) == [skipped]


def test_each_routing_step_counted_once_on_its_first_day(cw: Casework) -> None:
    refused = P.register(cw, "2020-07-01")
    P.intake(cw, refused, "2020-07-01")
    P.doc(cw, P.TOWN_CLERK, refused, "non_acceptance_notice", "2020-07-02")
    cw.acting(P.TOWN_SUP).advance(refused, "refuse", {"reason": "outside_remit", **P.NOTICE},
                                  at="2020-07-02")  # fmt: skip
    sent, received = P.forwarded(cw, "2020-07-03")
    bureau, town = P.assigned(cw, "2020-07-06")
    reviewed = P.reviewed(cw, "2020-07-01", "2020-07-08", "2020-07-20")
    supervised = routed(cw, "2020-07-01", "2020-07-02")
    P.doc(cw, P.BUREAU_CLERK, supervised, "supervision_letter", "2020-07-21")
    cw.acting(P.BUREAU_SUP).advance(supervised, "supervise", {"note": "催办"}, at="2020-07-21")
    july = ("2020-07-01", "2020-07-31")
    names = ("not_accepted", "forwarded", "assigned_down", "supervised", "reviewed", "rereviewed")
    assert figures(cw, *july, *names) == {**dict.fromkeys(names, 1), "rereviewed": 0}
    assert listed(cw, "not_accepted", *july) == [refused]
    assert listed(cw, "forwarded", *july) == [sent]
    assert listed(cw, "assigned_down", *july) == [bureau]
    assert listed(cw, "reviewed", *july) == [reviewed]
    assert listed(cw, "supervised", *july) == [supervised]
    assert received and town  # the spawned cases are registered, not routed
    assert figures(cw, "2020-08-01", "2020-08-31", *names) == dict.fromkeys(names, 0)


def test_by_channel_and_by_reason(cw: Casework) -> None:
    for at in ("2020-08-03", "2020-08-04"):
        visit(cw, at, 2)
    letter = P.register(cw, "2020-08-05")
    P.intake(cw, letter, "2020-08-05")
    P.doc(cw, P.TOWN_CLERK, letter, "non_acceptance_notice", "2020-08-06")
    cw.acting(P.TOWN_SUP).advance(letter, "refuse", {"reason": "other_body", **P.NOTICE},
                                  at="2020-08-06")  # fmt: skip
    names = ["petition.registered", "petition.visit_persons", "petition.not_accepted"]
    admin = cw.acting("admin")
    by_channel = admin.stats("2020-08-01", "2020-08-31", by="channel", metrics=names)
    rows = {r["key"]: r["metrics"] for r in by_channel["rows"]}
    assert rows == {
        "letter": {"petition.registered": 1, "petition.visit_persons": 0,
                   "petition.not_accepted": 1},
        "visit": {"petition.registered": 2, "petition.visit_persons": 4,
                  "petition.not_accepted": 0},
    }  # fmt: skip
    by_reason = admin.stats("2020-08-01", "2020-08-31", by="reason", metrics=names)
    rows = {r["key"]: r["metrics"]["petition.not_accepted"] for r in by_reason["rows"]}
    assert rows == {"other_body": 1, "none": 0}
    computed = admin.stats("2020-08-01", "2020-08-31", by="channel", metrics=["petition.decided"])
    assert {r["key"]: r["metrics"]["petition.decided"] for r in computed["rows"]} == {"letter": 1}


def test_the_cohort_resolution_rate_where_resolved_over_identified_passed_100(
    cw: Casework,
) -> None:
    off = D.register(cw, "2020-01-06")  # resolved and 销号 in February: off March's ledger
    D.resolved(cw, off, "2020-01-07", "2020-01-08", "2020-02-10")
    D.verify(cw, off, "2020-02-12")
    older = [D.register(cw, at) for at in ("2020-02-03", "2020-02-04")]
    for case_no in older:
        D.resolved(cw, case_no, "2020-02-05", "2020-02-06", "2020-03-10")
    new = D.register(cw, "2020-03-16")  # identified in March, not resolved
    march = ("2020-03-01", "2020-03-31")
    got = figures(cw, *march, "major_dispute.identified", "major_dispute.resolved",
                  "major_dispute.on_ledger", "major_dispute.resolved_on_ledger",
                  "major_dispute.resolution_rate")  # fmt: skip
    # Resolved ÷ identified would be 2 ÷ 1 = 200%; of the three on the ledger, two resolved.
    assert got == {"major_dispute.identified": 1, "major_dispute.resolved": 2,
                   "major_dispute.on_ledger": 3, "major_dispute.resolved_on_ledger": 2,
                   "major_dispute.resolution_rate": 66.67}  # fmt: skip
    assert set(listed(cw, "major_dispute.on_ledger", *march)) == {*older, new}
    assert set(listed(cw, "major_dispute.resolution_rate", *march)) == set(older)
    rows = cw.acting("admin").stats("2020-01-01", "2020-03-31", by="month",
                                    metrics=["major_dispute.resolution_rate",
                                             "major_dispute.on_ledger"])["rows"]  # fmt: skip
    by_month = {r["key"]: r["metrics"] for r in rows}
    assert by_month["2020-02"] == {"major_dispute.resolution_rate": 33.33,
                                   "major_dispute.on_ledger": 3}  # fmt: skip
    assert by_month["2020-03"]["major_dispute.resolution_rate"] == 66.67
    assert all(0 <= r["major_dispute.resolution_rate"] <= 100 for r in by_month.values())
