from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casework.domain.identity import (
    check_id_number,
    check_phone,
    id_check_digit,
    mask_id,
    mask_phone,
)
from casework.domain.parties import parse_party
from casework.errors import InvalidData
from casework.time.local import local_date, parse_date, parse_when


def test_gb11643_check_digit() -> None:
    # The standard's worked example: 11010519491231002X
    assert id_check_digit("11010519491231002") == "X"
    assert check_id_number("11010519491231002x") == "11010519491231002X"
    assert check_id_number("110101199003074514") == "110101199003074514"


@pytest.mark.parametrize(
    "bad",
    [
        "110101199003074515",
        "11010119900307451",
        "1101011990030745144",
        "11010119901307451X",
        "ABCDEFGHIJKLMNOPQR",
        "",
        "110101180001010010",
    ],
)
def test_bad_id_numbers_are_refused(bad: str) -> None:
    with pytest.raises(InvalidData):
        check_id_number(bad)


def test_refusals_never_echo_a_whole_id_number() -> None:
    with pytest.raises(InvalidData) as err:
        check_id_number("110101199003074515")
    assert "110101199003074515" not in str(err.value)


def test_phones() -> None:
    assert check_phone("13800138000") == "13800138000"
    assert check_phone("0668-6622345") == "0668-6622345"
    for bad in ["12345", "23800138000", "1380013800a", "+86 138"]:
        with pytest.raises(InvalidData):
            check_phone(bad)


def test_masks() -> None:
    assert mask_id("440981198512120013") == "440981********0013"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id(None) is None


def test_party_specs() -> None:
    p = parse_party("applicant:张三::13800138000")
    assert (p.role, p.name, p.id_number, p.phone) == ("applicant", "张三", None, "13800138000")
    with pytest.raises(InvalidData):
        parse_party("just-a-name")


def test_times_are_china_standard_time() -> None:
    at = parse_when("2020-03-02T09:30")
    assert at == datetime(2020, 3, 2, 1, 30, tzinfo=UTC)
    assert parse_when("2020-03-02") == datetime(2020, 3, 1, 16, 0, tzinfo=UTC)
    assert parse_when("2020-03-02T09:30+00:00") == datetime(2020, 3, 2, 9, 30, tzinfo=UTC)
    # 23:30 UTC on 1 March is already 2 March in Gaozhou
    assert local_date(datetime(2020, 3, 1, 23, 30, tzinfo=UTC)) == date(2020, 3, 2)
    assert parse_date("2020-11-30") == date(2020, 11, 30)


@pytest.mark.parametrize(
    "bad", ["2020-13-01", "yesterday", "", "2020/03/02", "2020-02-30", "9" * 50, "0001-01-01"]
)
def test_malformed_times_are_refused(bad: str) -> None:
    with pytest.raises(InvalidData):
        parse_when(bad)


def test_full_width_times_are_their_ascii_form() -> None:
    """Issue 17 point 4: a full-width input method's digits, dashes and colons are read."""
    assert parse_when("２０２０－03－02Ｔ09：30") == parse_when("2020-03-02T09:30")
    assert parse_date("\u3000２０２０-11-30") == date(2020, 11, 30)
