"""The channel of every event (issue 14 point 7): ``web``, ``api``, ``cli`` or ``import``, and
for the direct CLI the operating-system account that ran the command.

Two nullable columns: events recorded before this revision keep NULL (channel unknown), and
neither column enters the hash chain, so every existing chain verifies as before.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("os_user", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("os_user")
        batch.drop_column("channel")
