"""The reveal log as stored: only ever inserted into; nothing here updates or deletes a row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.storage.tables import reveal_log


def log_reveal(conn: Connection, values: Mapping[str, Any]) -> None:
    conn.execute(reveal_log.insert().values(**values))


def reveal_rows(
    conn: Connection, since: datetime | None, username: str | None
) -> list[dict[str, Any]]:
    """The rows from an instant on and of one user (all by default), oldest first."""
    query = select(reveal_log).order_by(reveal_log.c.at, reveal_log.c.id)
    if since is not None:
        query = query.where(reveal_log.c.at >= since)
    if username is not None:
        query = query.where(reveal_log.c.username == username)
    return [dict(r) for r in conn.execute(query).mappings()]
