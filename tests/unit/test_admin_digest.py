"""The admin log's digest (casework.domain.hashing.admin_digest): every field it covers changes
it, the order of a value's keys does not, and it is chained to the previous entry's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from casework.domain.hashing import admin_digest

ENTRY: dict[str, Any] = {
    "seq": 7,
    "at": datetime(2020, 12, 1, 2, 0, tzinfo=UTC),
    "actor": "admin",
    "action": "user.change",
    "target": "clerk_pz",
    "channel": "cli",
    "os_user": "ops",
    "before": {"role": "clerk"},
    "after": {"role": "supervisor"},
    "data": {"role": ["clerk", "supervisor"]},
}


@pytest.mark.parametrize(
    "field,other",
    [
        ("seq", 8),
        ("at", datetime(2020, 12, 1, 2, 0, 1, tzinfo=UTC)),
        ("actor", "admin2"),
        ("action", "user.add"),
        ("target", "clerk_sm"),
        ("channel", "web"),
        ("os_user", None),
        ("before", {"role": "viewer"}),
        ("after", {"role": "admin"}),
        ("data", {}),
    ],
)
def test_every_field_is_covered(field: str, other: object) -> None:
    assert admin_digest("p", {**ENTRY, field: other}) != admin_digest("p", ENTRY)


def test_the_previous_hash_is_chained_and_key_order_and_zone_do_not_matter() -> None:
    assert admin_digest("a", ENTRY) != admin_digest("b", ENTRY) != admin_digest(None, ENTRY)
    reordered = {**ENTRY, "before": {"role": "clerk"}, "data": {"role": ["clerk", "supervisor"]}}
    reordered["after"] = dict(reversed(list({"role": "supervisor", "x": 1}.items())))
    same = {**ENTRY, "after": {"role": "supervisor", "x": 1}}
    assert admin_digest("p", reordered) == admin_digest("p", same)
    china = ENTRY["at"].astimezone(timezone(timedelta(hours=8)))
    assert admin_digest("p", {**ENTRY, "at": china}) == admin_digest("p", ENTRY)
