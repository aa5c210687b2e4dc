"""Published figures (issue 17 point 8): each version of a period's figures as published,
frozen with the time, the user, the procedure versions and a hash of the inputs.

One new table, only ever inserted into: as for events (0015), a trigger refuses every UPDATE
and DELETE of a row (and, on PostgreSQL, a TRUNCATE), so a published figure cannot change
silently; a revision is a new row. No existing row is touched, so every chain stays whole.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from casework.storage.types import UTCDateTime, json_type

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

REFUSAL = "published figures are append-only: a revision is a new version (公布数只增不改)"
SQLITE = [
    f"CREATE TRIGGER published_figures_no_{verb.lower()} BEFORE {verb} ON published_figures "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION casework_published_append_only() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}' "
    "USING ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER published_figures_no_change BEFORE UPDATE OR DELETE ON published_figures "
    "FOR EACH ROW EXECUTE FUNCTION casework_published_append_only()",
    "CREATE TRIGGER published_figures_no_truncate BEFORE TRUNCATE ON published_figures "
    "FOR EACH STATEMENT EXECUTE FUNCTION casework_published_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "published_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("by", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("procedure_versions", json_type(), nullable=False),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("figures", json_type(), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "by", "version", name="uq_published_figures_version"),
    )
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS published_figures_no_change ON published_figures")
        op.execute("DROP TRIGGER IF EXISTS published_figures_no_truncate ON published_figures")
    op.drop_table("published_figures")
