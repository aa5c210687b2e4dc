"""User attributes (hotline_reconsideration.md 9.11): a few named facts about a person that a
procedure's guards read, declared as data (``workflows.policy.USER_ATTRIBUTES``) and checked
here. A value is text: one of the declared choices, or an ISO date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from casework.errors import InvalidData
from casework.typed import DAYS, FIRST_DAY, LAST_DAY, typed

# The kinds of value an attribute takes.
KINDS = frozenset({"choice", "date"})


@dataclass(frozen=True)
class AttributeSpec:
    """An attribute a user may carry: its name, Chinese label, kind and (for a choice) the
    allowed values with their labels."""

    name: str
    label: str
    kind: str
    choices: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind
        assert self.kind != "choice" or self.choices, self.name

    @property
    def shown(self) -> str:
        return f"「{self.label} {self.name}」"

    def describe_zh(self) -> str:
        if self.kind == "date":
            return f"日期 YYYY-MM-DD（{DAYS}）"
        return "、".join(f"{label} {code}" for code, label in self.choices.items())

    def check(self, value: str) -> str:
        """The value, checked; InvalidData naming ``attr.NAME`` when it is not allowed."""
        text = value.strip()
        if self.kind == "date":
            try:
                day = date.fromisoformat(typed(text))
            except ValueError:
                day = None
            if day is not None and FIRST_DAY <= day <= LAST_DAY:
                return day.isoformat()
        elif text in self.choices:
            return text
        raise InvalidData(
            f"用户属性{self.shown}取值 {text[:40]!r} 无效，应为{self.describe_zh()}",
            field=f"attr.{self.name}",
            value=text[:40],
        )


def checked_attributes(
    declared: Mapping[str, AttributeSpec], given: Mapping[str, str]
) -> dict[str, str]:
    """The given attributes, each checked against its declaration; an empty value stays
    empty (it clears the attribute). An undeclared name is refused, naming it."""
    out: dict[str, str] = {}
    for key, value in given.items():
        spec = declared.get(key)
        if spec is None:
            listed = "、".join(f"{s.label} {s.name}" for s in declared.values()) or "无 (none)"
            raise InvalidData(
                f"未知用户属性 unknown attribute {key[:40]!r}（可用：{listed}）",
                field=f"attr.{key[:40]}",
                value=key[:40],
            )
        out[key] = spec.check(value) if value.strip() else ""
    return out


def merged(old: Mapping[str, str], changes: Mapping[str, str]) -> dict[str, str]:
    """A user's attributes after checked ``changes``: an empty value removes its attribute."""
    out = {**old, **changes}
    return {k: out[k] for k in sorted(out) if out[k]}
