"""Dated settings of local practice: the subsidy scale and the rules' effective dates.

Both are read by steps (a claim's tier takes the amount in force on its quarter's last day)
and by listings; they are changed only by admins (casework.services.settings).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.errors import InvalidData
from casework.storage.tables import settings, subsidy_scale
from casework.time.periods import Quarter

TIER_LABELS = {"simple": "简易", "ordinary": "一般", "complex": "疑难复杂", "major": "重大"}
# procedures.md section 3: the example scale casework ships with, to be replaced by the user's.
EXAMPLE_SCALE = {"simple": 100, "ordinary": 200, "complex": 500, "major": 1000}
EXAMPLE_FROM = date(2011, 1, 1)  # 人民调解法 in force
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


def resolve_tier(conn: Connection, value: str, case_data: Mapping[str, object]) -> dict[str, object]:
    """The ``subsidy_tier`` source: a tier of the scale in force on the claim quarter's last
    day, with its amount."""
    quarter = Quarter.parse(str(case_data.get("quarter", "")))
    scale = scale_on(conn, quarter.last_day)
    tier = scale.get(value)
    if tier is None:
        known = "、".join(f"{t['label']} {name}" for name, t in scale.items()) or "无 (none)"
        raise InvalidData(
            f"补贴档次「tier」{value[:30]!r} 不在 {quarter.last_day} 施行的标准中（可用：{known}）",
            field="value.tier",
            value=value[:30],
        )
    return {"tier": value, "amount": tier["amount"], "scale_from": tier["effective_from"]}


def load_example(conn: Connection, by: str, at: datetime) -> bool:
    """Load the example scale into an empty scale table; True when it was loaded."""
    if conn.execute(select(subsidy_scale.c.id).limit(1)).first() is not None:
        return False
    conn.execute(
        subsidy_scale.insert(),
        [
            {
                "effective_from": EXAMPLE_FROM,
                "tier": tier,
                "label": TIER_LABELS[tier],
                "amount": amount,
                "example": True,
                "set_by": by,
                "set_at": at,
            }
            for tier, amount in EXAMPLE_SCALE.items()
        ],
    )
    return True


def oral_agreements_from(conn: Connection) -> date:
    """The date from which oral agreements count for the subsidy."""
    row = conn.execute(select(settings.c.value).where(settings.c.key == ORAL_FROM_KEY)).first()
    return date.fromisoformat(row.value) if row else ORAL_FROM_DEFAULT


# Value sources of ``lookup`` fields (workflows.spec.FieldSpec.source): the typed value is
# checked against casework's own data, which may add values derived from it.
SOURCES = {"subsidy_tier": resolve_tier}


def resolve(
    conn: Connection, source: str, value: str, data: Mapping[str, object]
) -> dict[str, object]:
    """The values a lookup field records, or InvalidData saying why the value is refused."""
    resolver = SOURCES.get(source)
    if resolver is None:
        raise InvalidData(f"未知取值来源 unknown value source {source!r}", field="value")
    return resolver(conn, value, data)
