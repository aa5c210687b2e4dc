"""The reveal log: every unmasked view (``case show --reveal``, ``export --reveal``), who made
it, when, of which case and through which channel (web.md, "Accounts and security").

One new table, only ever inserted into; no existing row is touched, so every chain stays whole.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from casework.storage.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reveal_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("case_no", sa.String(length=80), nullable=True),
        sa.Column("what", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("os_user", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reveal_log_at", "reveal_log", ["at"])
    op.create_index("ix_reveal_log_username", "reveal_log", ["username"])


def downgrade() -> None:
    op.drop_index("ix_reveal_log_username", table_name="reveal_log")
    op.drop_index("ix_reveal_log_at", table_name="reveal_log")
    op.drop_table("reveal_log")
