"""Values as clerks type them: ID numbers, phones, dates and numbers in their normal form, and
the one range of dates, years and counts casework takes (issue 17 point 4).

A Chinese input method in full-width mode types ``４４０９８１…`` for ``440981…``, ``Ｘ`` for
``X``, ``－`` for ``-``, ``：`` for ``:`` and U+3000 for a space, and spreadsheets keep what was
typed. Unicode's compatibility normalisation (NFKC) folds each to its ASCII form; only values
read as identifiers, dates and numbers go through it, never a title or a name, whose
full-width punctuation is the text itself.

The range: settings and committees begin on 1990-01-01 (casework.storage.config.EPOCH), which
no case, step or period is dated before; the end leaves room for every holiday file an admin
may add. Every date option, a step's ``--at``, a date value of a form, a year, a quarter and a
month is checked against it, and a date outside it is refused naming the value and the range
(``0001-01-01`` was an internal error: the instant has no UTC form).

This module sits below every parser (casework.time, workflows' field checks, the identity
checks of casework.domain), so that all of them share it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from casework.errors import InvalidData

FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2099, 12, 31)
DAYS = f"{FIRST_DAY.isoformat()}..{LAST_DAY.isoformat()}"
YEARS = f"{FIRST_DAY.year}..{LAST_DAY.year}"

# Dashes NFKC leaves as they are, typed for a hyphen in dates and phones (Word's autocorrect,
# a minus sign from a spreadsheet).
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
_YEAR = re.compile(r"\s*(\d{4,9})(?!\d)")


def typed(text: str) -> str:
    """``text`` with full-width digits, letters, signs and spaces as their ASCII forms (NFKC),
    and dashes as ``-``; ASCII text as it is (the common case, at no cost)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_DASHES)


def day_in_range(day: date, label: str, field: str) -> date:
    """A day within the range, or refused naming the day and the range."""
    if FIRST_DAY <= day <= LAST_DAY:
        return day
    raise out_of_range(label, day.isoformat(), field)


def year_in_range(year: int, label: str, field: str) -> int:
    """A year within the range's years, or refused naming the year and the range."""
    if FIRST_DAY.year <= year <= LAST_DAY.year:
        return year
    raise InvalidData(
        f"{label} {str(year)[:24]!r} 超出范围 out of range ({YEARS})",
        field=field,
        value=str(year)[:24],
    )


def out_of_range(label: str, text: str, field: str) -> InvalidData:
    """The refusal of a date outside the range."""
    return InvalidData(
        f"{label} {text[:40]!r} 超出范围 out of range ({DAYS})", field=field, value=text[:40]
    )


def year_outside(text: str) -> bool:
    """Whether a date as typed begins with a year outside the range (``0000-01-01``,
    ``99999-01-01``): refused for its range, not as a malformed date."""
    found = _YEAR.match(typed(text))
    return found is not None and not FIRST_DAY.year <= int(found.group(1)) <= LAST_DAY.year
