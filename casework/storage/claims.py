"""以案定补 claims as the subsidy's use cases look them up: a quarter's candidates and claims."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from casework.storage.tables import cases, events
from casework.time.periods import Quarter

CLAIM_KIND = "subsidy_claim"


def claim_ref(mediation_case: str, quarter: Quarter) -> str:
    """A claim's idempotency key: one claim per mediation case and quarter, however often the
    quarter is drafted."""
    return f"{mediation_case}@{quarter}"


class Claims:
    """The claims and their candidates, for one unit of work."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def archived_in(self, quarter: Quarter, office: str | None) -> list[str]:
        """Mediation cases with an ``archive`` event inside the quarter, by case number."""
        query = (
            select(cases.c.case_no)
            .join(events, events.c.case_id == cases.c.id)
            .where(
                cases.c.kind == "mediation",
                events.c.trigger == "archive",
                events.c.occurred_on.between(quarter.first_day, quarter.last_day),
            )
        )
        if office is not None:
            query = query.where(cases.c.office_code == office)
        return sorted({r.case_no for r in self._conn.execute(query)})

    def in_states(
        self, quarter: Quarter, states: tuple[str, ...], office: str | None
    ) -> list[Row[Any]]:
        """The quarter's claims in the given states, by case number."""
        query = (
            select(cases.c.id, cases.c.case_no, cases.c.office_code, cases.c.state, cases.c.data)
            .where(
                cases.c.kind == CLAIM_KIND,
                cases.c.state.in_(states),
                cases.c.ref.like(f"%@{quarter}"),
            )
            .order_by(cases.c.case_no)
        )
        if office is not None:
            query = query.where(cases.c.office_code == office)
        return list(self._conn.execute(query))

    def facts_for(self, case_nos: list[str]) -> dict[str, Any]:
        """What the eligibility rules look at, for each of these mediation cases."""
        # Interim: one case at a time through the old gatherer, until the bulk one lands.
        from casework.subsidy.rules import gather
        from workflows import default_registry

        return {no: gather(self._conn, default_registry(), no) for no in case_nos}
