"""The dispute screening ledger (矛盾纠纷排查台账): entries, campaigns, an entry's cases, gaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from casework.api.base import Base

if TYPE_CHECKING:
    from casework.read.screening import EntryShown, GapsJSON
    from casework.services.screening import Measure
    from casework.storage.screenings import CampaignJSON, ScreeningJSON


class ScreeningCommands(Base):
    """Screenings (排查): log and list entries, open campaigns, show an entry, find gaps."""

    def log_screening(
        self,
        office: str,
        day: str | date,
        kind: str,
        found: int | str,
        prevented: int | str,
        campaign: str | None = None,
        note: str | None = None,
        ref: str | None = None,
        *,
        committee: str | None = None,
        measures: Sequence[str | Measure] = (),
    ) -> ScreeningJSON:
        """Record a dispute screening (矛盾纠纷排查) of an office: a special one names its
        campaign (by code); ``measures`` are ``KIND:件:人`` (``criminal:1:3``)."""
        from casework.services import screening

        when = self.day(day, "date")
        return self.acting_write(
            lambda uow, actor: screening.log(
                uow,
                actor,
                office,
                when,
                kind,
                (found, prevented),
                (campaign, note),
                ref,
                committee=committee,
                measures=measures,
            )
        )

    def add_screening_campaign(
        self,
        code: str,
        name: str,
        start: str | date,
        end: str | date,
        pandemic: bool = False,
    ) -> CampaignJSON:
        """Open a special screening campaign (专项排查) from a day to a day (supervisor, admin)."""
        from casework.services import screening

        days = (self.day(start, "from"), self.day(end, "to"))
        return self.acting_write(
            lambda uow, actor: screening.add_campaign(uow, actor, code, name, days, pandemic)
        )

    def screening_campaigns(self) -> list[CampaignJSON]:
        """The special campaigns, latest first, with their number of entries."""
        from casework.read.screening import list_campaigns

        with self.read() as (conn, _):
            return list_campaigns(conn)

    def screenings(
        self,
        office: str | None = None,
        start: str | date | None = None,
        end: str | date | None = None,
        kind: str | None = None,
    ) -> list[ScreeningJSON]:
        """Screening entries, newest first."""
        from casework.read.screening import list_entries

        first = self.day(start, "from") if start is not None else None
        last = self.day(end, "to") if end is not None else None
        with self.read() as (conn, actor):
            return list_entries(conn, actor, office, first, last, kind)

    def screening(self, number: int | str) -> EntryShown:
        """One entry with the cases registered as found by it."""
        from casework.read.screening import entry_number, show_entry

        with self.read() as (conn, actor):
            return show_entry(conn, actor, entry_number(number))

    def screening_gaps(
        self, start: str | date, end: str | date, office: str | None = None
    ) -> GapsJSON:
        """The town offices' months without the routine entries a month asks
        (``screening.routine_per_month``)."""
        from casework.read.screening import gaps

        period = (self.day(start, "from"), self.day(end, "to"))
        with self.read() as (conn, actor):
            return gaps(conn, self.machines.registry, actor, period, office)
