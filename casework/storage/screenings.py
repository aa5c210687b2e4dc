"""The dispute screening ledger (矛盾纠纷排查台账): entries, not workflows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Row

from casework.storage.tables import screenings

KINDS = {"routine": "常规", "special": "专项"}


class ScreeningJSON(TypedDict):
    id: int
    office: str
    date: str
    kind: str
    kind_label: str
    campaign: str | None
    found: int
    prevented: int
    note: str | None
    recorded_by: str
    existing: NotRequired[bool]


def entry_json(r: Row[Any]) -> ScreeningJSON:
    """A screening row in the contract's JSON shape."""
    return ScreeningJSON(
        id=r.id,
        office=r.office_code,
        date=r.day.isoformat(),
        kind=r.kind,
        kind_label=KINDS.get(r.kind, r.kind),
        campaign=r.campaign,
        found=r.found,
        prevented=r.prevented,
        note=r.note,
        recorded_by=r.recorded_by,
    )


_BY_REF = select(screenings).where(screenings.c.ref == bindparam("b_ref"))
_ADD = (
    screenings.insert()
    .values(
        office_code=bindparam("b_office"),
        day=bindparam("b_day"),
        kind=bindparam("b_kind"),
        campaign=bindparam("b_campaign"),
        found=bindparam("b_found"),
        prevented=bindparam("b_prevented"),
        note=bindparam("b_note"),
        recorded_by=bindparam("b_by"),
        recorded_at=bindparam("b_at"),
        ref=bindparam("b_ref"),
    )
    .returning(*screenings.c)
)


class Screenings:
    """The screening entries of one unit of work."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def with_ref(self, ref: str) -> Row[Any] | None:
        return self._conn.execute(_BY_REF, {"b_ref": ref}).first()

    def add(
        self,
        office: str,
        day: date,
        kind: str,
        counts: tuple[int, int],
        texts: tuple[str | None, str | None],
        recorded: tuple[str, datetime],
        ref: str | None,
    ) -> Row[Any]:
        """A new entry; ``counts`` is (found, prevented), ``texts`` (campaign, note),
        ``recorded`` (by whom, when). Returns the stored row."""
        values = {
            "b_office": office,
            "b_day": day,
            "b_kind": kind,
            "b_campaign": texts[0],
            "b_found": counts[0],
            "b_prevented": counts[1],
            "b_note": texts[1],
            "b_by": recorded[0],
            "b_at": recorded[1],
            "b_ref": ref,
        }
        return self._conn.execute(_ADD, values).one()
