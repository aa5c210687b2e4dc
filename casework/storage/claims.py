"""以案定补 claims as the subsidy's use cases look them up: a quarter's candidates, its claims,
and what the eligibility rules look at (read in bulk, casework.storage.subsidy)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from casework.domain.subsidy import Facts
from casework.storage import subsidy
from casework.storage.subsidy import Claim
from casework.time.periods import Quarter
from workflows import Registry


class Claims:
    """The claims and their candidates, for one unit of work."""

    def __init__(self, conn: Connection, registry: Registry) -> None:
        self._conn = conn
        self._registry = registry

    def archived_in(self, quarter: Quarter, office: str | None) -> list[str]:
        """Mediation cases with an ``archive`` event inside the quarter, by case number."""
        return subsidy.archived_in(self._conn, quarter, office)

    def in_states(self, quarter: Quarter, states: Sequence[str], office: str | None) -> list[Claim]:
        """The quarter's claims in the given states, by case number."""
        return subsidy.claims_in(self._conn, quarter, states, office)

    def facts_for(self, case_nos: Sequence[str]) -> dict[str, Facts]:
        """What the eligibility rules look at, for each of these mediation cases."""
        return subsidy.facts_for(self._conn, case_nos, self._registry)
