"""The phones' fast path gives exactly what ``phonenumbers`` gives (casework.domain.phones)."""

from __future__ import annotations

import random

import pytest

from casework.domain.identity import check_phone
from casework.domain.phones import UNSURE, fast_mobile, normal_phone, parsed_phone
from casework.errors import InvalidData

# The ways a mobile is written that the fast path reads (and a few it leaves to the parse).
SHAPES = (
    "{a}{b}{c}",
    "{a} {b} {c}",
    "{a}-{b}-{c}",
    "{a}{b} {c}",
    "{a} {b}{c}",
    "+86{a}{b}{c}",
    "+86 {a} {b} {c}",
    "+86-{a}-{b}-{c}",
    "+86 {a}{b}{c}",
    "86{a}{b}{c}",
    "0{a}{b}{c}",
    "+860{a}{b}{c}",
    "{a} - {b} {c}",
    "{a}{b}{c}0",
    "{a}{b}{short}",
    "{a} {b} {short}",
)


def numbers(rng: random.Random) -> list[str]:
    """Every 1xx and 1xxx prefix with random rest, the carrier codes, prefixes and edge
    digits parsing treats apart (179xx, 11xx, 12xx, 10xx, 1740x, 1610x), in every shape."""
    out: list[str] = []
    prefixes = [f"1{i:02d}" for i in range(100)] + [f"1{i:03d}" for i in range(1000)]
    for prefix in prefixes:
        for _ in range(3):
            digits = prefix + "".join(rng.choice("0123456789") for _ in range(11 - len(prefix)))
            out.append(digits)
    out += ["13800138000", "17951138001", "11808123456", "12593123456", "10010123456"]
    out += ["17400123456", "17406123456", "16100123456", "16101123456", "10000000000"]
    out += ["19999999999", "18000000000", "14500000000", "14000000000", "16012345678"]
    shaped = []
    for digits in out:
        a, b, c = digits[:3], digits[3:7], digits[7:]
        shaped += [shape.format(a=a, b=b, c=c, short=c[:-1]) for shape in SHAPES]
    return shaped


def test_the_fast_path_gives_what_phonenumbers_gives() -> None:
    sure = 0
    for raw in numbers(random.Random(18)):
        fast = fast_mobile(raw)
        if fast != UNSURE:
            sure += 1
            assert fast == parsed_phone(raw), raw
        assert normal_phone(raw) == parsed_phone(raw), raw
    # The fast path answers the common shapes (not every number goes the full way).
    assert sure > 20_000


def test_the_common_mobiles_take_the_fast_path() -> None:
    for raw in ("13812345678", "138 1234 5678", "+86 138 1234 5678", "+8613812345678"):
        assert fast_mobile(raw) == "13812345678", raw
        assert parsed_phone(raw) == "13812345678", raw
    for raw in ("14012345678", "16012345678", "19412345678"):
        assert fast_mobile(raw) is None, raw  # no mobile range: invalid, as phonenumbers says
        assert parsed_phone(raw) is None, raw


def test_what_the_fast_path_leaves_to_the_parse() -> None:
    # A carrier code parsing strips (17951), a Beijing landline without its 0, a landline.
    for raw in ("17951 1381 2345", "1012345678", "10 1234 5678", "0668-1234567"):
        assert fast_mobile(raw) == UNSURE, raw


def test_the_demo_and_the_tests_phones() -> None:
    """The shapes the demo (casework.demo.people) and the suite register, both ways."""
    rng = random.Random(7)
    demo = [
        rng.choice(("138", "139", "135", "137", "150", "152", "158", "188", "189", "133"))
        + f"{rng.randrange(0, 10**8):08d}"
        for _ in range(2000)
    ]
    written = ["13800138000", "13900139000", "138 0013 8000", "13900000000", "13800138001"]
    landlines = ["0668-1234567", "06681234567", "0668-6622345", "(0668)1234567"]
    landlines += ["0668 1234567", "+86-668-1234567", "010-12345678", "020 8765 4321"]
    for raw in [*demo, *written, *landlines]:
        assert normal_phone(raw) == parsed_phone(raw), raw
    assert check_phone("+86-668-1234567") == "0668-1234567"
    assert check_phone("138 0013 8000") == "13800138000"
    for bad in ["12345", "23800138000", "1380013800a", "+86 138", "14012345678"]:
        with pytest.raises(InvalidData):
            check_phone(bad)
