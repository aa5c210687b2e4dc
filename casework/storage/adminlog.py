"""The admin log as stored: every change of reference data (users, offices, the holiday
calendar, the subsidy scale, settings and dated settings) and every other admin act, appended
in the transaction of the act, numbered 1..n and hash-chained (issue 15 point 2).

Reference data changes only through here: each writer of those tables records its entry with
the old and new value, and ``casework.read.admin_audit`` replays the log and compares the
tables with it. Entries are only ever appended: nothing here updates or deletes one, and
migration 0016's triggers refuse it to anyone else.

One chain for the database: appending reads the head, so two writers must not read it at
once. On SQLite a write transaction holds the database from BEGIN; on PostgreSQL an advisory
lock held to the end of the transaction queues them (admin acts are rare, so the queue is
short), and every entry a unit of work made is written at its end in one statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from casework.domain.hashing import admin_digest
from casework.storage.tables import admin_log

# The key of PostgreSQL's advisory lock on the chain's head ("casework admin log").
HEAD_LOCK = 0x63776164
# The table each kind of action changes (the part of the action before its dot); a kind not
# here (``session``) changes no reference data.
TABLE_OF = {
    "user": "users",
    "office": "offices",
    "calendar": "calendar_years",
    "scale": "subsidy_scale",
    "setting": "settings",
    "config": "config_values",
}
Value = Mapping[str, Any] | None


@dataclass(frozen=True)
class Act:
    """One entry to append: ``before`` and ``after`` are the old and new value of what it
    changes (JSON values: dates as ISO text), None when there was none or nothing changes."""

    action: str
    target: str
    before: Value
    after: Value
    data: Mapping[str, Any] = field(default_factory=dict)


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def head(conn: Connection) -> tuple[int, str | None]:
    """The last entry's sequence number and hash: (0, None) for an empty log."""
    row = conn.execute(
        select(admin_log.c.seq, admin_log.c.hash).order_by(admin_log.c.seq.desc()).limit(1)
    ).first()
    return (0, None) if row is None else (int(row.seq), row.hash)


def hash_at(conn: Connection, seq: int) -> str | None:
    """The hash of the entry with this sequence number (None: there is none), for anchors."""
    row = conn.execute(select(admin_log.c.hash).where(admin_log.c.seq == seq)).first()
    return None if row is None else str(row.hash)


def append(
    conn: Connection,
    who: tuple[str, datetime],
    acts: Sequence[Act],
    origin: tuple[str | None, str | None] = (None, None),
) -> None:
    """Append the acts of one actor at one instant (``who``), in order, after the head;
    ``origin`` is the channel and OS account (``api`` when none is known)."""
    if not acts:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": HEAD_LOCK})
    seq, prev = head(conn)
    rows = []
    for act in acts:
        seq += 1
        row: dict[str, Any] = {
            "seq": seq,
            "at": who[1],
            "actor": who[0][:64],
            "action": act.action,
            "target": act.target[:200],
            "channel": (origin[0] or "api")[:10],
            "os_user": origin[1],
            "before": None if act.before is None else dict(act.before),
            "after": None if act.after is None else dict(act.after),
            "data": dict(act.data),
        }
        row["hash"] = prev = admin_digest(prev, row)
        rows.append(row)
    conn.execute(admin_log.insert(), rows)


class AdminLog:
    """The entries one unit of work made, appended when it writes (``flush``), so that a
    unit adding hundreds of users writes their entries in one statement."""

    def __init__(self, conn: Connection, origin: tuple[str | None, str | None]) -> None:
        self._conn = conn
        self._origin = origin
        self._pending: list[tuple[tuple[str, datetime], Act]] = []

    def record(self, who: tuple[str, datetime], act: Act) -> None:
        """An entry of ``who`` (actor, instant), written with the unit of work."""
        self._pending.append((who, act))

    def has(self, actions: Sequence[str]) -> bool:
        """Whether an entry waiting to be written is one of these actions."""
        return any(act.action in actions for _, act in self._pending)

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        start = 0
        for n in range(1, len(pending) + 1):
            if n == len(pending) or pending[n][0] != pending[start][0]:
                batch = [act for _, act in pending[start:n]]
                append(self._conn, pending[start][0], batch, self._origin)
                start = n


def entries(
    conn: Connection,
    since: datetime | None = None,
    actor: str | None = None,
    target: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Entries by sequence number, filtered; with ``limit`` the last ones."""
    query = select(admin_log)
    if since is not None:
        query = query.where(admin_log.c.at >= since)
    if actor is not None:
        query = query.where(admin_log.c.actor == actor)
    if target is not None:
        query = query.where(admin_log.c.target == target)
    query = query.order_by(admin_log.c.seq.desc() if limit else admin_log.c.seq)
    if limit:
        query = query.limit(limit)
    found = [dict(r) for r in conn.execute(query).mappings()]
    return found[::-1] if limit else found


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(admin_log)).scalar_one())
