"""The v1 event digest: SHA-256 of the previous hash, a newline and the canonical JSON of the
event's list of values, whichever way the list is written out."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from casework.domain.hashing import event_digest

CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
LOCAL = timezone(timedelta(hours=8))
AT = datetime(2020, 3, 2, 9, 30, 0, 120, tzinfo=LOCAL)
# Texts JSON escapes (quotes, backslashes, control characters) and some it leaves as they are.
PIECES = ['"', "\\", "\n", "\t", "\x01", "\x1f", "\x7f", "中文", "\u2028", "😀", " ", "/", "a"]


def reference(prev: str | None, *values: Any) -> str:
    """The digest as v1 defines it, through the general encoder."""
    case_no, seq, trigger, states, who, times, note, data = values
    aware = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in times]
    instants = [t.astimezone(UTC).isoformat(timespec="microseconds") for t in aware]
    items = ["v1", case_no, seq, trigger, *states, *who, *instants, note, data or {}]
    return hashlib.sha256(f"{prev or ''}\n{CANONICAL(items)}".encode()).hexdigest()


def test_digests_of_stored_chains_do_not_change() -> None:
    # Digests the chains stored before the digest was written out item by item hold.
    first = event_digest(
        None,
        "TJ-2020-panzhou-00001",
        1,
        "register",
        (None, "applied"),
        ("clerk_pz", "clerk"),
        (AT, AT),
        None,
        {"source": "screening", "screening": 3},
    )
    assert first == "e313c1a65bab2feb2832f6d5c70b5b39292e730eb381fadc02cbcc4cce72b280"
    odd = ("ab" * 32, "TJ-2020-panzhou-00001", 2, "accept", ("applied", "mediating"))
    second = event_digest(
        *odd, ('med"\\x', "mediator"), (AT, AT.replace(tzinfo=None)), "说明\n\t\x01\u2028", {}
    )
    assert second == "5689460b9575406475184ae14d64bb0149845f4b2dde6aaa17781170a03ff093"


def test_the_digest_is_that_of_the_canonical_list() -> None:
    rnd = random.Random(14)

    def text() -> str:
        return "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 6)))

    for _ in range(2000):
        when = AT + timedelta(seconds=rnd.randint(0, 10**8), microseconds=rnd.randint(0, 10**6))
        values = (
            text(),
            rnd.randint(1, 10**6),
            text(),
            (rnd.choice([None, text()]), text()),
            (text(), text()),
            (when.replace(tzinfo=None) if rnd.random() < 0.2 else when, when),
            rnd.choice([None, text()]),
            rnd.choice([None, {}, {text(): text(), "days": rnd.randint(0, 99)}]),
        )
        prev = rnd.choice([None, "f" * 64])
        assert event_digest(prev, *values) == reference(prev, *values), values
