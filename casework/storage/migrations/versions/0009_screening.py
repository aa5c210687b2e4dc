"""Screening campaigns, prevention measures, an entry's committee and the cases it found.

A special screening (专项排查) now names a campaign whose dates hold it; the campaigns of the
entries recorded before are made from their campaign texts (the text is the code and the name,
the dates those of its entries, flagged pandemic when the name speaks of 疫情 or 新冠), so every
existing entry keeps its campaign and every screening figure its value. A case names the entry
that found it in its data (``screening``); that number is copied into ``cases.screening_id``
for the cases recorded so far. Events are not touched, so every hash chain stays as it was.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from casework.storage.types import UTCDateTime, json_type

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BY = "migration-0009"
PANDEMIC_WORDS = ("疫情", "新冠")


def upgrade() -> None:
    op.create_table(
        "screening_campaigns",
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=False),
        sa.Column("to_day", sa.Date(), nullable=False),
        sa.Column("pandemic", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "screening_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["screening_id"], ["screenings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_screening_measures_screening_id", "screening_measures", ["screening_id"])
    op.add_column("screenings", sa.Column("committee", sa.String(length=40), nullable=True))
    op.add_column("cases", sa.Column("screening_id", sa.Integer(), nullable=True))
    op.create_index("ix_cases_screening_id", "cases", ["screening_id"])
    conn = op.get_bind()
    _campaigns(conn)
    _case_links(conn)


def _campaigns(conn: sa.Connection) -> None:
    screenings = sa.table(
        "screenings",
        sa.column("day", sa.Date),
        sa.column("kind", sa.String),
        sa.column("campaign", sa.String),
    )
    campaigns = sa.table(
        "screening_campaigns",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("from_day", sa.Date),
        sa.column("to_day", sa.Date),
        sa.column("pandemic", sa.Boolean),
        sa.column("created_by", sa.String),
        sa.column("created_at", UTCDateTime()),
    )
    found = conn.execute(
        sa.select(
            screenings.c.campaign, sa.func.min(screenings.c.day), sa.func.max(screenings.c.day)
        )
        .where(screenings.c.campaign.is_not(None))
        .group_by(screenings.c.campaign)
    ).all()
    now = datetime.now(UTC)
    rows = [
        {
            "code": text,
            "name": text,
            "from_day": first,
            "to_day": last,
            "pandemic": any(word in text for word in PANDEMIC_WORDS),
            "created_by": BY,
            "created_at": now,
        }
        for text, first, last in found
    ]
    if rows:
        conn.execute(campaigns.insert(), rows)


def _case_links(conn: sa.Connection) -> None:
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("data", json_type()),
        sa.column("screening_id", sa.Integer),
    )
    found = conn.execute(
        sa.select(cases.c.id, cases.c.data).where(cases.c.kind.in_(["mediation", "major_dispute"]))
    ).all()
    updates = [
        {"b_id": case_id, "b_screening": int(data["screening"])}
        for case_id, data in found
        if isinstance(data, dict) and isinstance(data.get("screening"), int)
    ]
    if updates:
        stmt = (
            cases.update()
            .where(cases.c.id == sa.bindparam("b_id"))
            .values(screening_id=sa.bindparam("b_screening"))
        )
        conn.execute(stmt, updates)


def downgrade() -> None:
    op.drop_index("ix_cases_screening_id", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("screening_id")
    with op.batch_alter_table("screenings") as batch:
        batch.drop_column("committee")
    op.drop_index("ix_screening_measures_screening_id", table_name="screening_measures")
    op.drop_table("screening_measures")
    op.drop_table("screening_campaigns")
