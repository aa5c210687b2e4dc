"""Resident ID numbers (GB 11643-1999), phone numbers and their masking."""

from __future__ import annotations

import re
from datetime import date

from casework.errors import InvalidData

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_WEIGHT_SUM = sum(_WEIGHTS)
_CHECK = "10X98765432"
_ID = re.compile(r"\d{17}[\dX]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    digits = first17.encode("ascii")
    if len(digits) != 17 or not digits.isdigit():
        raise ValueError("an ID number's check digit needs exactly 17 digits")
    # Bytes iterate as code points: subtracting '0' × the weights' sum gives the digits' sum.
    total = sum(map(int.__mul__, digits, _WEIGHTS)) - 48 * _WEIGHT_SUM
    return _CHECK[total % 11]


def check_id_number(text: str) -> str:
    """Return a valid 18-character resident ID number in canonical form, or raise InvalidData."""
    raw = text.strip().upper()
    if not _ID.fullmatch(raw):
        raise InvalidData(f"ID number {_safe(text)} must be 17 digits and a digit or X")
    try:
        born = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise InvalidData(f"ID number {_safe(text)} has an impossible birth date") from None
    if born.year < 1900:
        raise InvalidData(f"ID number {_safe(text)} has an impossible birth date")
    if id_check_digit(raw[:17]) != raw[17]:
        raise InvalidData(f"ID number {_safe(text)} has a wrong check digit")
    return raw


def check_phone(text: str) -> str:
    """Return a mainland mobile or landline number, or raise InvalidData."""
    raw = text.strip().replace(" ", "")
    if _MOBILE.fullmatch(raw) or _LANDLINE.fullmatch(raw):
        return raw
    raise InvalidData(f"phone {_safe(text)} is not a mainland mobile or landline number")


def mask_id(number: str | None) -> str | None:
    """``440981********1234``: region code and last four characters only."""
    if not number:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(number: str | None) -> str | None:
    """``138****5678``: the first three and last four digits only."""
    if not number:
        return number
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def _safe(text: str) -> str:
    # Never echo a full ID back into logs or terminals; bad input may be a real number.
    shown = text.strip()
    if len(shown) > 24:
        shown = shown[:24] + "…"
    return repr(mask_id(shown) if len(shown) >= 10 else shown)
