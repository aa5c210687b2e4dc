"""Default transitions on lapse: ``casework sweep`` fires what the law makes follow from a
lapsed limit (视为受理), once, and lists the steps that need a person (视为放弃, 终止)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from casework.api.base import Base
from casework.errors import InvalidData, NotAllowed

if TYPE_CHECKING:
    from casework.read.lapses import Lapsed
    from casework.read.shapes import LapseRow, SweepJSON
    from casework.storage.uow import UnitOfWork


class Sweeps(Base):
    """The sweep of lapsed limits."""

    def sweep(self, as_of: str | date | None = None) -> SweepJSON:
        """Fire every default transition due by the end of the day before ``as_of`` (today):
        ``{as_of, fired: [...], needs_person: [...]}``. Idempotent: a second sweep fires
        nothing. The acting user (not a viewer) sweeps the cases they may see."""
        from casework.domain.policy import check_writer
        from casework.read.lapses import lapsed
        from casework.read.shapes import SweepJSON

        day = self.day(as_of)
        if day > self.today():
            raise InvalidData(
                f"「日期 as_of」{day} 在将来（今天 {self.today()}）(is in the future)",
                field="as_of",
                value=day.isoformat(),
            )
        with self.read() as (conn, actor):
            if actor is None:
                raise NotAllowed("运行 sweep 需指定执行用户 (an acting user)", field="user")
            check_writer(actor)
            found = list(lapsed(conn, self.machines.registry, day, actor))
        engine_steps = [f for f in found if f.lapse.by == "engine"]
        fired: list[LapseRow] = []
        if engine_steps:
            fired = self.acting_write(lambda uow, who: self._fire(uow, who.username, engine_steps))
        return SweepJSON(
            as_of=day.isoformat(),
            fired=fired,
            needs_person=[f.row() for f in found if f.lapse.by == "person"],
        )

    @staticmethod
    def _fire(uow: UnitOfWork, swept_by: str, items: list[Lapsed]) -> list[LapseRow]:
        """Fire each in one unit of work; the rows of those fired (none repeated)."""
        from casework.services.lapses import LapseStep, fire_lapse

        out: list[LapseRow] = []
        for item in items:
            case = item.running.case
            step = LapseStep(
                case.case_no,
                case.state,
                item.version,
                item.due.limit.name,
                item.start_seq,
                item.lapse,
                item.dated_on,
                item.at_day_end,
            )
            if fire_lapse(uow, step, swept_by) is not None:
                out.append(item.row())
        return out
