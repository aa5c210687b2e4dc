"""Keyed hash chains (issue 15 point 3): cases registered from this revision on chain their
events with HMAC-SHA256 under a subkey of the key kept outside the database; the first keyed
case's id is recorded, signed, in ``settings`` (casework.storage.chain). Older cases keep their
plain chains, unchanged.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from casework.storage.adminlog import append
from casework.storage.chain import KEYED_FROM, marker
from casework.storage.personal import key_of
from casework.storage.settings import set_setting

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_CASES = sa.table("cases", sa.column("id", sa.Integer()))
# Dated by the revision, not by the clock (see 0013).
_WRITTEN = datetime(2026, 12, 2, tzinfo=UTC)


def upgrade() -> None:
    bind = op.get_bind()
    key = key_of(bind)  # no key: the one-line refusal, and the upgrade rolls back
    last = bind.execute(sa.select(sa.func.coalesce(sa.func.max(_CASES.c.id), 0))).scalar_one()
    # a setting like any other, in the admin log too (migration 0016)
    who = ("migration 0017", _WRITTEN)
    act = set_setting(bind, None, KEYED_FROM, marker(key, int(last) + 1), who)
    append(bind, who, [act], ("migration", None))


def downgrade() -> None:
    raise NotImplementedError("keyed chains cannot be undone: downgrade is refused")
