"""An index of each case's events by trigger: whether a duty that began has been met is a
lookup of the case's few events of two triggers (casework.read.may_run), where the index on
(trigger, occurred_on, case_id) made it a scan of every such event of the city (a town's desk
took 0.7 s to narrow its cases; 0.04 s with this index).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_case_trigger", "events", ["case_id", "trigger", "seq"])


def downgrade() -> None:
    op.drop_index("ix_events_case_trigger", table_name="events")
