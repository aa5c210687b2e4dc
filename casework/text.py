"""Checking free text typed by users: titles, names, notes."""

from __future__ import annotations

from casework.errors import InvalidData


def clean_text(value: str, what: str, *, max_length: int = 2000, required: bool = True) -> str:
    """Stripped text without control characters, within a length; refused otherwise."""
    text = value.strip()
    if not text:
        if required:
            raise InvalidData(f"{what} must not be empty")
        return text
    if any((ord(ch) < 32 and ch not in "\t\n") or ord(ch) == 127 for ch in text):
        raise InvalidData(f"{what} contains control characters")
    if len(text) > max_length:
        raise InvalidData(f"{what} is longer than {max_length} characters")
    return text
