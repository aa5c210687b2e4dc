"""People's mediation committees (调委会) and their mediators (mediation.md 2.1)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from casework.api.base import Base
from casework.errors import InvalidData

if TYPE_CHECKING:
    from casework.domain.committees import CommitteeJSON, MemberJSON
    from casework.read.committees import CommitteeShown


class CommitteeCommands(Base):
    """Committees: add, import, list, show; mediators: add, move, list (admins and
    supervisors write; a town supervisor only for what their office guides)."""

    def add_committee(
        self,
        code: str,
        name: str,
        type: str,
        office: str,
        *,
        subtype: str | None = None,
        town: str | None = None,
        village: str | None = None,
        mediator: str | None = None,
        since: str | date | None = None,
    ) -> CommitteeJSON:
        """Add a committee guided by ``office`` (a town's 司法所 or ``city-justice``)."""
        from casework.domain.committees import committee_values
        from casework.services import committees

        day = self.day(since, "from")
        values = committee_values(
            code, name, type, office, since=day, subtype=subtype, town=town,
            village=village, mediator=mediator,
        )  # fmt: skip
        return self.acting_write(lambda uow, actor: committees.add(uow, actor, values))

    def import_committees(self, path: str | Path) -> list[CommitteeJSON]:
        """Add the committees of a CSV file (header ``code,name,type,subtype,office,town,
        village,mediator,from``), all or none."""
        from casework.ledger.csv_cells import unmark
        from casework.services import committees

        try:
            text = Path(path).read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidData(
                f"无法读取文件 (cannot read) {str(path)[:80]!r}：{type(exc).__name__}",
                field="file",
            ) from None
        reader = csv.DictReader(text.splitlines())
        missing = [
            c for c in ("code", "name", "type", "office") if c not in (reader.fieldnames or [])
        ]
        if missing:
            raise InvalidData(f"文件缺少列 (missing columns)：{'、'.join(missing)}", field="file")
        # Cells as casework's own CSV files mark them (casework.ledger.csv_cells).
        rows = [{k: unmark(v) if isinstance(v, str) else v for k, v in r.items()} for r in reader]
        return self.acting_write(lambda uow, actor: committees.import_rows(uow, actor, rows))

    def committees(
        self,
        office: str | None = None,
        type: str | None = None,
        problems: bool = False,
        on: str | date | None = None,
    ) -> list[CommitteeJSON]:
        """The committees active on a day (today), members counted then."""
        from casework.read.committees import Filters, list_committees

        day = self.day(on, "on")
        with self.read() as (conn, _):
            return list_committees(conn, day, Filters(office=office, type=type, problems=problems))

    def committee(self, code: str, on: str | date | None = None) -> CommitteeShown:
        """One committee with every membership it ever had."""
        from casework.read.committees import show_committee

        day = self.day(on, "on")
        with self.read() as (conn, _):
            return show_committee(conn, code, day)

    def add_mediator(
        self,
        username: str,
        name: str,
        committee: str,
        *,
        full_time: bool = False,
        since: str | date | None = None,
    ) -> MemberJSON:
        """A mediator joins a committee from a day (today); a new user is created."""
        from casework.services import committees

        day = self.day(since, "from")
        who = (username, name)
        return self.acting_write(
            lambda uow, actor: committees.add_mediator(uow, actor, who, committee, day, full_time)
        )

    def add_mediators(
        self, mediators: Sequence[tuple[str, str, str]], since: str | date | None = None
    ) -> list[MemberJSON]:
        """Many mediators at once, (username, name, committee) each, in one transaction."""
        from casework.services import committees

        day = self.day(since, "from")
        return self.acting_write(
            lambda uow, actor: [
                committees.add_mediator(uow, actor, (u, n), c, day) for u, n, c in mediators
            ]
        )

    def move_mediator(self, username: str, committee: str, since: str | date) -> list[MemberJSON]:
        """Move a mediator to another committee from a day; both memberships are kept."""
        from casework.services import committees

        day = self.day(since, "from")
        return self.acting_write(
            lambda uow, actor: committees.move_mediator(uow, actor, username, committee, day)
        )

    def mediators(
        self, committee: str | None = None, on: str | date | None = None
    ) -> list[MemberJSON]:
        """The mediators' memberships in force on a day (today)."""
        from casework.read.committees import list_mediators

        day = self.day(on, "on")
        with self.read() as (conn, _):
            return list_mediators(conn, day, committee)
