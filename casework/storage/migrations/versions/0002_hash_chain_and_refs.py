"""Event hash chain and idempotency keys.

events.hash chains each case's events, cases.head_hash keeps the chain's head, and existing
histories are chained on upgrade. cases.ref and events.ref are callers' idempotency keys.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from casework.domain.hashing import row_digest
from casework.storage.types import UTCDateTime, json_type

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("ref", sa.String(length=200), nullable=True))
        batch.create_unique_constraint("uq_events_case_ref", ["case_id", "ref"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("head_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("ref", sa.String(length=200), nullable=True))
        batch.create_unique_constraint("uq_cases_ref", ["kind", "office_code", "ref"])
    _chain_existing_events()
    with op.batch_alter_table("events") as batch:
        batch.alter_column("hash", existing_type=sa.String(length=64), nullable=False)


def _chain_existing_events() -> None:
    conn = op.get_bind()
    meta = sa.MetaData()
    cases = sa.Table(
        "cases",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_no", sa.String),
        sa.Column("head_hash", sa.String),
    )
    events = sa.Table(
        "events",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer),
        sa.Column("seq", sa.Integer),
        sa.Column("trigger", sa.String),
        sa.Column("from_state", sa.String),
        sa.Column("to_state", sa.String),
        sa.Column("actor", sa.String),
        sa.Column("actor_role", sa.String),
        sa.Column("occurred_at", UTCDateTime()),
        sa.Column("recorded_at", UTCDateTime()),
        sa.Column("note", sa.Text),
        sa.Column("data", json_type()),
        sa.Column("hash", sa.String),
    )
    numbers = dict(conn.execute(sa.select(cases.c.id, cases.c.case_no)).all())
    rows = conn.execute(sa.select(events).order_by(events.c.case_id, events.c.seq)).all()
    prev: str | None = None
    current = None
    heads: dict[int, str] = {}
    for row in rows:
        if row.case_id != current:
            current, prev = row.case_id, None
        digest = row_digest(prev, numbers[row.case_id], dict(row._mapping))
        conn.execute(events.update().where(events.c.id == row.id).values(hash=digest))
        heads[row.case_id] = prev = digest
    for case_id, head in heads.items():
        conn.execute(cases.update().where(cases.c.id == case_id).values(head_hash=head))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_ref", type_="unique")
        batch.drop_column("ref")
        batch.drop_column("head_hash")
    with op.batch_alter_table("events") as batch:
        batch.drop_constraint("uq_events_case_ref", type_="unique")
        batch.drop_column("ref")
        batch.drop_column("hash")
