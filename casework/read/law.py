"""What the law adds to a case as shown: the rules it follows, its flags, the values its
procedure shows beside its data (a petition's reviewer), its running limits and the same
person's other cases (repeat detection)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import cast

from sqlalchemy.engine import Connection

from casework.domain.model import Case, Event
from casework.domain.results import related_view
from casework.domain.view import GuardView
from casework.read.shapes import CaseJSON, FlagJSON, RulesJSON
from casework.storage.db import chunk_size
from casework.storage.repository import earlier_of
from casework.storage.world import StoredWorld
from casework.time.deadlines import CaseClock, Running, limits_on
from workflows.spec import Workflow


def add_law(
    conn: Connection,
    wf: Workflow,
    case: Case,
    view: GuardView,
    out: CaseJSON,
    damaged: Collection[int] = (),
) -> None:
    """Add the case's rules, flags, shown values and related cases to its view (the
    ``damaged`` cases left out of the related ones)."""
    version = wf.version(view.rules)
    if wf.versions:
        out["rules"] = (
            RulesJSON(name=version.name, label=version.label, law=version.law) if version else None
        )
    if wf.flags:
        out["flags"] = [
            FlagJSON(name=f.group, label=f.label, value=f.name)
            if f.group
            else FlagJSON(name=f.name, label=f.label, value=True)
            for f in wf.flags
            if f.check(view)
        ]
    shown = cast(dict[str, object], out)
    for value in wf.shown:
        shown[value.name] = value.value(view)
    ours = [p for p in case.parties if p.id_number or p.phone]
    if ours:
        earlier = earlier_of(conn, wf.name, case.case_no, ours, chunk_size(conn), damaged)
        out["related"] = related_view(wf, view.actor, case, sorted(earlier.values()))
    else:
        out["related"] = []


def limits(
    wf: Workflow, case: Case, history: Sequence[Event], world: StoredWorld, as_of: date
) -> list[Running]:
    """Every limit running for the case on ``as_of``."""
    clock = CaseClock(wf, case.office, case.data, history, world.calendar(), world.setting)
    return limits_on(clock, as_of)
