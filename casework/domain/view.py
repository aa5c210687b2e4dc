"""THE guard context: how a procedure's guards, flags and case-file rules see a case.

One view serves a step (the case as read plus the step's values, time and actor) and a read
(``case show``: the case as it stands, no values): its history, documents and links as stored
plus what was added since the case was read, and the world (calendar, dated settings, office
hierarchy) as it stood on the step's day.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from casework.domain.model import Actor, Case, Data, LinkedCase, Party
from casework.domain.world import World
from casework.time.local import local_date
from workflows.settings import SettingValue
from workflows.spec import CommitteeView, DayCounter, EventView
from workflows.versions import pinned


class OnItsDay:
    """The world (calendar, settings, hierarchy) as a view of a case sees it on the view's
    day: the settings and parents in force then, so a later change never rewrites a past
    step's rules. A view sets ``_world`` and gives ``on``."""

    _world: World

    @property
    @abstractmethod
    def on(self) -> date:
        """The local day the view stands on."""

    @property
    def calendar(self) -> DayCounter:
        return self._world.calendar()

    def setting(self, key: str, day: date | None = None) -> SettingValue:
        return self._world.setting(key, day or self.on)

    def parent(self, office: str) -> str | None:
        return self._world.parent(office, self.on)

    def level(self, office: str) -> int | None:
        return self._world.level(office, self.on)

    def office_kind(self, office: str) -> str | None:
        return self._world.office_kind(office)

    def committee_of(self, username: str, day: date | None = None) -> str | None:
        return self._world.committee_of(username, day or self.on)

    def committee_info(self, code: str) -> CommitteeView | None:
        return self._world.committee_info(code)

    def user_attributes(self, username: str) -> Mapping[str, str]:
        return self._world.user_attributes(username)


class GuardView(OnItsDay):
    """A case as guards see it at a moment, with the step's values and who takes it."""

    __slots__ = ("_case", "_events", "_world", "actor", "at", "values")

    def __init__(
        self,
        case: Case,
        values: Data,
        at: datetime,
        world: World,
        actor: Actor | None = None,
    ) -> None:
        self._case, self._world, self.values, self.at, self.actor = case, world, values, at, actor
        self._events: Sequence[EventView] | None = None

    @property
    def case_no(self) -> str:
        return self._case.case_no

    @property
    def office(self) -> str:
        return self._case.office

    @property
    def state(self) -> str:
        return self._case.state

    @property
    def data(self) -> Data:
        return self._case.data

    @property
    def rules(self) -> str | None:
        return pinned(self._case.data)

    @property
    def on(self) -> date:
        return local_date(self.at)

    @property
    def events(self) -> Sequence[EventView]:
        if self._events is None:  # guards of one step ask again and again
            self._events = self._case.file.events()
        return self._events

    @property
    def documents(self) -> Sequence[str]:
        return [d.kind for d in self._case.file.documents()]

    @property
    def parties(self) -> Sequence[Party]:
        # a stored case is read without its parties; they are read when first asked for
        return self._case.parties or self._case.file.stored_parties.get()

    @property
    def links(self) -> Sequence[LinkedCase]:
        return self._case.file.links()


def guard_view(
    case: Case, world: World, at: datetime | None = None, actor: Actor | None = None
) -> GuardView:
    """How guards and the case-file rule see a case now (no values, at its last event)."""
    return GuardView(case, {}, at or case.last_at, world, actor)
