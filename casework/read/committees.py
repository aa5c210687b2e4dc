"""Committees (调委会) and mediators as listed on a day: members then, and the problems a
committee has (PML art. 8: three to nine members; art. 9: a three-year term)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from sqlalchemy.engine import Connection

from casework.domain.committees import TYPES, CommitteeJSON, MemberJSON, shown
from casework.errors import InvalidData, NotFound
from casework.storage.committees import Committees, member_row


class CommitteeShown(CommitteeJSON):
    memberships: list[MemberJSON]


class Filters(TypedDict, total=False):
    office: str | None
    type: str | None
    problems: bool


def list_committees(conn: Connection, day: date, filters: Filters) -> list[CommitteeJSON]:
    """The committees active on ``day``, with their members then; ``problems`` keeps those
    with one (outside 3–9 members, or their term passed)."""
    kind = filters.get("type")
    if kind is not None and kind not in TYPES:
        raise InvalidData(f"调委会类型 type {kind[:20]!r} 未知", field="type", value=kind[:20])
    found = Committees(conn)
    counts: dict[str, int] = {}
    for held in found.memberships().values():
        for m in held:
            if m.on(day):
                counts[m.committee] = counts.get(m.committee, 0) + 1
    out = []
    for c in found.all().values():
        if not c.active_on(day) or (kind is not None and c.type != kind):
            continue
        if filters.get("office") not in (None, c.office):
            continue
        row = shown(c, day, counts.get(c.code, 0))
        if not filters.get("problems") or row["problems"]:
            out.append(row)
    return out


def show_committee(conn: Connection, code: str, day: date) -> CommitteeShown:
    """A committee with every membership it ever had (dates kept), members counted on ``day``."""
    found = Committees(conn)
    c = found.get(code)
    if c is None:
        raise NotFound(f"未知调委会 unknown committee {code[:40]!r}", field="code", value=code)
    held = sorted(found.members(code), key=lambda m: (m.from_day, m.username))
    row = shown(c, day, sum(1 for m in held if m.on(day)))
    return CommitteeShown(**row, memberships=[member_row(found, m) for m in held])


def list_mediators(conn: Connection, day: date, committee: str | None) -> list[MemberJSON]:
    """The memberships in force on ``day`` (of one committee, or of all)."""
    found = Committees(conn)
    if committee is not None and found.get(committee) is None:
        raise NotFound(
            f"未知调委会 unknown committee {committee[:40]!r}", field="committee", value=committee
        )
    rows = [
        member_row(found, m)
        for held in found.memberships().values()
        for m in held
        if m.on(day) and committee in (None, m.committee)
    ]
    return sorted(rows, key=lambda r: (r["committee"], r["username"]))
