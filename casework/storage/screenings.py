"""The dispute screening ledger (矛盾纠纷排查台账): entries, their prevention measures, the
special campaigns that hold them, and the cases they found. Entries are not workflows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, NotRequired, TypedDict

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection, Row

from casework.errors import InvalidData
from casework.storage.tables import cases, screening_campaigns, screening_measures, screenings

KINDS = {"routine": "常规", "special": "专项"}
# 人民调解法 art. 25 (防激化): the kinds of prevention the Ministry's form counts (procedures/
# mediation.md 2.7); an entry's measures carry 件 and 人 of each.
MEASURE_KINDS = {
    "criminal": "防止民转刑",
    "group_petition": "防止群体性上访",
    "group_fight": "防止群体性械斗",
    "suicide": "防止自杀",
}
ZERO_REPORT = "零报告"


class MeasureJSON(TypedDict):
    kind: str
    label: str
    cases: int
    people: int


class ScreeningJSON(TypedDict):
    id: int
    office: str
    committee: str | None
    date: str
    kind: str
    kind_label: str
    campaign: str | None
    found: int
    prevented: int
    measures: list[MeasureJSON]
    zero_report: bool  # found 0, prevented 0 and no measures (零报告)
    note: str | None
    recorded_by: str
    existing: NotRequired[bool]


CampaignJSON = TypedDict(
    "CampaignJSON",
    {"code": str, "name": str, "from": str, "to": str, "pandemic": bool, "entries": int},
)


def measure_json(r: Row[Any]) -> MeasureJSON:
    return MeasureJSON(
        kind=r.kind, label=MEASURE_KINDS.get(r.kind, r.kind), cases=r.cases, people=r.people
    )


def entry_json(r: Row[Any], measures: Sequence[Row[Any]] = ()) -> ScreeningJSON:
    """A screening row and its measures in the contract's JSON shape."""
    return ScreeningJSON(
        id=r.id,
        office=r.office_code,
        committee=r.committee,
        date=r.day.isoformat(),
        kind=r.kind,
        kind_label=KINDS.get(r.kind, r.kind),
        campaign=r.campaign,
        found=r.found,
        prevented=r.prevented,
        measures=[measure_json(m) for m in measures],
        zero_report=r.found == 0 and r.prevented == 0 and not measures,
        note=r.note,
        recorded_by=r.recorded_by,
    )


def campaign_json(r: Row[Any], entries: int = 0) -> CampaignJSON:
    return {
        "code": r.code,
        "name": r.name,
        "from": r.from_day.isoformat(),
        "to": r.to_day.isoformat(),
        "pandemic": bool(r.pandemic),
        "entries": entries,
    }


def screening_of(data: Mapping[str, object]) -> int | None:
    """The screening entry a case names in its data (``screening``), if any."""
    value = data.get("screening")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def measures_of(conn: Connection, ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    """The measures of these entries, by entry id."""
    out: dict[int, list[Row[Any]]] = {}
    for start in range(0, len(ids), 500):
        part = list(ids[start : start + 500])
        rows = conn.execute(
            select(screening_measures)
            .where(screening_measures.c.screening_id.in_(part))
            .order_by(screening_measures.c.id)
        )
        for r in rows:
            out.setdefault(r.screening_id, []).append(r)
    return out


def entries_json(conn: Connection, rows: Sequence[Row[Any]]) -> list[ScreeningJSON]:
    """Screening rows with their measures, in the rows' order."""
    measures = measures_of(conn, [r.id for r in rows])
    return [entry_json(r, measures.get(r.id, ())) for r in rows]


_BY_REF = select(screenings).where(screenings.c.ref == bindparam("b_ref"))
_BY_ID = select(screenings).where(screenings.c.id == bindparam("b_id"))
_LINKED = select(func.count()).where(cases.c.screening_id == bindparam("b_id"))
_ADD = (
    screenings.insert()
    .values(
        office_code=bindparam("b_office"),
        committee=bindparam("b_committee"),
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
    """The screening entries and campaigns of one unit of work."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def with_ref(self, ref: str) -> ScreeningJSON | None:
        row = self._conn.execute(_BY_REF, {"b_ref": ref}).first()
        return None if row is None else entries_json(self._conn, [row])[0]

    def get(self, number: int) -> Row[Any] | None:
        return self._conn.execute(_BY_ID, {"b_id": number}).first()

    def add(
        self,
        where: tuple[str, str | None, date],
        kind: str,
        counts: tuple[int, int],
        texts: tuple[str | None, str | None],
        measures: Sequence[tuple[str, int, int]],
        recorded: tuple[str, datetime, str | None],
    ) -> ScreeningJSON:
        """A new entry: ``where`` (office, committee, day), ``counts`` (found, prevented),
        ``texts`` (campaign, note), ``measures`` (kind, 件, 人) each, ``recorded`` (by whom,
        when, the caller's ref). Returns the stored entry."""
        values = {
            "b_office": where[0],
            "b_committee": where[1],
            "b_day": where[2],
            "b_kind": kind,
            "b_campaign": texts[0],
            "b_found": counts[0],
            "b_prevented": counts[1],
            "b_note": texts[1],
            "b_by": recorded[0],
            "b_at": recorded[1],
            "b_ref": recorded[2],
        }
        row = self._conn.execute(_ADD, values).one()
        if measures:
            self._conn.execute(
                screening_measures.insert(),
                [
                    {"screening_id": row.id, "kind": k, "cases": n, "people": p}
                    for k, n, p in measures
                ],
            )
        return entries_json(self._conn, [row])[0]

    def campaign(self, code: str) -> Row[Any] | None:
        return self._conn.execute(
            select(screening_campaigns).where(screening_campaigns.c.code == code)
        ).first()

    def add_campaign(
        self,
        code: str,
        name: str,
        days: tuple[date, date],
        pandemic: bool,
        by: tuple[str, datetime],
    ) -> CampaignJSON:
        row = self._conn.execute(
            screening_campaigns.insert()
            .values(
                code=code,
                name=name,
                from_day=days[0],
                to_day=days[1],
                pandemic=pandemic,
                created_by=by[0],
                created_at=by[1],
            )
            .returning(*screening_campaigns.c)
        ).one()
        return campaign_json(row)

    def link(self, value: str, pending: Mapping[int | None, int]) -> dict[str, object]:
        """The ``screening`` value source: an entry of the ledger, by its number, that has not
        yet as many cases as it found (``pending``: how many of the cases this unit of work
        registered and has not written yet name each entry)."""
        number = int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
        row = None if number is None else self.get(number)
        if number is None or row is None:
            raise InvalidData(
                f"来源排查「screening」{value[:30]!r} 不是排查台账中的记录（见 screening list）"
                " (no such screening)",
                field="value.screening",
                value=value[:30],
            )
        linked = int(self._conn.execute(_LINKED, {"b_id": number}).scalar_one())
        linked += pending.get(number, 0)
        if linked >= row.found:
            raise InvalidData(
                f"拒绝：排查 {number} 发现纠纷 found {row.found} 件，已登记 {linked} 件案件，"
                "不能再多 (no more cases than the entry's found)",
                field="value.screening",
                value=number,
            )
        return {"screening": number}
