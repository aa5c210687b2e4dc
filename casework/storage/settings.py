"""Dated settings of local practice: the subsidy scale and the rules' effective dates.

Both are read by steps (a claim's tier takes the amount in force on its quarter's last day)
and by listings; they are changed only by admins (casework.services.settings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.errors import InvalidData
from casework.storage.adminlog import Act, AdminLog, Value
from casework.storage.tables import settings, subsidy_scale
from casework.time.periods import Quarter

TIER_LABELS = {"simple": "简易", "ordinary": "一般", "complex": "疑难复杂", "major": "重大"}
# procedures.md section 3: the example scale casework ships with, to be replaced by the user's.
EXAMPLE_SCALE = {"simple": 100, "ordinary": 200, "complex": 500, "major": 1000}
EXAMPLE_FROM = date(2011, 1, 1)  # 人民调解法 in force
_SCALE_COLUMNS = ("effective_from", "tier", "label", "amount", "example")
ORAL_FROM_KEY = "subsidy.oral_agreements_from"
# Guangdong counted oral agreements (口头协议) for the per-case subsidy from 2024.
ORAL_FROM_DEFAULT = date(2024, 1, 1)


class Tier(TypedDict):
    label: str
    amount: int
    effective_from: str
    example: bool


def scale_on(conn: Connection, day: date) -> dict[str, Tier]:
    """Each tier in force on a day: ``{tier: {label, amount, effective_from, example}}``."""
    rows = conn.execute(
        select(subsidy_scale)
        .where(subsidy_scale.c.effective_from <= day)
        .order_by(subsidy_scale.c.effective_from)
    )
    out: dict[str, Tier] = {}
    for r in rows:  # later entries override earlier ones
        out[r.tier] = Tier(
            label=r.label,
            amount=r.amount,
            effective_from=r.effective_from.isoformat(),
            example=r.example,
        )
    return out


def resolve_tier(
    settings: Settings, value: str, case_data: Mapping[str, object]
) -> dict[str, object]:
    """The ``subsidy_tier`` source: a tier of the scale in force on the claim quarter's last
    day, with its amount."""
    quarter = Quarter.parse(str(case_data.get("quarter", "")))
    scale = settings.scale_on(quarter.last_day)
    tier = scale.get(value)
    if tier is None:
        known = "、".join(f"{t['label']} {name}" for name, t in scale.items()) or "无 (none)"
        raise InvalidData(
            f"补贴档次「tier」{value[:30]!r} 不在 {quarter.last_day} 施行的标准中（可用：{known}）",
            field="value.tier",
            value=value[:30],
        )
    return {
        "tier": value,
        "amount": tier["amount"],
        "scale_from": tier["effective_from"],
        "example": tier["example"],  # mediation.md 3: a claim priced from example data says so
    }


def _tier_value(effective_from: date, tier: str, label: str, amount: int, example: bool) -> Value:
    """A scale entry as the admin log records it."""
    return {
        "effective_from": effective_from.isoformat(),
        "tier": tier,
        "label": label,
        "amount": amount,
        "example": example,
    }


def oral_agreements_from(conn: Connection) -> date:
    """The date from which oral agreements count for the subsidy."""
    row = conn.execute(select(settings.c.value).where(settings.c.key == ORAL_FROM_KEY)).first()
    return date.fromisoformat(row.value) if row else ORAL_FROM_DEFAULT


# Value sources of ``lookup`` fields (workflows.spec.FieldSpec.source): the typed value is
# checked against casework's own data, which may add values derived from it.
Resolver = Callable[["Settings", str, Mapping[str, object]], dict[str, object]]
# (``screening``, an entry of the screening ledger, is resolved by its repository: see
# ``casework.storage.screenings.Screenings.link``.)
SOURCES: dict[str, Resolver] = {"subsidy_tier": resolve_tier}


class Settings:
    """The dated settings of one unit of work: the subsidy scale and the rules' dates."""

    def __init__(self, conn: Connection, log: AdminLog) -> None:
        self._conn = conn
        self._log = log
        self._scales: dict[date, dict[str, Tier]] = {}

    def resolve(self, source: str, value: str, data: Mapping[str, object]) -> dict[str, object]:
        """The values a lookup field records, or InvalidData saying why it is refused."""
        resolver = SOURCES.get(source)
        if resolver is None:
            raise InvalidData(f"未知取值来源 unknown value source {source!r}", field="value")
        return resolver(self, value, data)

    def load_example(self, by: str, at: datetime) -> bool:
        """Load the example scale into an empty scale table; True when it was loaded."""
        if self._conn.execute(select(subsidy_scale.c.id).limit(1)).first() is not None:
            return False
        rows = [
            (EXAMPLE_FROM, tier, TIER_LABELS[tier], amount, True)
            for tier, amount in EXAMPLE_SCALE.items()
        ]
        self._conn.execute(
            subsidy_scale.insert(),
            [dict(zip(_SCALE_COLUMNS, row, strict=True), set_by=by, set_at=at) for row in rows],
        )
        for row in rows:
            act = Act("scale.set", f"{row[0].isoformat()} {row[1]}", None, _tier_value(*row))
            self._log.record((by, at), act)
        self._scales.clear()
        return True

    def scale_on(self, day: date) -> dict[str, Tier]:
        """The scale in force on a day (read once per unit of work and day)."""
        found = self._scales.get(day)
        if found is None:
            found = self._scales[day] = scale_on(self._conn, day)
        return dict(found)

    def set_tier(
        self, effective_from: date, tier: str, label: str, amount: int, by: tuple[str, datetime]
    ) -> None:
        """One tier's amount from a date (an entry of the same day and tier is replaced, and
        the admin log keeps it as the old value)."""
        self._scales.clear()
        old = self._conn.execute(
            select(subsidy_scale.c.label, subsidy_scale.c.amount, subsidy_scale.c.example).where(
                subsidy_scale.c.effective_from == effective_from, subsidy_scale.c.tier == tier
            )
        ).first()
        before = None if old is None else _tier_value(effective_from, tier, *old)
        after = _tier_value(effective_from, tier, label, amount, False)
        self._log.record(by, Act("scale.set", f"{effective_from} {tier}", before, after))
        self._conn.execute(
            subsidy_scale.delete().where(
                subsidy_scale.c.effective_from == effective_from, subsidy_scale.c.tier == tier
            )
        )
        self._conn.execute(
            subsidy_scale.insert().values(
                effective_from=effective_from,
                tier=tier,
                label=label,
                amount=amount,
                example=False,
                set_by=by[0],
                set_at=by[1],
            )
        )

    def oral_agreements_from(self) -> date:
        return oral_agreements_from(self._conn)

    def set_value(self, key: str, value: str, by: tuple[str, datetime]) -> None:
        set_setting(self._conn, self._log, key, value, by)


def set_setting(
    conn: Connection, log: AdminLog | None, key: str, value: str, by: tuple[str, datetime]
) -> Act:
    """Give a setting a value, replacing the one it had; the admin log's entry (old and new
    value) is recorded in ``log``, or returned for the caller to append."""
    old = conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()
    conn.execute(settings.delete().where(settings.c.key == key))
    conn.execute(settings.insert().values(key=key, value=value, set_by=by[0], set_at=by[1]))
    act = Act("setting.set", key, None if old is None else {"value": old}, {"value": value})
    if log is not None:
        log.record(by, act)
    return act
