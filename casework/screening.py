"""The dispute screening ledger: each office screens its area at least monthly, plus special
campaigns (专项排查); a screening that finds nothing is still recorded (零报告)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.actors import Actor, check_office
from casework.errors import InvalidData, NotAllowed, NotFound
from casework.storage.tables import offices, screenings
from casework.domain.text import clean_text

KINDS = {"routine": "常规", "special": "专项"}
LOG_ROLES = frozenset({"clerk", "supervisor", "mediator", "admin"})
MAX_COUNT = 100_000


def _count(value: int | str, what: str) -> int:
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or len(text) > 9:
        raise InvalidData(f"{what} must be a whole number, not {text[:20]!r}")
    number = int(text)
    if number < 0 or number > MAX_COUNT:
        raise InvalidData(f"{what} must be 0..{MAX_COUNT}, not {number}")
    return number


def log_in(
    conn: Connection,
    actor: Actor,
    office: str,
    day: date,
    kind: str,
    found: int | str,
    prevented: int | str,
    today: date,
    now: Any,
    campaign: str | None = None,
    note: str | None = None,
    ref: str | None = None,
) -> dict[str, Any]:
    """Record one screening inside the caller's transaction."""
    if actor.role not in LOG_ROLES:
        raise NotAllowed(
            f"logging a screening is for clerks and supervisors; user "
            f"{actor.username} is {actor.role}"
        )
    if conn.execute(select(offices.c.code).where(offices.c.code == office)).first() is None:
        raise NotFound(f"unknown office {office[:40]!r}")
    check_office(actor, office, "the screening")
    if kind not in KINDS:
        raise InvalidData(f"screening kind {kind[:20]!r} must be routine or special")
    if day > today:
        raise InvalidData(f"screening date {day} is in the future (today is {today})")
    found_n, prevented_n = _count(found, "--found"), _count(prevented, "--prevented")
    clean_campaign = clean_text(campaign, "--campaign", max_length=200) if campaign else None
    if kind == "special" and not clean_campaign:
        raise InvalidData("a special screening (专项排查) names its campaign: give --campaign")
    clean_note = clean_text(note, "--note", required=False) if note else None
    if ref is not None:
        done = conn.execute(select(screenings).where(screenings.c.ref == ref)).first()
        if done is not None:
            return {**_row(done), "existing": True}
    new_id = conn.execute(
        screenings.insert()
        .values(
            office_code=office,
            day=day,
            kind=kind,
            campaign=clean_campaign,
            found=found_n,
            prevented=prevented_n,
            note=clean_note,
            recorded_by=actor.username,
            recorded_at=now,
            ref=ref,
        )
        .returning(screenings.c.id)
    ).scalar_one()
    row = conn.execute(select(screenings).where(screenings.c.id == new_id)).one()
    return {**_row(row), "existing": False}


def _row(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "office": r.office_code,
        "date": r.day.isoformat(),
        "kind": r.kind,
        "kind_label": KINDS.get(r.kind, r.kind),
        "campaign": r.campaign,
        "found": r.found,
        "prevented": r.prevented,
        "note": r.note,
        "recorded_by": r.recorded_by,
    }


def list_entries(
    conn: Connection,
    actor: Actor | None,
    office: str | None,
    start: date | None,
    end: date | None,
    kind: str | None,
) -> list[dict[str, Any]]:
    """Screenings, newest first; a town user sees only their own office's."""
    query = select(screenings).order_by(screenings.c.day.desc(), screenings.c.id.desc())
    if office is not None:
        query = query.where(screenings.c.office_code == office)
    if actor is not None and not actor.city_wide:
        query = query.where(screenings.c.office_code == actor.office_code)
    if start is not None:
        query = query.where(screenings.c.day >= start)
    if end is not None:
        query = query.where(screenings.c.day <= end)
    if kind is not None:
        if kind not in KINDS:
            raise InvalidData(f"screening kind {kind[:20]!r} must be routine or special")
        query = query.where(screenings.c.kind == kind)
    return [_row(r) for r in conn.execute(query)]
