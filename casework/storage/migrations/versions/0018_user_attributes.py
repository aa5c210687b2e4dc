"""User attributes (hotline_reconsideration.md 9.11): each user may carry a few declared
facts (``workflows.policy.USER_ATTRIBUTES``), a small map of text values that guards read.

One nullable JSON column: users from before this revision keep NULL (no attributes), which
reads as an empty map; the admin log records the attributes an admin sets from then on.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from casework.storage.types import json_type

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("attributes", json_type(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("attributes")
