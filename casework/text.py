"""Checking free text typed by users: titles, names, notes."""

from __future__ import annotations

import re

from casework.errors import InvalidData

# Control characters other than tab and newline; one regex scan is much cheaper than a
# Python loop over the characters, and imports check millions of names and titles.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str, what: str, *, max_length: int = 2000, required: bool = True) -> str:
    """Stripped text without control characters, within a length; refused otherwise."""
    text = value.strip()
    if not text:
        if required:
            raise InvalidData(f"{what} must not be empty")
        return text
    if CONTROL.search(text):
        raise InvalidData(f"{what} contains control characters")
    if len(text) > max_length:
        raise InvalidData(f"{what} is longer than {max_length} characters")
    return text
