"""Published figures as stored: only ever inserted into (migration 0019's triggers refuse
anything else); a period's versions are read oldest first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.storage.tables import published_figures


def add_version(conn: Connection, values: Mapping[str, Any]) -> int:
    """Insert one version; its id."""
    found = conn.execute(
        published_figures.insert().values(**values).returning(published_figures.c.id)
    ).scalar_one()
    return int(found)


def versions(conn: Connection, period: str, by: str) -> list[dict[str, Any]]:
    """Every version published for a period and grouping ("" for none), oldest first."""
    query = (
        select(published_figures)
        .where(published_figures.c.period == period, published_figures.c.by == by)
        .order_by(published_figures.c.version)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
