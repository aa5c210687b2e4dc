"""Which cases' hash chains are keyed (issue 15 point 3).

Cases registered once a database is keyed chain their events with HMAC-SHA256 under the
``chain`` subkey of the personal-data key (casework.storage.personal), which is never in the
database. Cases older than that keep their plain SHA-256 chains: re-hashing them would rewrite
the history. The boundary is the first keyed case's id, kept in ``settings`` under
``audit.chain_keyed_from`` together with an HMAC of it under the key's audit subkey, written by
migration 0017 (for a new database: 1). So someone without the key can neither move the
boundary (to pass a forged chain off as an old, plain one) nor remove it unseen: from that
revision on the audit requires it.
"""

from __future__ import annotations

import hmac
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.storage.personal import PersonalKey, key_on
from casework.storage.tables import settings

KEYED_FROM = "audit.chain_keyed_from"
_ATTR = "casework_keyed_from"


def marker(key: PersonalKey, first_id: int) -> str:
    """The setting's value: the first keyed case's id and its HMAC."""
    mac = hmac.new(key.audit_key, f"chain keyed from {first_id}".encode(), "sha256")
    return f"{first_id}:{mac.hexdigest()}"


class Keyed(NamedTuple):
    """The boundary as stored: the first keyed id (None: no marker), and whether its HMAC
    holds under this database's key."""

    first_id: int | None
    genuine: bool


def read_keyed(conn: Connection) -> Keyed:
    row = conn.execute(select(settings.c.value).where(settings.c.key == KEYED_FROM)).first()
    key = key_on(conn.dialect)
    if row is None or key is None:
        return Keyed(None, False)
    head, _, _ = str(row.value).partition(":")
    if not head.isdigit():
        return Keyed(None, False)
    first = int(head)
    return Keyed(first, hmac.compare_digest(marker(key, first), str(row.value)))


def chain_key_of(conn: Connection) -> tuple[int, bytes] | None:
    """(first keyed id, chain key) for the writers, remembered on the engine's dialect once
    found (a marker never changes); None for a database without one (not yet upgraded)."""
    known = getattr(conn.dialect, _ATTR, None)
    if known is not None:
        return known  # type: ignore[no-any-return]
    key = key_on(conn.dialect)
    found = read_keyed(conn)
    if key is None or found.first_id is None or not found.genuine:
        return None
    value = (found.first_id, key.chain_key)
    setattr(conn.dialect, _ATTR, value)
    return value
