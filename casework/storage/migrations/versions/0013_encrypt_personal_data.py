"""Personal data sealed at rest (issue 14 point 6): every party's ID number and phone, and the
old and new values of every correction of them, sealed with AES-256-GCM under the key kept
outside the database (casework.storage.personal); a blind index of each beside it; the key's
check in ``settings``.

The migration needs the key (``CASEWORK_KEY`` or the key file, which ``casework init``
creates when there is none): it seals the rows in place, in the upgrade's one transaction.
The hash chain covers an event's data as recorded, in clear (the column type opens it before
anyone hashes it), so every chain verifies after the migration as before it.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from casework.storage.personal import CHECK_KEY, PersonalKey, key_of, seal_event_data
from casework.storage.types import UTCDateTime, json_type

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_PARTIES = sa.table(
    "parties",
    sa.column("id", sa.Integer()),
    sa.column("id_number", sa.String()),
    sa.column("phone", sa.String()),
    sa.column("id_number_index", sa.String()),
    sa.column("phone_index", sa.String()),
)
_EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer()),
    sa.column("trigger", sa.String()),
    sa.column("data", json_type()),
)
_SETTINGS = sa.table(
    "settings",
    sa.column("key", sa.String()),
    sa.column("value", sa.Text()),
    sa.column("set_by", sa.String()),
    sa.column("set_at", UTCDateTime()),
)
_BATCH = 2000
# The check's row is dated by this revision, not by the clock: a migrated database is the same
# whenever the migration ran (and tests never read the real clock).
_WRITTEN = datetime(2026, 12, 1, tzinfo=UTC)


def upgrade() -> None:
    bind = op.get_bind()
    key = key_of(bind)  # no key: the one-line refusal, and the upgrade rolls back
    op.drop_index("ix_parties_name_phone", table_name="parties")
    op.drop_index("ix_parties_id_number", table_name="parties")
    with op.batch_alter_table("parties") as batch:
        batch.alter_column("id_number", type_=sa.String(length=100), existing_nullable=True)
        batch.alter_column("phone", type_=sa.String(length=100), existing_nullable=True)
        batch.add_column(sa.Column("id_number_index", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("phone_index", sa.String(length=64), nullable=True))
    _seal_parties(bind, key)
    _seal_corrections(bind, key)
    op.create_index("ix_parties_id_number_index", "parties", ["id_number_index"])
    op.create_index("ix_parties_name_phone_index", "parties", ["name", "phone_index"])
    bind.execute(
        _SETTINGS.insert().values(
            key=CHECK_KEY, value=key.check, set_by="migration 0013", set_at=_WRITTEN
        )
    )


def _seal_parties(bind: sa.engine.Connection, key: PersonalKey) -> None:
    rows = bind.execute(
        sa.select(_PARTIES.c.id, _PARTIES.c.id_number, _PARTIES.c.phone).where(
            sa.or_(_PARTIES.c.id_number.is_not(None), _PARTIES.c.phone.is_not(None))
        )
    ).all()
    update = (
        _PARTIES.update()
        .where(_PARTIES.c.id == sa.bindparam("b_id"))
        .values(
            id_number=sa.bindparam("b_id_number"),
            phone=sa.bindparam("b_phone"),
            id_number_index=sa.bindparam("b_id_index"),
            phone_index=sa.bindparam("b_phone_index"),
        )
    )
    params = [
        {
            "b_id": r.id,
            "b_id_number": key.seal("id_number", r.id_number) if r.id_number else None,
            "b_phone": key.seal("phone", r.phone) if r.phone else None,
            "b_id_index": key.index("id_number", r.id_number) if r.id_number else None,
            "b_phone_index": key.index("phone", r.phone) if r.phone else None,
        }
        for r in rows
    ]
    for i in range(0, len(params), _BATCH):
        bind.execute(update, params[i : i + _BATCH])


def _seal_corrections(bind: sa.engine.Connection, key: PersonalKey) -> None:
    rows = bind.execute(
        sa.select(_EVENTS.c.id, _EVENTS.c.data).where(_EVENTS.c.trigger == "correct")
    ).all()
    update = (
        _EVENTS.update()
        .where(_EVENTS.c.id == sa.bindparam("b_id"))
        .values(data=sa.bindparam("b_data", type_=json_type()))
    )
    for r in rows:
        sealed = seal_event_data(r.data, key)
        if sealed is not r.data:
            bind.execute(update, {"b_id": r.id, "b_data": sealed})


def downgrade() -> None:
    raise NotImplementedError("sealed personal data is not opened back into clear text")
