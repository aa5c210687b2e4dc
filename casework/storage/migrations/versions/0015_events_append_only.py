"""Events are append-only in the database itself (issue 15 point 4): a trigger refuses every
UPDATE and DELETE of an event (and, on PostgreSQL, a TRUNCATE of the table), whoever connects.

casework never changes an event once written (the step appends; a correction is a new event),
so the triggers cost nothing in use. They stop a careless or hostile edit made through the
database's own tools; someone who owns the database can still drop them, which is why
``audit verify`` checks the history as before and the anchor of issue 15 keeps a copy outside.
A later migration that must rewrite events, or rebuild the table (SQLite's batch mode loses a
table's triggers), calls ``drop`` first and ``create`` after. docs/deployment.md gives the
PostgreSQL roles beside them.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

REFUSAL = "events are append-only: casework never changes or deletes a step (事件只增不改)"
SQLITE = [
    f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION casework_events_append_only() RETURNS trigger "
    f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}' "
    "USING ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION casework_events_append_only()",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION casework_events_append_only()",
]


def create() -> None:
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def drop() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_no_change ON events")
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")


def upgrade() -> None:
    create()


def downgrade() -> None:
    drop()
