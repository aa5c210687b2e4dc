"""The statistics roll-ups (issue 18 point 4): each case's items of the figures whose items do
not depend on the period asked for, kept in ``stat_items`` so that a year's figures are sums
over an index rather than every case of the year judged again; ``stat_dirty`` holds the cases
changed since their items were computed (a step marks its case in its own transaction).

Two new tables; no existing row is touched, so every chain stays whole. The items are derived:
``casework init`` after this upgrade computes them from the events (and records the build in
``derived_builds``); until then every figure is computed from the events as before.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stat_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("part", sa.String(length=120), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("office", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("prior", sa.Date(), nullable=True),
    )
    op.create_index(
        "ix_stat_items_source_day",
        "stat_items",
        ["source", "part", "day", "office", "value", "valid_from", "valid_to", "prior"],
    )
    op.create_index("ix_stat_items_case", "stat_items", ["case_id"])
    op.create_table(
        "stat_dirty",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stat_dirty")
    op.drop_index("ix_stat_items_case", table_name="stat_items")
    op.drop_index("ix_stat_items_source_day", table_name="stat_items")
    op.drop_table("stat_items")
