"""Firing a default transition on lapse (``casework sweep``): the law moves the case, not a
person, so the step is the engine's (``ENGINE``), recorded in the history with the rule's name.

Each step carries a key made of the limit and the event that started it: a second sweep, or
two at once, finds it recorded and fires nothing; a case that moved since it was read (a
supervisor accepted it meanwhile) is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import NamedTuple

from casework.domain.model import Actor
from casework.domain.steps import Step, Stepped
from casework.services.cases import take
from casework.storage.uow import UnitOfWork
from casework.time.local import CST
from workflows.spec import ENGINE, Lapse

# The system actor: no user of the directory, city-wide, taking only internal steps.
SYSTEM = Actor(ENGINE, "系统（期限届满）", ENGINE, None, "city")
# A step dated on a limit's last day happens at that day's end: after whatever else the case
# saw that day.
END_OF_DAY = time(23, 59, 59)


class LapseStep(NamedTuple):
    """A default transition to fire: on which case as read (its state and version), for
    which limit, dated when."""

    case_no: str
    state: str
    version: int
    limit: str
    start_seq: int
    lapse: Lapse
    dated_on: date
    last_day: bool


def fire_lapse(uow: UnitOfWork, item: LapseStep, swept_by: str) -> Stepped | None:
    """Fire one default transition in the unit of work, or None when the case moved since it
    was read or the step was recorded before (its key)."""
    case = uow.cases.get(item.case_no)
    if case.state != item.state or case.version != item.version:
        return None
    day_end = datetime.combine(item.dated_on, END_OF_DAY if item.last_day else time(0), CST)
    # Never before the case's previous event (a history is in order): a 1999 case deemed
    # accepted "from receipt" is dated at its last event, its ``date_field`` the receipt day.
    when = max(day_end, case.last_at)
    values = {"lapsed": item.limit}
    if item.lapse.date_field:
        values[item.lapse.date_field] = item.dated_on.isoformat()
    step = Step(
        item.case_no,
        item.lapse.trigger,
        values,
        note=f"期限届满自动执行：{item.limit}（casework sweep，{swept_by}）",
        at=when,
        ref=f"lapse:{item.limit}:{item.start_seq}",
    )
    done = take(uow, SYSTEM, step, engine=True)
    return None if done.repeated else done
