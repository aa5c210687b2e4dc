"""A phone's normal form as the ``phonenumbers`` library (region CN) gives it, with a fast path
for the shape most ledgers hold: a mobile's eleven digits, maybe spaced 3-4-4 or after ``+86``.

``phonenumbers.parse`` and its type checks cost some 50 µs a number, a quarter of an import
(issue 18). For a mobile written as digits, parsing does nothing but read the digits: no
national or international prefix to strip, no country code to take off the front, no
extension. So the fast path reads the digits, asks the region's own metadata (the same
patterns, in the same order, as ``phonenumbers``' number type) what kind of number they are,
and keeps the answer ``phonenumbers`` would give. Whatever it cannot be sure of (a prefix that
parsing could strip, a landline, whose area code comes from the formatting rules) goes the
full way, whose answers are remembered per distinct text. ``tests/unit/test_phones.py``
compares both ways on every prefix and shape.

``phonenumbers`` is imported when a phone is first read: its metadata costs a command that
reads none (``case show``, ``--help`` of a group) a tenth of its start-up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Final

# A mobile as people write it: 13812345678, 138 1234 5678, 138-1234-5678, +86 138 1234 5678.
_MOBILE_SHAPE = re.compile(r"(\+86[ -]?)?(1[0-9]{2})[ -]?([0-9]{4})[ -]?([0-9]{4})")
# The fast path's answer when only the full parse can tell.
UNSURE: Final = "unsure"
# The number types of phonenumbers' metadata, in the order its number type tries them; the
# first that matches is the number's type.
_BEFORE_FIXED = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


Pattern = re.Pattern[str]


def _pattern(found: Any, length: int) -> Pattern | None:
    """A number type's national pattern, as phonenumbers matches numbers of this length with
    it (_is_number_matching_desc: its possible lengths first, then the whole pattern); None
    when no number of the length can match (no such type, a length it never has)."""
    if found is None or not found.national_number_pattern:
        return None
    lengths = found.possible_length or ()
    if lengths and length not in lengths:
        return None
    return re.compile(found.national_number_pattern)


@dataclass(frozen=True)
class _Region:
    """What the fast path needs of the region's metadata, for numbers of the shape's length."""

    code: str  # the country calling code, "86"
    national_prefix: Pattern | None  # what parsing may strip from the front
    international: Pattern | None  # an international dialling prefix
    general: Pattern | None
    before_fixed: Sequence[Pattern]
    fixed: Pattern | None
    mobile: Pattern | None
    same_mobile_and_fixed: bool


# Every number the shape reads has a mobile's length.
_LENGTH = 11


@cache
def _region() -> _Region:
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region("CN")
    assert meta is not None
    npfp, idd = meta.national_prefix_for_parsing, meta.international_prefix
    before = (_pattern(getattr(meta, name), _LENGTH) for name in _BEFORE_FIXED)
    return _Region(
        code=str(meta.country_code),
        national_prefix=re.compile(npfp) if npfp else None,
        international=re.compile(idd) if idd else None,
        general=_pattern(meta.general_desc, _LENGTH),
        before_fixed=tuple(p for p in before if p is not None),
        fixed=_pattern(meta.fixed_line, _LENGTH),
        mobile=_pattern(meta.mobile, _LENGTH),
        same_mobile_and_fixed=bool(meta.same_mobile_and_fixed_line_pattern),
    )


def fast_mobile(raw: str) -> str | None:
    """The normal form of a phone written as a mobile's digits, None when ``phonenumbers``
    finds it no mobile or landline, or :data:`UNSURE` when only the full parse can tell."""
    shape = _MOBILE_SHAPE.fullmatch(raw)
    if shape is None:
        return UNSURE
    plus, *parts = shape.groups()
    digits = "".join(parts)
    assert len(digits) == _LENGTH
    region = _region()
    # Parsing would strip a national prefix (or a carrier code) from these digits, an
    # international prefix, or the country code itself when no + was written.
    if region.national_prefix is not None and region.national_prefix.match(digits):
        return UNSURE
    if not plus and (
        digits.startswith(region.code)
        or (region.international is not None and region.international.match(digits))
    ):
        return UNSURE
    kind = _kind(region, digits)
    if kind == "fixed_line":
        return UNSURE  # a landline's area code: the full parse knows it
    if kind == "mobile" and len(digits) == 11 and digits.startswith("1"):
        return digits
    return None  # invalid, or valid but neither a mobile nor a landline


def _kind(region: _Region, digits: str) -> str | None:
    """The number's type as phonenumbers' number type finds it (None: unknown, i.e. invalid),
    "mobile" standing also for fixed line or mobile."""
    if region.general is None or not region.general.fullmatch(digits):
        return None
    if any(p.fullmatch(digits) for p in region.before_fixed):
        return "other"
    mobile = region.mobile is not None and region.mobile.fullmatch(digits) is not None
    if region.fixed is not None and region.fixed.fullmatch(digits):
        return "mobile" if region.same_mobile_and_fixed or mobile else "fixed_line"
    if not region.same_mobile_and_fixed and mobile:
        return "mobile"
    return None


@lru_cache(maxsize=8192)
def parsed_phone(raw: str) -> str | None:
    """The normal form by ``phonenumbers`` itself: a mobile's 11 digits, a landline's area
    code with the trunk 0, a hyphen and the local number; None if neither."""
    import phonenumbers
    from phonenumbers import PhoneNumberType

    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or number.extension or not phonenumbers.is_valid_number(number):
        return None
    national = str(number.national_number)
    kind = phonenumbers.number_type(number)
    mobile = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if kind in mobile and len(national) == 11 and national.startswith("1"):
        return national
    area = phonenumbers.length_of_geographical_area_code(number)
    if kind == PhoneNumberType.FIXED_LINE and area:
        return f"0{national[:area]}-{national[area:]}"
    return None


def normal_phone(raw: str) -> str | None:
    """A phone's normal form (see :func:`parsed_phone`), by the fast path when it can tell."""
    fast = fast_mobile(raw)
    return parsed_phone(raw) if fast == UNSURE else fast
