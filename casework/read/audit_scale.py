"""The audit of priced steps: an amount a step took from the subsidy scale (a ``lookup`` field
of the ``subsidy_tier`` source, as a claim's approval is) must be the scale's amount for its
tier, as the scale stood when the step was recorded (procedures/mediation.md 3).

A scale entry set after the step (a later price for the same dates) leaves the table unable to
say what the step saw; the admin log keeps that history, so such a step is not judged here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.errors import CaseworkError
from casework.read.scope import AnyRow
from casework.storage.tables import subsidy_scale
from casework.time.local import as_utc
from casework.time.periods import Quarter
from workflows.spec import Workflow

SOURCE = "subsidy_tier"
# (effective_from, amount, set_at) of one tier's entries.
Entries = list[tuple[date, int, datetime]]


class Scale:
    """The scale's entries, read once per audit (a few rows a year)."""

    def __init__(self, conn: Connection) -> None:
        self._tiers: dict[str, Entries] = {}
        rows = conn.execute(
            select(
                subsidy_scale.c.tier,
                subsidy_scale.c.effective_from,
                subsidy_scale.c.amount,
                subsidy_scale.c.set_at,
            ).order_by(subsidy_scale.c.effective_from)
        )
        for r in rows:
            self._tiers.setdefault(r.tier, []).append(
                (r.effective_from, r.amount, as_utc(r.set_at))
            )

    def amount(self, tier: str, day: date, seen_at: datetime) -> int | None:
        """The tier's amount in force on ``day`` as the scale stood at ``seen_at``; None when
        an entry that could apply was set later (the table no longer shows what was seen)."""
        entries = [e for e in self._tiers.get(tier, []) if e[0] <= day]
        if not entries or any(e[2] > seen_at for e in entries):
            return None
        return entries[-1][1]


def priced_fields(wf: Workflow) -> dict[str, str]:
    """The procedure's triggers that take an amount from the scale, with their tier field."""
    return {
        t.name: f.name
        for t in wf.triggers
        for f in t.fields
        if f.kind == "lookup" and f.source == SOURCE
    }


def priced_problems(
    history: Sequence[AnyRow], priced: Mapping[str, str], data: Mapping[str, object], scale: Scale
) -> Iterator[tuple[int, str]]:
    """Each priced step's amount against the scale (``data``: the case's values)."""
    try:
        quarter = Quarter.parse(str(data.get("quarter", "")))
    except CaseworkError:  # a claim without a readable quarter: no scale to judge by
        return
    for ev in history:
        field = priced.get(ev.trigger)
        if field is None or not isinstance(ev.data, Mapping):
            continue
        tier, amount = ev.data.get(field), ev.data.get("amount")
        if not isinstance(tier, str) or not isinstance(ev.recorded_at, datetime):
            continue
        expected = scale.amount(tier, quarter.last_day, as_utc(ev.recorded_at))
        if expected is not None and amount != expected:
            yield (
                ev.seq,
                f"核定金额 {amount!r} 元不是 {quarter.last_day} 施行的标准中「{tier}」档的 "
                f"{expected} 元 (the amount is not the scale's {expected} for tier {tier!r})",
            )
