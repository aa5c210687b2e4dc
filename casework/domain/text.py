"""Checking free text typed by users: titles, names, notes, keys."""

from __future__ import annotations

from collections.abc import Mapping

from casework.errors import InvalidData
from workflows.chars import UNSAFE_CHARS, UNSAFE_ZH

# Control characters other than tab and newline, and bidirectional overrides.
CONTROL = UNSAFE_CHARS

# How messages name the text fields (the field names of casework.errors).
LABELS: Mapping[str, str] = {
    "title": "案件标题 title",
    "note": "备注 note",
    "ref": "幂等键 ref",
    "party.name": "当事人姓名 party name",
    "name": "名称 name",
    "kind": "类别 kind",
    "campaign": "专项名称 campaign",
    "reason": "理由 reason",
    "batch": "批次 batch",
}


def clean_text(value: str, field: str, *, max_length: int = 2000, required: bool = True) -> str:
    """Stripped text without control characters, within a length; refused otherwise."""
    text = value.strip()
    label = LABELS.get(field, field)
    if not text:
        if required:
            raise InvalidData(f"{label} 不能为空 (must not be empty)", field=field, value=value)
        return text
    # Every character CONTROL finds is unprintable: printable text (the common case) has none.
    if not text.isprintable() and CONTROL.search(text):
        raise InvalidData(f"{label} {UNSAFE_ZH}", field=field, value=ascii(value[:40]))
    if len(text) > max_length:
        raise InvalidData(
            f"{label} 超过 {max_length} 个字符 (longer than {max_length})",
            field=field,
            value=value[:40],
        )
    return text


def optional_text(value: str | None, field: str, max_length: int = 2000) -> str | None:
    """A note or other optional text: None when not given or blank."""
    if not value:
        return None
    return clean_text(value, field, max_length=max_length, required=False) or None


def clean_ref(value: str | None) -> str | None:
    """A caller's idempotency key (``--ref``), or None."""
    return None if value is None else clean_text(value, "ref", max_length=200)
