"""Day counting on China's 2020 calendar, with real dates."""

from __future__ import annotations

from datetime import date

import pytest

from casework.errors import InvalidData
from casework.time.calendar import Calendar, CalendarMissing, calendar_from, parse_holiday_file

CAL = Calendar()


def test_weekends_holidays_and_make_up_days() -> None:
    assert CAL.is_working_day(date(2020, 11, 30))  # Monday
    assert not CAL.is_working_day(date(2020, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2020, 10, 5))  # National Day holiday, a Monday
    assert CAL.is_working_day(date(2020, 9, 27))  # Sunday worked for National Day (调休)
    assert CAL.is_working_day(date(2020, 10, 10))  # Saturday worked for National Day


def test_limit_ending_on_a_weekend_moves_to_monday() -> None:
    # registered Friday 2020-03-06; 15 days end on Saturday 2020-03-21
    assert CAL.add_days(date(2020, 3, 6), 15, roll=False) == date(2020, 3, 21)
    assert CAL.add_days(date(2020, 3, 6), 15) == date(2020, 3, 23)


def test_limit_ending_inside_national_day_moves_to_october_9() -> None:
    # accepted 2020-08-03; 60 days end on 2020-10-02, inside the 2020-10-01..08 holiday
    assert CAL.add_days(date(2020, 8, 3), 60) == date(2020, 10, 9)
    assert CAL.add_days(date(2020, 9, 8), 30) == date(2020, 10, 9)


def test_working_days_count_the_make_up_sunday() -> None:
    # Friday 2020-09-25: the next working day is Sunday 2020-09-27 (调休上班)
    assert CAL.add_working_days(date(2020, 9, 25), 1) == date(2020, 9, 27)
    assert CAL.add_working_days(date(2020, 9, 25), 2) == date(2020, 9, 28)
    # 2020-09-30 + 1 working day jumps the whole National Day holiday to 2020-10-09
    assert CAL.add_working_days(date(2020, 9, 30), 1) == date(2020, 10, 9)


def test_working_days_across_the_lengthened_2020_spring_festival() -> None:
    # The State Council extended the 2020 Spring Festival holiday to 2 February (epidemic).
    assert not CAL.is_working_day(date(2020, 1, 31))  # Friday, holiday
    assert not CAL.is_working_day(date(2020, 2, 2))  # Sunday, extended holiday
    assert CAL.is_working_day(date(2020, 1, 19))  # Sunday worked before the festival
    assert CAL.add_working_days(date(2020, 1, 23), 1) == date(2020, 2, 3)
    # 1-19 (a Sunday worked), 1-20..23, then nothing until 2-3..7
    assert CAL.working_days_between(date(2020, 1, 17), date(2020, 2, 7)) == 10


def test_a_year_no_source_covers_fails_clearly() -> None:
    with pytest.raises(CalendarMissing, match=r"尚无 2027 年.*known for 2027.*calendar add") as e:
        CAL.add_days(date(2026, 12, 20), 15)
    assert e.value.year == 2027 and "2027-01-04" in e.value.reason


def test_a_holiday_file_covers_a_new_year() -> None:
    entries = parse_holiday_file(
        "# 2027 arrangement\n"
        "2027-01-01..2027-01-03 holiday 元旦\n"
        "2027-02-06..2027-02-13 holiday 春节\n"
        "2027-02-14 workday 春节调休上班\n"
    )
    cal = calendar_from(entries, {2027})
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 2, 14))  # a Sunday worked
    assert not cal.is_working_day(date(2027, 2, 8))  # a Monday of the festival
    # 2026 still comes from the package; a limit from December 2026 runs into 2027
    assert cal.add_days(date(2026, 12, 17), 15) == date(2027, 1, 4)


@pytest.mark.parametrize(
    "text",
    [
        "2027-13-01 holiday x",
        "2027-01-01 rest",
        "2027-01-05..2027-01-01 holiday",
        "2027-01-01 holiday\n2027-01-01 workday",
        "",
        "# only a comment",
        "nonsense",
    ],
)
def test_bad_holiday_files_are_refused(text: str) -> None:
    with pytest.raises(InvalidData):
        parse_holiday_file(text)
