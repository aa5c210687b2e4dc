"""The dispute screening ledger (矛盾纠纷排查台账) as listed: entries, newest first."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.model import Actor
from casework.errors import InvalidData
from casework.read.scope import check_period, office_scope
from casework.read.shapes import ScreeningJSON
from casework.storage.screenings import KINDS, entry_json
from casework.storage.tables import screenings


def screening_kind(kind: str) -> str:
    """A screening kind by its code or its Chinese label (``专项`` for ``special``)."""
    if kind in KINDS:
        return kind
    for code, label in KINDS.items():
        if label == kind:
            return code
    listed = "、".join(f"{label} {code}" for code, label in KINDS.items())
    raise InvalidData(
        f"排查类型 kind {kind[:20]!r} 应为以下之一：{listed}", field="kind", value=kind[:20]
    )


def list_entries(
    conn: Connection,
    actor: Actor | None,
    office: str | None,
    start: date | None,
    end: date | None,
    kind: str | None,
) -> list[ScreeningJSON]:
    """Screenings, newest first; a town user sees only their own office's."""
    check_period(start, end, "排查期间")
    query = select(screenings).order_by(screenings.c.day.desc(), screenings.c.id.desc())
    scope = office_scope(conn, actor, office, "排查台账")
    if scope is not None:
        query = query.where(screenings.c.office_code == scope)
    if start is not None:
        query = query.where(screenings.c.day >= start)
    if end is not None:
        query = query.where(screenings.c.day <= end)
    if kind is not None:
        query = query.where(screenings.c.kind == screening_kind(kind))
    return [entry_json(r) for r in conn.execute(query)]
