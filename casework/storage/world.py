"""The world as a read sees it: the calendar, the dated settings and the office hierarchy
over one connection, each read once (``casework.domain.world.World``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.engine import Connection

from casework.storage.calendars import load_calendar
from casework.storage.committees import Committee, Committees
from casework.storage.config import Config
from casework.storage.directory import UserDirectory
from casework.storage.hierarchy import Hierarchy
from casework.time.calendar import Calendar
from workflows import Registry
from workflows.settings import SettingValue


class StoredWorld:
    """Calendar, settings and hierarchy read from one connection, on first use."""

    def __init__(self, conn: Connection, registry: Registry) -> None:
        self._conn = conn
        self.config = Config(conn, registry)
        self.hierarchy = Hierarchy(conn, self.config)
        self.committees = Committees(conn)
        self.users = UserDirectory(conn)
        self._calendar: Calendar | None = None

    def calendar(self) -> Calendar:
        if self._calendar is None:
            self._calendar = load_calendar(self._conn)
        return self._calendar

    def setting(self, key: str, day: date) -> SettingValue:
        return self.config.value(key, day)

    def parent(self, office: str, day: date) -> str | None:
        return self.hierarchy.parent(office, day)

    def level(self, office: str, day: date) -> int | None:
        return self.hierarchy.level(office, day)

    def office_kind(self, code: str) -> str | None:
        return self.hierarchy.kind(code)

    def committee_of(self, username: str, day: date) -> str | None:
        return self.committees.committee_of(username, day)

    def committee_info(self, code: str) -> Committee | None:
        return self.committees.get(code)

    def user_attributes(self, username: str) -> Mapping[str, str]:
        return self.users.attributes(username)
