"""What one computation reads once for several figures (casework/read/once.py) changes none of
them: the figures computed together equal each computed alone, and outside a computation
nothing is kept."""

from __future__ import annotations

from casework.api import Casework
from casework.read.once import once, reading_once
from tests import petitions as P


def test_once_shares_only_inside_a_computation() -> None:
    made: list[int] = []

    def make() -> list[int]:
        made.append(1)
        return [len(made)]

    assert once("k", make) == [1] and once("k", make) == [2]  # outside: read afresh
    with reading_once():
        first = once("k", make)
        with reading_once():  # nested: the outer computation's
            assert once("k", make) is first
        assert once("other", make) == [4]
    assert once("k", make) == [5]


def petitions(cw: Casework) -> None:
    """Petitions routed, due and replied (in time, late, after an extension) over a quarter,
    some of them delivered and rated."""
    admin = cw.acting(P.TOWN_SUP)
    for n, day in enumerate(("2020-01-02", "2020-01-06", "2020-01-10", "2020-02-03")):
        case_no = P.register(cw, day)
        P.accept(cw, case_no, day)
        if n == 2:
            P.doc(cw, P.TOWN_CLERK, case_no, "extension_notice", "2020-03-01")
            extension = {"days": "30", "reason": "复杂", **P.NOTICE}
            admin.advance(case_no, "extend", extension, at="2020-03-01")
        P.reply(cw, case_no, ("2020-02-20", "2020-03-10", "2020-04-02", "2020-03-02")[n])
        if n != 1:
            P.deliver(cw, case_no, "2020-04-06")
            P.evaluate(cw, case_no, "2020-04-07")
    P.register(cw, "2020-03-05")


def test_figures_computed_together_equal_each_computed_alone(cw: Casework) -> None:
    petitions(cw)
    admin = cw.acting("admin")
    names = [n for n in admin.stats("2020-01-01", "2020-06-30")["metrics"]]
    for start, end, as_of in (
        ("2020-01-01", "2020-06-30", None),
        ("2020-03-01", "2020-03-31", None),
        ("2020-01-01", "2020-06-30", "2020-12-01"),  # as recorded by the clock's day
    ):
        together = admin.stats(start, end, as_of=as_of)["metrics"]
        alone = {n: admin.stats(start, end, as_of=as_of, metrics=[n])["metrics"][n] for n in names}
        assert together == alone, (start, end, as_of)
        assert together["petition.due"] and together["petition.replied"], (start, end)
        by_office = admin.stats(start, end, by="office", as_of=as_of)["rows"]
        for row in by_office:
            office = admin.stats(start, end, as_of=as_of, office=row["key"])["metrics"]
            assert row["metrics"] == office, (start, end, as_of, row["key"])
