"""Dated settings, office parents and rule versions (petitions and major disputes as the law
runs them).

``config_values`` keeps every value a [cfg] setting ever had, each from a day. Existing offices
get their parents as settings in force from the beginning (a town office's is the justice
bureau; the justice bureau's 茂名市司法局, the other city bodies' 茂名市人民政府). Existing
petitions pin the rule version in force on their registration day (信访条例 2005 before
2022-05-01, 信访工作条例 after); existing major disputes pin ``ba1``, the 包案 procedure casework
ran before, under which a case was assigned without a proposal: their recorded histories stay
legal, and their next steps follow today's rules. Events are not touched, so every hash chain
stays as it was. An index on parties' name and phone serves repeat detection (the same
person without an ID number).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from casework.storage.types import UTCDateTime, json_type

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Frozen here as they were when this migration was written.
EPOCH = date(1990, 1, 1)
X_UNTIL = date(2022, 5, 1)
BY = "migration-0007"


def upgrade() -> None:
    op.create_table(
        "config_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_config_values_key", "config_values", ["key", "effective_from"])
    op.create_index("ix_parties_name_phone", "parties", ["name", "phone"])
    conn = op.get_bind()
    _office_parents(conn)
    _petition_bureau(conn)
    _pin_rules(conn)


def _petition_bureau(conn: sa.Connection) -> None:
    """The city's petition bureau is 信访部门 (kind ``petition_bureau``), which the law treats
    apart (G art. 22); casework shipped it as a plain ``bureau`` before."""
    offices = sa.table("offices", sa.column("code", sa.String), sa.column("kind", sa.String))
    conn.execute(
        sa.update(offices)
        .where(offices.c.code == "city-petition", offices.c.kind == "bureau")
        .values(kind="petition_bureau")
    )


def _office_parents(conn: sa.Connection) -> None:
    offices = sa.table("offices", sa.column("code", sa.String), sa.column("level", sa.String))
    config = sa.table(
        "config_values",
        sa.column("key", sa.String),
        sa.column("effective_from", sa.Date),
        sa.column("value", sa.String),
        sa.column("set_by", sa.String),
        sa.column("set_at", UTCDateTime()),
        sa.column("note", sa.String),
    )
    now = datetime.now(UTC)
    rows = []
    for code, level in conn.execute(sa.select(offices.c.code, offices.c.level)).all():
        if level == "town":
            parent = "city-justice"
        elif code == "city-justice":
            parent = "ext:茂名市司法局"
        else:
            parent = "ext:茂名市人民政府"
        rows.append(
            {
                "key": f"office.parent.{code}",
                "effective_from": EPOCH,
                "value": parent,
                "set_by": BY,
                "set_at": now,
                "note": "existing office, parent by its level",
            }
        )
    if rows:
        conn.execute(config.insert(), rows)


def _pin_rules(conn: sa.Connection) -> None:
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("registered_on", sa.Date),
        sa.column("data", json_type()),
    )
    found = conn.execute(
        sa.select(cases.c.id, cases.c.kind, cases.c.registered_on, cases.c.data).where(
            cases.c.kind.in_(["petition", "major_dispute"])
        )
    ).all()
    updates = []
    for case_id, kind, registered_on, data in found:
        petition = "xf2005" if registered_on < X_UNTIL else "xf2022"
        rules = petition if kind == "petition" else "ba1"
        updates.append({"b_id": case_id, "b_data": {**(data or {}), "rules": rules}})
    if updates:
        stmt = (
            cases.update()
            .where(cases.c.id == sa.bindparam("b_id"))
            .values(data=sa.bindparam("b_data", type_=json_type()))
        )
        conn.execute(stmt, updates)


def downgrade() -> None:
    op.drop_index("ix_parties_name_phone", table_name="parties")
    op.drop_index("ix_config_values_key", table_name="config_values")
    op.drop_table("config_values")
