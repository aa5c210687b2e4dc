"""The admin log becomes the history of reference data (issue 15 point 2): each entry gets a
sequence number (1..n), the old and new value (``before``, ``after``) and a hash chained to the
previous entry's (casework.domain.hashing.admin_digest); it is append-only like events.

The rows older casework wrote (admins' acts on users) are the history there is: they are
numbered and chained in the order they were written, a role or office change and a
deactivation given their old and new value from what they recorded. Then the reference data
that exists without entries — offices, users, holiday files, the subsidy scale, settings and
dated settings — is recorded once, as it stands, in ``*.baseline`` entries (each at the instant
its table says the row was set, so an upgrade writes the same log whenever it runs), so that
the audit replays a complete log from here on. A later migration that changes reference data
appends its entries too; one that must rewrite the log, or rebuild the table, calls ``drop``
first and ``create`` after, as with 0015.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from casework.domain.hashing import admin_digest
from casework.storage.types import UTCDateTime, json_type

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

REFUSAL = (
    "the admin log is append-only: casework never changes or deletes an entry (管理日志只增不改)"
)
SQLITE = [
    f"CREATE TRIGGER admin_log_no_{verb.lower()} BEFORE {verb} ON admin_log "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION casework_admin_log_append_only() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}' "
    "USING ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER admin_log_no_change BEFORE UPDATE OR DELETE ON admin_log "
    "FOR EACH ROW EXECUTE FUNCTION casework_admin_log_append_only()",
    "CREATE TRIGGER admin_log_no_truncate BEFORE TRUNCATE ON admin_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION casework_admin_log_append_only()",
]
ACTOR = CHANNEL = "migration"


def create() -> None:
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def drop() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_change ON admin_log")
        op.execute("DROP TRIGGER IF EXISTS admin_log_no_truncate ON admin_log")


_meta = sa.MetaData()
_log = sa.Table(
    "admin_log",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("seq", sa.Integer),
    sa.Column("at", UTCDateTime()),
    sa.Column("actor", sa.String),
    sa.Column("action", sa.String),
    sa.Column("target", sa.String),
    sa.Column("data", json_type()),
    sa.Column("channel", sa.String),
    sa.Column("os_user", sa.String),
    sa.Column("before", json_type()),
    sa.Column("after", json_type()),
    sa.Column("hash", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("admin_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("before", json_type(), nullable=True))
        batch.add_column(sa.Column("after", json_type(), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    seq, prev = _chain_existing(conn)
    _baseline(conn, seq, prev)
    with op.batch_alter_table("admin_log") as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch.create_unique_constraint("uq_admin_log_seq", ["seq"])
    create()


def _values(action: str, data: dict[str, Any]) -> tuple[Any, Any]:
    """An older row's old and new value, from what it recorded."""
    if action == "user.change":
        names = {"role": "role", "office": "office_code"}
        pairs = {names[k]: v for k, v in data.items() if k in names and isinstance(v, list)}
        return {k: v[0] for k, v in pairs.items()}, {k: v[1] for k, v in pairs.items()}
    if action == "user.deactivate":
        return {"active": True}, {"active": False}
    return None, None


def _chain_existing(conn: sa.Connection) -> tuple[int, str | None]:
    prev: str | None = None
    seq = 0
    rows = conn.execute(sa.select(_log).order_by(_log.c.id)).mappings().all()
    for r in rows:
        seq += 1
        before, after = _values(r["action"], dict(r["data"] or {}))
        entry = {**r, "seq": seq, "before": before, "after": after, "data": r["data"] or {}}
        prev = admin_digest(prev, entry)
        conn.execute(
            _log.update()
            .where(_log.c.id == r["id"])
            .values(seq=seq, before=before, after=after, hash=prev)
        )
    return seq, prev


# (action, target, the value as the writers record it, when the table says it was set)
Baseline = tuple[str, str, dict[str, Any], datetime]


