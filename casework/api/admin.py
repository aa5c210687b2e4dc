"""Administration: offices, users, dated settings and holiday files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from casework.api.base import Base, reexported

if TYPE_CHECKING:
    from casework.services.admin import OfficeResult, UserResult
    from casework.services.config import ConfigSet
    from casework.services.settings import HOLIDAY_MAX_BYTES, HolidayFileAdded

# The largest holiday file read, for a copy of standard input.
__all__ = ["HOLIDAY_MAX_BYTES", "AdminCommands"]
__getattr__ = reexported(__name__, {"HOLIDAY_MAX_BYTES": "casework.services.settings"})


class AdminCommands(Base):
    """Offices (单位), users (用户), settings (设置) and holiday files (节假日)."""

    def add_office(
        self,
        code: str,
        name: str,
        level: str,
        kind: str | None = None,
        parent: str | None = None,
    ) -> OfficeResult:
        """Add an office (admin only); codes are stable ASCII identifiers used in case numbers.
        ``parent`` is the office that reviews its petitions (an office code, or ``ext:NAME``
        for an organ outside casework); by default a town's is the justice bureau."""
        from casework.services import admin
        from workflows.settings import parent_value

        values = admin.office_values(code, name, level, kind)
        if parent is not None:
            parent = parent_value(parent.strip())
        return self.acting_write(lambda uow, actor: admin.add_office(uow, actor, values, parent))

    def config_set(
        self, key: str, value: str, since: str | date, note: str | None = None
    ) -> ConfigSet:
        """Give a dated setting a value from a day (admin only); earlier values stay."""
        from casework.services import config

        day = self.day(since, "from")
        return self.acting_write(
            lambda uow, actor: config.set_value(uow, actor, key, value, day, note)
        )

    def add_user(
        self,
        username: str,
        name: str,
        role: str,
        office: str | None,
        attributes: Mapping[str, str] | None = None,
    ) -> UserResult:
        """Add a user with one role and one office (an admin may be city-wide, without one)
        and the declared attributes given (``{"legal_qualification": "yes"}``)."""
        from casework.services import admin

        admin.check_user(username, name, role, office)
        admin.user_attributes(attributes)
        return self.acting_write(
            lambda uow, actor: admin.add_user(uow, actor, username, name, role, office, attributes)
        )

    def add_users(self, users: Sequence[tuple[str, str, str, str | None]]) -> list[UserResult]:
        """Add many users at once (admin only): (username, name, role, office) each."""
        from casework.services import admin

        for username, name, role, office in users:
            admin.check_user(username, name, role, office)
        return self.acting_write(
            lambda uow, actor: [admin.add_user(uow, actor, *user) for user in users]
        )

    def calendar_add(self, path: str) -> HolidayFileAdded:
        """Add a holiday file for years the chinesecalendar package does not know (admin)."""
        from casework.services.settings import add_holiday_file

        return self.acting_write(lambda uow, actor: add_holiday_file(uow, actor, path))
