"""The tamper-evident history: each event's hash covers its content and the previous hash.

One chain per case, not one per database: writers on different cases never wait for each
other on a shared chain head (28 offices write at once on PostgreSQL), and a chain is checked
case by case. The case row keeps the head of its chain and its version, so that deleting a
case's last events, which a per-case chain alone could not show, is found too. The digest is a
plain SHA-256: it shows edits made outside casework; it is not a signature against someone who
knows the format and rewrites a whole chain. Since issue 15 the chain of a case registered
after the database was keyed (casework.storage.chain) is an HMAC-SHA256 chain under a subkey of
the key kept outside the database: someone with the database but not the key file cannot
recompute it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

# Changing what v1 covers would break every stored chain: a new format gets a new tag.
DIGEST_VERSION = "v1"


@lru_cache(maxsize=8192)  # events share instants: an import's "now", a ledger's days
def _instant(value: datetime) -> str:
    """The instant as a JSON string (ISO digits need no escaping)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return f'"{value.astimezone(UTC).isoformat(timespec="microseconds")}"'


_ENCODE = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), check_circular=False
).encode


def event_digest(
    prev: str | None,
    case_no: str,
    seq: int,
    trigger: str,
    states: tuple[str | None, str],
    who: tuple[str, str],
    times: tuple[datetime, datetime],
    note: str | None,
    data: Mapping[str, Any] | None,
    key: bytes | None = None,
) -> str:
    """The hash of one event, chained to the previous event's hash of the same case.

    ``states`` is (from, to), ``who`` (actor, role), ``times`` (occurred, recorded); with
    ``key``, an HMAC-SHA256 of the same message.
    """
    # The canonical encoding of the list [DIGEST_VERSION, case_no, seq, trigger, from, to,
    # actor, role, occurred, recorded, note, data], written item by item with the encoder's
    # own string escaping (a list's items are joined by "," whatever they are): the encoder
    # cost more than the hash, and many events share their data, encoded apart.
    payload = (
        f"[{_VERSION},{encode_basestring(case_no)},{seq},{encode_basestring(trigger)},"
        f"{_text(states[0])},{encode_basestring(states[1])},"
        f"{encode_basestring(who[0])},{encode_basestring(who[1])},"
        f"{_instant(times[0])},{_instant(times[1])},{_text(note)},{canonical(data)}]"
    )
    message = f"{prev or ''}\n{payload}".encode()
    if key is not None:
        return _keyed(key, message)
    return hashlib.sha256(message).hexdigest()


@lru_cache(maxsize=4)
def _mac(key: bytes) -> Any:
    return hmac.new(key, None, "sha256")  # copied per event: cheaper than a new one


def _keyed(key: bytes, message: bytes) -> str:
    mac = _mac(key).copy()
    mac.update(message)
    return str(mac.hexdigest())


_VERSION = encode_basestring(DIGEST_VERSION)


def _text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


_CANONICAL: dict[tuple[tuple[str, object], ...], str] = {}


def canonical(data: Mapping[str, Any] | None) -> str:
    """The event data's canonical JSON (sorted keys, no spaces, non-ASCII as is), remembered
    for data of plain values: a batch's documents, acceptances and follow-ups repeat theirs."""
    if not data:
        return "{}"
    try:
        key = tuple(data.items())
        found = _CANONICAL.get(key)
    except TypeError:  # a value that is a list or a dict: not remembered
        return _ENCODE(dict(data))
    if found is None:
        if len(_CANONICAL) > 50_000:
            _CANONICAL.clear()
        found = _CANONICAL[key] = _ENCODE(dict(data))
    return found


def row_digest(
    prev: str | None, case_no: str, row: Mapping[str, Any], key: bytes | None = None
) -> str:
    """The hash of a stored event row (its columns by name), as recorded."""
    return event_digest(
        prev,
        case_no,
        row["seq"],
        row["trigger"],
        (row["from_state"], row["to_state"]),
        (row["actor"], row["actor_role"]),
        (row["occurred_at"], row["recorded_at"]),
        row["note"],
        row["data"],
        key,
    )


# The admin log's own chain (issue 15 point 2): one chain for the whole database, since every
# change of reference data is an admin's act and they are few. A tag of its own, so that an
# entry's digest can never be taken for an event's.
ADMIN_DIGEST_VERSION = "admin-v1"


def admin_digest(prev: str | None, entry: Mapping[str, Any]) -> str:
    """The hash of one admin-log entry (its columns by name), chained to the previous entry's.

    It covers the sequence number, instant, actor, action, target, the channel and OS account
    (who acted, and through what: the log is new, so nothing keeps them out as it keeps them
    out of older events' hashes), the old and new value, and the act's other data.
    """
    payload = _ENCODE(
        [
            ADMIN_DIGEST_VERSION,
            entry["seq"],
            _instant(entry["at"])[1:-1],
            entry["actor"],
            entry["action"],
            entry["target"],
            entry["channel"],
            entry["os_user"],
            entry["before"],
            entry["after"],
            entry["data"] or {},
        ]
    )
    return hashlib.sha256(f"{prev or ''}\n{payload}".encode()).hexdigest()
