"""The subsidy scale: tiers and amounts with effective dates, kept in the database."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from casework.actors import load_actor, require_admin
from casework.clock import Clock
from casework.errors import InvalidData
from casework.time.periods import Quarter
from casework.storage.db import run_write
from casework.storage.tables import subsidy_scale

TIER_LABELS = {"simple": "简易", "ordinary": "一般", "complex": "疑难复杂", "major": "重大"}
# procedures.md section 3: the example scale casework ships with, to be replaced by the user's.
EXAMPLE_SCALE = {"simple": 100, "ordinary": 200, "complex": 500, "major": 1000}
EXAMPLE_FROM = date(2011, 1, 1)  # 人民调解法 in force
_TIER = re.compile(r"[a-z][a-z0-9_]{0,29}")


def scale_on(conn: Connection, day: date) -> dict[str, dict[str, Any]]:
    """Each tier in force on a day: ``{tier: {label, amount, effective_from, example}}``."""
    rows = conn.execute(
        select(subsidy_scale)
        .where(subsidy_scale.c.effective_from <= day)
        .order_by(subsidy_scale.c.effective_from)
    )
    out: dict[str, dict[str, Any]] = {}
    for r in rows:  # later entries override earlier ones
        out[r.tier] = {
            "label": r.label,
            "amount": r.amount,
            "effective_from": r.effective_from.isoformat(),
            "example": r.example,
        }
    return out


def resolve_tier(conn: Connection, value: str, case_data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``subsidy_tier`` source: a tier of the scale in force on the claim quarter's last day,
    with its amount."""
    quarter = Quarter.parse(str(case_data.get("quarter", "")))
    scale = scale_on(conn, quarter.last_day)
    tier = scale.get(value)
    if tier is None:
        known = ", ".join(scale) or "none"
        raise InvalidData(
            f"tier {value[:30]!r} is not in the scale in force on {quarter.last_day} "
            f"(tiers: {known})"
        )
    return {"tier": value, "amount": tier["amount"], "scale_from": tier["effective_from"]}


def load_example(conn: Connection, by: str, at: Any) -> bool:
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


def parse_amounts(pairs: Mapping[str, str]) -> dict[str, int]:
    """``TIER=YUAN`` pairs, checked: known-looking tier names, whole yuan 0..1,000,000."""
    if not pairs:
        raise InvalidData("give at least one TIER=YUAN, e.g. ordinary=200")
    out = {}
    for tier, raw in pairs.items():
        if not _TIER.fullmatch(tier):
            raise InvalidData(f"tier {tier[:30]!r} must be lowercase letters, digits or '_'")
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or int(text) > 1_000_000:
            raise InvalidData(f"{tier}={raw[:20]!r}: the amount must be whole yuan, 0..1000000")
        out[tier] = int(text)
    return out


def set_scale(
    db: Engine,
    clock: Clock,
    username: str | None,
    effective_from: date,
    amounts: Mapping[str, int],
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Set tiers' amounts from a date (admin only); other tiers keep their amounts."""
    labels = labels or {}

    def work(conn: Connection) -> dict[str, Any]:
        actor = load_actor(conn, username)
        require_admin(actor, "setting the subsidy scale")
        current = scale_on(conn, effective_from)
        for tier, amount in amounts.items():
            label = (
                labels.get(tier)
                or (current.get(tier) or {}).get("label")
                or TIER_LABELS.get(tier, tier)
            )
            conn.execute(
                subsidy_scale.delete().where(
                    subsidy_scale.c.effective_from == effective_from, subsidy_scale.c.tier == tier
                )
            )
            conn.execute(
                subsidy_scale.insert().values(
                    effective_from=effective_from,
                    tier=tier,
                    label=label,
                    amount=amount,
                    example=False,
                    set_by=actor.username,
                    set_at=clock(),
                )
            )
        return {
            "effective_from": effective_from.isoformat(),
            "scale": scale_on(conn, effective_from),
        }

    return run_write(db, work)


def scale_history(conn: Connection) -> list[dict[str, Any]]:
    """Every entry of the scale, oldest first."""
    rows = conn.execute(
        select(subsidy_scale).order_by(subsidy_scale.c.effective_from, subsidy_scale.c.tier)
    )
    return [
        {
            "effective_from": r.effective_from.isoformat(),
            "tier": r.tier,
            "label": r.label,
            "amount": r.amount,
            "example": r.example,
            "set_by": r.set_by,
        }
        for r in rows
    ]
