"""A running limit as the open-limits index gives it (casework.storage.open_limits): what it
stores does not change with the day; whether the limit is overdue, lapsed or how many days are
left is worked out here for the day asked on, as ``casework.time.deadlines.Due`` does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, or_

from casework.read.scope import AnyRow
from casework.storage.tables import open_limits
from casework.time.deadlines import DueJSON
from workflows.spec import Binds

COLUMNS = (
    open_limits.c.state.label("limit_state"),
    open_limits.c.binds,
    open_limits.c.bound_office,
    open_limits.c.last_day,
    open_limits.c.shown,
)


@dataclass(frozen=True, slots=True)
class Indexed:
    """A limit read from the index, judged on ``as_of``."""

    state: str
    binds: Binds
    bound_office: str
    date: dt.date | None
    as_of: dt.date
    shown: Mapping[str, Any]

    @property
    def overdue(self) -> bool:
        return self.binds == "office" and self.date is not None and self.as_of > self.date

    @property
    def lapsed(self) -> bool:
        return self.date is not None and self.as_of > self.date

    @property
    def days_left(self) -> int | None:
        return None if self.date is None else (self.date - self.as_of).days

    @property
    def paused(self) -> bool:
        return bool(self.shown.get("paused"))

    def as_json(self) -> DueJSON:
        """The shape of ``Due.as_json`` (and ``PendingDue``'s, with its ``problem``)."""
        s = self.shown
        out = {
            "date": s["date"],
            "rule": s["rule"],
            "rule_en": s["rule_en"],
            "overdue": self.overdue,
            "days_left": self.days_left,
            "limit": s["limit"],
            "label": s["label"],
            "binds": s["binds"],
            "start": s["start"],
            "as_of": self.as_of.isoformat(),
            "bound_office": s["bound_office"],
            "paused": s["paused"],
        }
        for key in ("article", "problem"):
            if key in s:
                out[key] = s[key]
        return cast(DueJSON, out)


def indexed(row: AnyRow, as_of: date) -> Indexed:
    return Indexed(
        row.limit_state, row.binds, row.bound_office, row.last_day, as_of, row.shown or {}
    )


def falling_due(binds: Collection[str], as_of: date, within: int) -> ColumnElement[bool]:
    """Rows of limits so binding whose last day comes within ``within`` days of ``as_of``
    (or is unknown: paused, or waiting for a holiday arrangement)."""
    last = open_limits.c.last_day
    return and_(
        open_limits.c.binds.in_(sorted(binds)),
        or_(last.is_(None), last <= as_of + timedelta(days=within)),
    )


def past_due(as_of: date) -> ColumnElement[bool]:
    """Rows of office deadlines past their last day on ``as_of`` (超期)."""
    return and_(open_limits.c.binds == "office", open_limits.c.last_day < as_of)
