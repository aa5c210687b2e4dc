"""Deadlines and windows, computed from a case's events whenever they are read.

Nothing here is stored: an extension, a back-dated event or a corrected holiday file changes
the answer the next time it is asked. Every function takes the day to judge by (``as_of``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NotRequired, Protocol, TypedDict, TypeVar

from casework.time.calendar import CalendarMissing
from workflows.limits import RunningLimit, Setting, met, plain_last_day, running, start_of
from workflows.settings import is_external
from workflows.spec import Binds, DayCounter, EventView, TimeLimit, Workflow

UNIT_ZH = {"days": "日", "working_days": "个工作日"}
UNIT_EN = {"days": "days", "working_days": "working days"}
REGISTER_LABEL = "登记"


class DueJSON(TypedDict):
    """A limit running on a day (``case show``'s ``due`` and ``limits``, a row of ``due``)."""

    date: str | None
    rule: str
    rule_en: str
    overdue: bool
    days_left: int | None
    limit: str
    label: str
    binds: str
    start: str
    as_of: str
    bound_office: NotRequired[str]
    paused: NotRequired[bool]
    article: NotRequired[str]
    problem: NotRequired[str]  # the holiday arrangement the last day waits for


@dataclass(frozen=True)
class Due:
    """A limit running for a case on a given day, and the office it binds."""

    run: RunningLimit
    state: str
    as_of: date
    start_label: str
    bound_office: str = ""
    binds: Binds = "office"
    article: str | None = None

    @property
    def limit(self) -> TimeLimit:
        return self.run.limit

    @property
    def date(self) -> date | None:
        return self.run.last_day

    @property
    def paused(self) -> bool:
        return self.run.paused

    @property
    def overdue(self) -> bool:
        """Past an office's deadline (超期); windows, advisory limits, outside organs' limits
        and paused limits are never overdue."""
        return self.binds == "office" and self.date is not None and self.as_of > self.date

    @property
    def lapsed(self) -> bool:
        """Past the last day, whoever the limit binds."""
        return self.date is not None and self.as_of > self.date

    @property
    def days_left(self) -> int | None:
        return None if self.date is None else (self.date - self.as_of).days

    def _rolled(self) -> bool:
        """Whether the last day was moved past rest days."""
        run = self.run
        if self.limit.unit != "days" or self.date is None:
            return False
        began = run.limit.start_day(run.start).toordinal()
        natural = began + run.length + run.extended + run.paused_days
        return self.date.toordinal() != natural

    @property
    def rule(self) -> str:
        """The rule in Chinese, e.g. ``受理后60日，已延期30日``."""
        limit, run = self.limit, self.run
        text = f"{self.start_label}后{run.length}{UNIT_ZH[limit.unit]}"
        if run.extended:
            text += f"，已延期{run.extended}日"
        # A pause is a hearing (petition) or a suspension (reconsideration): say which.
        pause = limit.pauses[0].label if limit.pauses else "中止"
        if run.paused_days:
            text += f"，{pause}期间{run.paused_days}{UNIT_ZH[limit.unit]}不计"
        if run.paused:
            return text + f"，{pause}期间暂停计算"
        if self._rolled():
            text += "，逢休息日顺延"
        return text

    @property
    def rule_en(self) -> str:
        limit, run = self.limit, self.run
        text = f"{run.length} {UNIT_EN[limit.unit]} after {run.start.trigger}"
        if run.extended:
            text += f", extended by {run.extended}"
        if run.paused_days:
            text += f", {run.paused_days} paused {UNIT_EN[limit.unit]} not counted"
        if run.paused:
            return text + ", paused now"
        if self._rolled():
            text += ", moved past rest days"
        return text

    def as_json(self) -> DueJSON:
        out: DueJSON = {
            "date": None if self.date is None else self.date.isoformat(),
            "rule": self.rule,
            "rule_en": self.rule_en,
            "overdue": self.overdue,
            "days_left": self.days_left,
            "limit": self.limit.name,
            "label": self.limit.label,
            "binds": self.binds,
            "start": self.run.limit.start_day(self.run.start).isoformat(),
            "as_of": self.as_of.isoformat(),
            "bound_office": self.bound_office,
            "paused": self.paused,
        }
        if self.article:
            out["article"] = self.article
        return out


@dataclass(frozen=True)
class PendingDue:
    """A limit that ends in a year whose holidays are not known: its last day not computable
    (never guessed), so neither shown overdue nor counted as such; ``problem`` says which year
    an administrator must add (``calendar add``)."""

    limit: TimeLimit
    state: str
    as_of: date
    start: EventView
    start_label: str
    problem: str
    bound_office: str = ""
    binds: Binds = "office"

    overdue = False
    lapsed = False
    paused = False
    date = None
    days_left = None

    @property
    def rule(self) -> str:
        return f"{self.start_label}后{self.limit.days}{UNIT_ZH[self.limit.unit]}（节假日安排未知）"

    def as_json(self) -> DueJSON:
        return {
            "date": None,
            "rule": self.rule,
            "rule_en": f"{self.limit.days} {UNIT_EN[self.limit.unit]} after {self.limit.start}",
            "overdue": False,
            "days_left": None,
            "limit": self.limit.name,
            "label": self.limit.label,
            "binds": self.binds,
            "start": self.limit.start_day(self.start).isoformat(),
            "as_of": self.as_of.isoformat(),
            "bound_office": self.bound_office,
            "paused": False,
            "problem": self.problem,
        }


Running = Due | PendingDue


def history_as_of(events: Sequence[EventView], as_of: date) -> list[EventView]:
    """The events that had happened by the end of ``as_of`` (local date)."""
    return [ev for ev in events if ev.occurred_on <= as_of]


@dataclass(frozen=True)
class CaseClock:
    """What the limits of one case are computed from: its procedure, office and data (the rule
    version, who reviews), its events, the calendar and the dated settings."""

    wf: Workflow
    office: str
    data: Mapping[str, object]
    events: Sequence[EventView]
    calendar: DayCounter
    setting: Setting | None = None


def _candidates(wf: Workflow, state: str, data: Mapping[str, object]) -> list[TimeLimit]:
    return [lim for lim in wf.limits_by_state[state] if lim.holds_for(data)]


def _bound(limit: TimeLimit, clock: CaseClock) -> tuple[str, Binds]:
    office = clock.office
    if limit.bound is not None and clock.data.get(limit.bound):
        office = str(clock.data[limit.bound])
    if limit.binds == "office" and is_external(office):
        return office, "outside"
    return office, limit.binds


def _start_label(limit: TimeLimit, wf: Workflow, begun: EventView | None) -> str:
    """What the rule says the limit counts from: the starting event's date field when it
    counts from one (a reconsideration's window runs from 知道之日, 行政复议法 art. 20, not from
    the registration), else the starting event."""
    start = wf.trigger(begun.trigger if begun is not None else limit.start)
    name = limit.start_field
    if name is not None and begun is not None and begun.data.get(name):
        spec = (start.field(name) if start else None) or wf.field(name)
        if spec is not None:
            return spec.label
    return start.label if start else REGISTER_LABEL


def _one(
    limit: TimeLimit, clock: CaseClock, past: Sequence[EventView], as_of: date
) -> Running | None:
    state = past[-1].to_state
    begun = start_of(limit, past, clock.setting)
    if limit.duty and (begun is None or met(limit, past, begun)):
        return None
    if limit.met_by and begun is not None and met(limit, past, begun):
        return None  # a state's limit stopped by its event (a copy sent: copy_limit)
    office, binds = _bound(limit, clock)
    # A restarted limit (a reopening's new term) is shown from the event that restarted it.
    start_label = _start_label(limit, clock.wf, past[begun] if begun is not None else None)
    try:
        run = running(limit, past, clock.calendar, clock.setting, begun)
    except CalendarMissing as missing:
        # Unknown for this case alone (a listing of every deadline must still answer): before
        # that year it cannot be overdue yet; in a past year with no calendar it is not guessed.
        index = start_of(limit, past, clock.setting)
        assert index is not None
        return PendingDue(
            limit, state, as_of, past[index], start_label, str(missing), office, binds
        )
    if run is None:
        return None
    article = clock.wf.cite(str(clock.data.get("rules") or "") or None, limit.name)
    return Due(run, state, as_of, start_label, office, binds, article)


def limits_on(clock: CaseClock, as_of: date) -> list[Running]:
    """Every limit running for the case on ``as_of``: those of its state, then its open duties.

    When a limit ends in a year no holiday source covers, it is a ``PendingDue``: its last day
    unknown, shown as such for that case rather than failing a listing of many.
    """
    past = history_as_of(clock.events, as_of)
    if not past:
        return []
    out = []
    for limit in _candidates(clock.wf, past[-1].to_state, clock.data):
        found = _one(limit, clock, past, as_of)
        if found is not None:
            out.append(found)
    return out


def standing(clock: CaseClock) -> list[Running]:
    """The limits running for the case from its last step's day on, for as long as no step is
    taken: a later day changes only whether each is overdue and how many days are left, never
    which limits run or their last days (``running`` counts from the steps, not from the day).
    This is what the open-limits index stores (casework.storage.open_limits)."""
    if not clock.events:
        return []
    return limits_on(clock, max(ev.occurred_on for ev in clock.events))


class Pressing(Protocol):
    """What ``most_pressing`` compares: a running limit, computed or read from the index."""

    @property
    def overdue(self) -> bool: ...
    @property
    def binds(self) -> Binds: ...
    @property
    def date(self) -> date | None: ...


P = TypeVar("P", bound=Pressing)


def most_pressing(found: Sequence[P]) -> P | None:
    """The limit a case's ``due`` shows: an office's overdue deadline first, then the office
    deadlines by last day, then the others by last day (paused ones last)."""
    if not found:
        return None

    def key(d: P) -> tuple[int, int, int]:
        office = 0 if d.binds == "office" else 1
        day = d.date.toordinal() if d.date is not None else 10**7
        return (0 if d.overdue else 1, office, day)

    return min(found, key=key)


def due(
    wf: Workflow,
    events: Sequence[EventView],
    calendar: DayCounter,
    as_of: date,
    *,
    office: str = "",
    data: Mapping[str, object] | None = None,
    setting: Setting | None = None,
) -> Running | None:
    """The most pressing limit running on ``as_of`` for a case with these events, or None."""
    clock = CaseClock(wf, office, data or {}, events, calendar, setting)
    return most_pressing(limits_on(clock, as_of))


def first_on_time(
    wf: Workflow,
    events: Sequence[EventView],
    trigger: str,
    calendar: DayCounter,
    setting: Setting | None = None,
) -> tuple[EventView, bool] | None:
    """The case's first ``trigger`` event and whether it came within the office's limit
    running in the state it left.

    For a petition's first ``reply``: replied within 60 days of acceptance plus any extension
    (``petition.replied_on_time``).
    """
    for i, ev in enumerate(events):
        if ev.trigger != trigger:
            continue
        limits = wf.state(ev.from_state).all_limits if ev.from_state else ()
        limit = next((lim for lim in limits if lim.binds == "office"), None)
        if limit is None:
            return ev, True
        plain = plain_last_day(limit, events[:i])
        if plain is not None and ev.occurred_on <= plain:
            return ev, True  # in time whatever the holidays, which only lengthen a limit
        run = running(limit, events[:i], calendar, setting)
        return ev, run is None or run.last_day is None or ev.occurred_on <= run.last_day
    return None