def _table(name: str, when: str, *columns: str) -> sa.Table:
    return sa.Table(
        name, sa.MetaData(), *(sa.Column(c) for c in columns), sa.Column(when, UTCDateTime())
    )


def _reference(conn: sa.Connection) -> Iterator[Baseline]:
    """Every row of reference data, at the instant its own table records (so that an upgrade
    writes the same entries whenever it runs)."""
    offices = _table("offices", "created_at", "code", "name", "level", "kind")
    for r in conn.execute(sa.select(offices).order_by(offices.c.code)):
        value = {"name": r.name, "level": r.level, "kind": r.kind}
        yield "office.baseline", r.code, value, r.created_at
    users = _table("users", "created_at", "username", "name", "role", "office_code", "active")
    for r in conn.execute(sa.select(users).order_by(users.c.username)):
        value = {"name": r.name, "role": r.role, "office_code": r.office_code}
        yield "user.baseline", r.username, {**value, "active": bool(r.active)}, r.created_at
    years = _table("calendar_years", "added_at", "year", "source", "sha256")
    days = sa.Table(
        "calendar_days",
        sa.MetaData(),
        sa.Column("day", sa.Date),
        sa.Column("kind", sa.String),
        sa.Column("name", sa.String),
    )
    by_year: dict[int, list[list[str]]] = {}
    for d in conn.execute(sa.select(days).order_by(days.c.day)):
        by_year.setdefault(d.day.year, []).append([d.day.isoformat(), d.kind, d.name])
    for r in conn.execute(sa.select(years).order_by(years.c.year)):
        value = {"source": r.source, "sha256": r.sha256, "days": by_year.get(int(r.year), [])}
        yield "calendar.baseline", str(r.year), value, r.added_at
    yield from _dated(conn)


def _dated(conn: sa.Connection) -> Iterator[Baseline]:
    scale = sa.Table(
        "subsidy_scale",
        sa.MetaData(),
        *(sa.Column(c) for c in ("id", "tier", "label", "amount", "example")),
        sa.Column("effective_from", sa.Date),
        sa.Column("set_at", UTCDateTime()),
    )
    for r in conn.execute(sa.select(scale).order_by(scale.c.effective_from, scale.c.tier)):
        start = r.effective_from.isoformat()
        value = {"effective_from": start, "tier": r.tier, "label": r.label}
        value = {**value, "amount": int(r.amount), "example": bool(r.example)}
        yield "scale.baseline", f"{start} {r.tier}", value, r.set_at
    settings = _table("settings", "set_at", "key", "value")
    for r in conn.execute(sa.select(settings).order_by(settings.c.key)):
        yield "setting.baseline", r.key, {"value": r.value}, r.set_at
    config = sa.Table(
        "config_values",
        sa.MetaData(),
        *(sa.Column(c) for c in ("id", "key", "value", "note")),
        sa.Column("effective_from", sa.Date),
        sa.Column("set_at", UTCDateTime()),
    )
    order = (config.c.key, config.c.effective_from, config.c.id)
    for r in conn.execute(sa.select(config).order_by(*order)):
        start = r.effective_from.isoformat()
        value = {"effective_from": start, "value": r.value, "note": r.note}
        yield "config.baseline", r.key, value, r.set_at


def _baseline(conn: sa.Connection, seq: int, prev: str | None) -> None:
    rows = []
    for action, target, value, at in _reference(conn):
        seq += 1
        row: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor": ACTOR,
            "action": action,
            "target": target,
            "channel": CHANNEL,
            "os_user": None,
            "before": None,
            "after": value,
            "data": {},
        }
        row["hash"] = prev = admin_digest(prev, row)
        rows.append(row)
    if rows:
        conn.execute(_log.insert(), rows)


def downgrade() -> None:
    drop()
    with op.batch_alter_table("admin_log") as batch:
        batch.drop_constraint("uq_admin_log_seq", type_="unique")
        batch.drop_column("hash")
        batch.drop_column("after")
        batch.drop_column("before")
        batch.drop_column("seq")
