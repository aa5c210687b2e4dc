"""Rule versions: the law a case follows, pinned on the case when it is registered.

A procedure whose law changed (信访条例 2005, then 信访工作条例 2022) declares one
:class:`RuleVersion` per text with the day it took effect. A case pins in its data, under
``rules``, the version in force on its registration's local date: a paper file entered today
with a 2020 date follows the 2005 rules for the rest of its life, and its steps, refusals and
limits cite that text's articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

RULES_KEY = "rules"  # the case data key holding the pinned version


@dataclass(frozen=True)
class RuleVersion:
    """One text of a procedure's law.

    ``citations`` maps a rule of the procedure (a trigger, guard, limit or refusal reason, by
    name) to the article that sets it in this text. ``effective_from`` None marks a version
    no new case takes: the rules casework ran before a revision, kept for the cases pinned to
    them so that their recorded histories stay legal. ``extra_sources`` are transitions only
    this version allows (trigger name: its additional from-states).
    """

    name: str
    label: str
    law: str
    effective_from: date | None
    citations: Mapping[str, str] = field(default_factory=dict)
    extra_sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def cite(self, rule: str) -> str | None:
        return self.citations.get(rule)

    @property
    def shown(self) -> str:
        """``「xf2005 信访条例（2005）」``."""
        return f"「{self.name} {self.label}」"


def in_force(versions: Sequence[RuleVersion], day: date) -> RuleVersion | None:
    """The version in force on a day: the latest to have taken effect by then."""
    dated = [v for v in versions if v.effective_from is not None and v.effective_from <= day]
    return max(dated, key=lambda v: v.effective_from or day, default=None)


def earliest(versions: Sequence[RuleVersion]) -> date | None:
    days = [v.effective_from for v in versions if v.effective_from is not None]
    return min(days) if days else None


def pinned(data: Mapping[str, object]) -> str | None:
    """The version a case's data pins, if any."""
    value = data.get(RULES_KEY)
    return str(value) if value else None
