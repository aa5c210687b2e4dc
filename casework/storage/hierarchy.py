"""The office hierarchy: each office's parent, an office of casework or an organ outside it.

A parent is a dated setting (``office.parent.<code>``, ``organ.parent.<name>``), so moving a
town under another city body from a day leaves earlier reviews where they were. Without an
entry, a parent is the shipped default of petition.md (a town office's is the justice bureau).
Levels count up the chain: town 1, city 2, then one per outside organ (Maoming 3, province 4,
Beijing 5).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.storage.config import Config
from casework.storage.tables import offices
from workflows.settings import (
    LEVELS,
    OFFICE_PARENT,
    ORGAN_PARENT,
    ORGAN_PARENTS,
    TOP_LEVEL,
    default_parent,
    is_external,
    organ_name,
)


class Hierarchy:
    """Parents and levels of offices and outside organs, as one unit of work or read sees
    them (the offices table read once)."""

    def __init__(self, conn: Connection, config: Config) -> None:
        self._conn = conn
        self._config = config
        self._offices: dict[str, tuple[str, str | None]] | None = None
        self._levels: dict[date, dict[str, int]] = {}

    def _known(self) -> dict[str, tuple[str, str | None]]:
        if self._offices is None:
            rows = self._conn.execute(select(offices.c.code, offices.c.level, offices.c.kind))
            self._offices = {r.code: (r.level, r.kind) for r in rows}
        return self._offices

    def forget(self) -> None:
        """Read the offices again (one was added)."""
        self._offices = None
        self._levels.clear()

    def is_office(self, code: str) -> bool:
        return code in self._known()

    def kind(self, code: str) -> str | None:
        found = self._known().get(code)
        return None if found is None else found[1]

    def parent(self, of: str, day: date) -> str | None:
        """The parent of an office or of an outside organ (``ext:NAME``) on a day."""
        if is_external(of):
            name = organ_name(of)
            entry = self._config.stored(ORGAN_PARENT + name, day)
            if entry is not None:
                return entry.value or None
            return ORGAN_PARENTS.get(name)
        found = self._known().get(of)
        if found is None:
            return None
        entry = self._config.stored(OFFICE_PARENT + of, day)
        return entry.value if entry is not None else default_parent(of, found[0])

    def level(self, of: str, day: date) -> int | None:
        """Town 1, city 2; an outside organ one above the office or organ below it."""
        found = self._known().get(of)
        if found is not None:
            return LEVELS.get(found[0])
        return self._outside_levels(day).get(of)

    def _outside_levels(self, day: date) -> dict[str, int]:
        known = self._levels.get(day)
        if known is None:
            known = self._levels[day] = {}
            for code, (level, _) in self._known().items():
                at, here, steps = LEVELS.get(level, 2), self.parent(code, day), 0
                while here is not None and steps < TOP_LEVEL * 2 and at < TOP_LEVEL:
                    steps += 1
                    if is_external(here):
                        at += 1
                        known[here] = max(known.get(here, 0), at)
                    else:
                        inside = self._known().get(here)
                        at = LEVELS.get(inside[0], at) if inside else at
                    here = self.parent(here, day)
        return known
