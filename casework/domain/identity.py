"""Resident ID numbers (GB 11643-1999), phone numbers and their masking.

Both are read as typed (casework.typed: full-width digits and Ｘ, ideographic spaces) and
kept in one normal form, whatever the entry path (the CLI's ``--party``, a correction, a
ledger's cells, the web's forms, a search): an ID number as 18 ASCII characters with an
upper-case X, a phone as Chinese offices write it (:func:`check_phone`).

Phones are read by ``phonenumbers``' rules, the common mobile shapes without the library's
parse (casework.domain.phones).
"""

from __future__ import annotations

import re
from datetime import date

from casework.domain.phones import normal_phone
from casework.errors import InvalidData
from casework.typed import typed

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_WEIGHT_SUM = sum(_WEIGHTS)
_CHECK = "10X98765432"
_ID = re.compile(r"[0-9]{17}[0-9X]")
# What a phone may be written with: digits, +86, brackets round an area code, separators.
_PHONE_CHARS = re.compile(r"[0-9+()\-. ]{5,40}")


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
    raw = "".join(typed(text).split()).upper()
    if not _ID.fullmatch(raw):
        raise _bad_id(text, "应为17位数字加一位数字或X (17 digits and a digit or X)")
    try:
        born = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        raise _bad_id(text, "出生日期不存在 (an impossible birth date)") from None
    if born.year < 1900:
        raise _bad_id(text, "出生日期不存在 (an impossible birth date)")
    if id_check_digit(raw[:17]) != raw[17]:
        raise _bad_id(text, "校验码错误 (a wrong check digit)")
    return raw


def _bad_id(text: str, why: str) -> InvalidData:
    shown = _safe(text)
    return InvalidData(f"身份证号 ID number {shown} {why}", field="party.id_number", value=shown)


def check_phone(text: str) -> str:
    """A mainland mobile or landline number in its normal form, or InvalidData.

    Read by the ``phonenumbers`` library's rules (region CN, casework.domain.phones):
    ``13812345678``, ``138 1234 5678``, ``+86 138 1234 5678``, ``(0668)1234567``,
    ``0668 1234567``, ``+86-668-1234567``. Kept as
    Chinese offices write them: a mobile as its 11 digits (``13812345678``), a landline as
    its area code with the trunk 0, a hyphen and the local number (``0668-1234567``). Not
    E.164: a leading ``+`` is what a CSV export neutralises as a formula."""
    raw = " ".join(typed(text).split())
    normal = normal_phone(raw) if _PHONE_CHARS.fullmatch(raw) else None
    if normal is not None:
        return normal
    shown = _safe(text)
    raise InvalidData(
        f"电话 phone {shown} 不是有效的手机或固定电话号码（如 13812345678、0668-1234567）"
        " (not a mainland mobile or landline)",
        field="party.phone",
        value=shown,
    )


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
