"""What a step and a guard see of the world beyond the case: the calendar, the dated
settings and the office hierarchy, each as it stood on a given day."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from workflows.settings import SettingValue
from workflows.spec import CommitteeView, DayCounter


class World(Protocol):
    def calendar(self) -> DayCounter: ...

    def setting(self, key: str, day: date) -> SettingValue:
        """A dated setting's value on a day (its default when never set)."""

    def parent(self, office: str, day: date) -> str | None:
        """The parent of an office or of an outside organ (``ext:NAME``) on a day."""

    def level(self, office: str, day: date) -> int | None:
        """Town 1, city 2, Maoming 3, province 4, Beijing 5."""

    def office_kind(self, code: str) -> str | None:
        """An office's kind (``petition_bureau`` for 信访部门), None for none or unknown."""

    def committee_of(self, username: str, day: date) -> str | None:
        """The committee a mediator is a member of on a day (PML art. 8), None for none."""

    def committee_info(self, code: str) -> CommitteeView | None:
        """A people's mediation committee by its code, None when unknown."""

    def user_attributes(self, username: str) -> Mapping[str, str]:
        """A user's declared attributes as they stand (empty for none or an unknown user)."""
