"""Reporting periods (casework/time/periods.py): a month, a quarter or a year by name, and the
one a pair of dates spans."""

from __future__ import annotations

from datetime import date

import pytest

from casework.errors import InvalidData
from casework.time.periods import ReportingPeriod


@pytest.mark.parametrize(
    ("text", "name", "first", "last"),
    [
        ("2020-11", "2020-11", date(2020, 11, 1), date(2020, 11, 30)),
        ("2020-12", "2020-12", date(2020, 12, 1), date(2020, 12, 31)),
        (" 2020-02 ", "2020-02", date(2020, 2, 1), date(2020, 2, 29)),
        ("2020q4", "2020Q4", date(2020, 10, 1), date(2020, 12, 31)),
        ("2020-Q1", "2020Q1", date(2020, 1, 1), date(2020, 3, 31)),
        ("2019", "2019", date(2019, 1, 1), date(2019, 12, 31)),
        # as a full-width input method types them (issue 17 point 4)
        ("２０２０", "2020", date(2020, 1, 1), date(2020, 12, 31)),
        ("2020-１1", "2020-11", date(2020, 11, 1), date(2020, 11, 30)),
        ("２０２０Ｑ４", "2020Q4", date(2020, 10, 1), date(2020, 12, 31)),
    ],
)
def test_periods_by_name(text: str, name: str, first: date, last: date) -> None:
    found = ReportingPeriod.parse(text)
    assert (found.name, found.first_day, found.last_day) == (name, first, last)


@pytest.mark.parametrize(
    "text",
    ["2020-13", "2020-00", "2020-1", "2020Q5", "1989", "2100", "", "0000", "0000-01", "0000Q1"],
)
def test_malformed_periods_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(InvalidData) as refused:
        ReportingPeriod.parse(text)
    assert refused.value.field == "period" and "\n" not in str(refused.value)


def test_the_period_a_pair_of_dates_spans() -> None:
    def named(first: date, last: date) -> str | None:
        found = ReportingPeriod.spanning(first, last)
        return None if found is None else found.name

    assert named(date(2020, 1, 1), date(2020, 1, 31)) == "2020-01"
    assert named(date(2020, 1, 1), date(2020, 3, 31)) == "2020Q1"
    assert named(date(2020, 1, 1), date(2020, 12, 31)) == "2020"
    assert named(date(2020, 1, 1), date(2020, 11, 30)) is None
    assert named(date(2020, 1, 2), date(2020, 1, 31)) is None
