"""People's mediation committees (人民调解委员会) and their members (mediation.md 2.1).

Each town or subdistrict office gets its own committee, ``<office>-tj`` (乡镇/街道调委会, PML
art. 34 lets towns set them up), guided by that office (PML art. 5), active from the beginning;
every mediator already in casework becomes a member of their office's committee from then.
Existing mediation cases record that committee in their data (``committee``), as a case
registered today does: a case keeps the committee that accepted it. Only the cases' data
changes; no event is touched, so every hash chain stays as it was.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

from casework.storage.types import json_type

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen here as they were when this migration was written.
EPOCH = date(1990, 1, 1)
TERM_END = date(1993, 1, 1)  # EPOCH + 3 years (PML art. 9)


def upgrade() -> None:
    op.create_table(
        "committees",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("subtype", sa.String(length=20), nullable=True),
        sa.Column("office", sa.String(length=40), nullable=False),
        sa.Column("town", sa.String(length=200), nullable=True),
        sa.Column("village", sa.String(length=200), nullable=True),
        sa.Column("mediator", sa.String(length=64), nullable=True),
        sa.Column("active_from", sa.Date(), nullable=False),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("term_end", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["office"], ["offices.code"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "committee_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("committee", sa.String(length=40), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=False),
        sa.Column("to_day", sa.Date(), nullable=True),
        sa.Column("full_time", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["committee"], ["committees.code"]),
        sa.ForeignKeyConstraint(["username"], ["users.username"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_committee_members_user", "committee_members", ["username", "from_day"])
    conn = op.get_bind()
    towns = _town_committees(conn)
    _mediators(conn, towns)
    _cases(conn, towns)


def _town_committees(conn: sa.Connection) -> set[str]:
    """A committee for each town office; the offices that got one."""
    offices = sa.table(
        "offices", sa.column("code", sa.String), sa.column("name", sa.String),
        sa.column("level", sa.String),
    )  # fmt: skip
    committees = sa.table(
        "committees", *(sa.column(c) for c in ("code", "name", "type", "office", "town")),
        sa.column("active_from", sa.Date), sa.column("term_end", sa.Date),
    )  # fmt: skip
    found = conn.execute(
        sa.select(offices.c.code, offices.c.name).where(offices.c.level == "town")
    ).all()
    rows = [
        {
            "code": f"{code}-tj",
            "name": name.removesuffix("司法所") + "人民调解委员会",
            "type": "subdistrict" if "街道" in name else "town",
            "office": code,
            "town": name.removesuffix("司法所"),
            "active_from": EPOCH,
            "term_end": TERM_END,
        }
        for code, name in found
    ]
    if rows:
        conn.execute(committees.insert(), rows)
    return {code for code, _ in found}


def _mediators(conn: sa.Connection, towns: set[str]) -> None:
    users = sa.table("users", sa.column("username"), sa.column("role"), sa.column("office_code"))
    members = sa.table(
        "committee_members", sa.column("username"), sa.column("committee"),
        sa.column("from_day", sa.Date), sa.column("full_time", sa.Boolean),
    )  # fmt: skip
    found = conn.execute(
        sa.select(users.c.username, users.c.office_code).where(users.c.role == "mediator")
    ).all()
    rows = [
        {"username": u, "committee": f"{o}-tj", "from_day": EPOCH, "full_time": False}
        for u, o in found
        if o in towns
    ]
    if rows:
        conn.execute(members.insert(), rows)


def _cases(conn: sa.Connection, towns: set[str]) -> None:
    cases = sa.table(
        "cases", sa.column("id", sa.Integer), sa.column("kind", sa.String),
        sa.column("office_code", sa.String), sa.column("data", json_type()),
    )  # fmt: skip
    found = conn.execute(
        sa.select(cases.c.id, cases.c.office_code, cases.c.data).where(cases.c.kind == "mediation")
    ).all()
    updates = [
        {"b_id": case_id, "b_data": {**(data or {}), "committee": f"{office}-tj"}}
        for case_id, office, data in found
        if office in towns and "committee" not in (data or {})
    ]
    if updates:
        stmt = (
            cases.update()
            .where(cases.c.id == sa.bindparam("b_id"))
            .values(data=sa.bindparam("b_data", type_=json_type()))
        )
        conn.execute(stmt, updates)


def downgrade() -> None:
    op.drop_index("ix_committee_members_user", table_name="committee_members")
    op.drop_table("committee_members")
    op.drop_table("committees")
