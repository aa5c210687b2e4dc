"""The dispute screening ledger (矛盾纠纷排查台账): entries, not workflows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

from sqlalchemy import select
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


class Screenings:
    """The screening entries of one unit of work."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def with_ref(self, ref: str) -> Row[Any] | None:
        return self._conn.execute(select(screenings).where(screenings.c.ref == ref)).first()

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
        new_id = self._conn.execute(
            screenings.insert()
            .values(
                office_code=office,
                day=day,
                kind=kind,
                campaign=texts[0],
                found=counts[0],
                prevented=counts[1],
                note=texts[1],
                recorded_by=recorded[0],
                recorded_at=recorded[1],
                ref=ref,
            )
            .returning(screenings.c.id)
        ).scalar_one()
        return self._conn.execute(select(screenings).where(screenings.c.id == new_id)).one()
