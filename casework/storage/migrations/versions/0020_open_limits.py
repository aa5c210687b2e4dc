"""The open-limits index (issue 18 point 1): the limits running for each case from its last
step on, kept by the transaction that writes the step, so that ``due``, ``case list
--overdue`` and the desk read one indexed table instead of replaying every case's events.

Two new tables and an index; no existing row is touched, so every chain stays whole. The
index is derived: it is built from the events by ``casework init`` after this upgrade (which
records the build in ``derived_builds``); until then the listings replay the events as before.
``ix_cases_updated_at`` bounds the days the index answers for (the last change of any case).

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from casework.storage.types import UTCDateTime, json_type

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_limits",
        sa.Column("case_id", sa.Integer(), primary_key=True),
        sa.Column("ord", sa.Integer(), primary_key=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("binds", sa.String(length=20), nullable=False),
        sa.Column("bound_office", sa.String(length=200), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("shown", json_type(), nullable=False),
    )
    op.create_index("ix_open_limits_binds_day", "open_limits", ["binds", "last_day", "case_id"])
    op.create_table(
        "derived_builds",
        sa.Column("name", sa.String(length=40), primary_key=True),
        sa.Column("built_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_updated_at", table_name="cases")
    op.drop_table("derived_builds")
    op.drop_index("ix_open_limits_binds_day", table_name="open_limits")
    op.drop_table("open_limits")
