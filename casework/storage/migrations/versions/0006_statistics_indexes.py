"""Indexes for statistics over a period: cases by kind and registration date, events by target
state and date (see casework/stats.py and docs/performance.md).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_kind_registered", "cases", ["kind", "registered_on"])
    op.create_index("ix_events_to_state_on", "events", ["to_state", "occurred_on", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_events_to_state_on", table_name="events")
    op.drop_index("ix_cases_kind_registered", table_name="cases")
