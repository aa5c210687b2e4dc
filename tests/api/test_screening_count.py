"""A screening entry's cases counted within one unit of work: the cases it registered and has
not written yet, counted as they are added, and no longer once written (the stored rows count
them then)."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.domain.steps import Registration
from casework.errors import InvalidData
from casework.services import cases
from casework.storage.uow import UnitOfWork, write
from tests.helpers import dump

SIDES = ("applicant:甲某", "respondent:乙某")


def registration(n: int, screening: int) -> Registration:
    values = {"source": "screening", "screening": str(screening)}
    return Registration("panzhou", f"纠纷{n}", SIDES, values, "2020-05-11")


def test_written_cases_are_counted_once_and_pending_ones_as_added(cw: Casework) -> None:
    found = cw.acting("clerk_pz").log_screening("panzhou", "2020-05-10", "routine", 2, 0)
    entry = int(found["id"])
    before = dump(cw.engine)
    taken: list[str] = []

    def work(uow: UnitOfWork) -> None:
        clerk = uow.users.actor("clerk_pz")
        taken.append(cases.enter(uow, clerk, "mediation", registration(1, entry)).case.case_no)
        uow.flush()  # written: the stored row counts it, not the pending count as well
        taken.append(cases.enter(uow, clerk, "mediation", registration(2, entry)).case.case_no)
        cases.enter(uow, clerk, "mediation", registration(3, entry))  # one stored, one pending

    with pytest.raises(InvalidData) as info:
        write(cw.engine, cw.clock, cw.machines, work)
    assert info.value.field == "value.screening" and "found 2" in info.value.reason
    assert len(taken) == 2 and dump(cw.engine) == before  # the refusal wrote nothing

    def two(uow: UnitOfWork) -> list[str]:
        clerk = uow.users.actor("clerk_pz")
        return [
            cases.enter(uow, clerk, "mediation", registration(n, entry)).case.case_no
            for n in (1, 2)
        ]

    written = write(cw.engine, cw.clock, cw.machines, two)
    assert [c["case_no"] for c in cw.screening(entry)["cases"]] == written
