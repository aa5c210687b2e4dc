"""The 以案定补 part of the public API: ``Casework(...).subsidy``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from casework.time.periods import Quarter
from casework.services.cases import Progress
from casework.storage.db import reading
from casework.subsidy import claims, rules, scale, sheet
from casework.time.local import parse_date

if TYPE_CHECKING:
    from casework.api import Casework


class SubsidyAPI:
    """Eligibility, the scale, quarterly claims, payout sheets and figures."""

    def __init__(self, cw: Casework) -> None:
        self.cw = cw

    def check(self, case_no: str, quarter: str | None = None) -> dict[str, Any]:
        """Which eligibility rules pass and fail for one mediation case, and why."""
        q = Quarter.parse(quarter) if quarter else None
        with reading(self.cw.engine) as conn:
            return rules.check(conn, self.cw.machines.registry, case_no, q)

    def rules(self) -> list[dict[str, Any]]:
        """The named rules, with the effective date of those that changed over time."""
        with reading(self.cw.engine) as conn:
            oral_from = rules.oral_agreements_from(conn)
        names = {
            "archived": ("已归档", None),
            "agreement_performed": ("达成协议并履行", None),
            "oral_agreement": ("口头协议自生效日起计入", oral_from),
            "case_file_complete": ("卷宗齐全", None),
            "mediator_registered": ("调解员已登记", None),
            "not_subsidised_before": ("未曾申报", None),
            "dispute_not_subsidised": ("同一纠纷只补一次", None),
            "archived_in_quarter": ("归档在申报季度内", None),
        }
        return [
            {"rule": rule, "label": label, "effective_from": day.isoformat() if day else None}
            for rule, (label, day) in names.items()
        ]

    def set_oral_agreements_from(self, day: str | date) -> dict[str, Any]:
        """From when oral agreements count (admin only)."""
        when = parse_date(day, "from") if isinstance(day, str) else day
        done = rules.set_oral_agreements_from(self.cw.engine, self.cw.clock, self.cw.user, when)
        return {"rule": "oral_agreement", "effective_from": done.isoformat()}

    def scale(self, on: str | date | None = None) -> dict[str, Any]:
        """The scale in force on a day (today) and every dated entry."""
        day = self.cw._as_of(on)
        with reading(self.cw.engine) as conn:
            return {
                "on": day.isoformat(),
                "tiers": scale.scale_on(conn, day),
                "history": scale.scale_history(conn),
            }

    def set_scale(
        self,
        effective_from: str | date,
        amounts: Mapping[str, str],
        labels: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Set tiers' amounts from a date (admin only)."""
        day = (
            parse_date(effective_from, "from")
            if isinstance(effective_from, str)
            else effective_from
        )
        return scale.set_scale(
            self.cw.engine, self.cw.clock, self.cw.user, day, scale.parse_amounts(amounts), labels
        )

    def draft(
        self, quarter: str, office: str | None = None, progress: Progress | None = None
    ) -> dict[str, Any]:
        """One claim per eligible mediation case archived in the quarter."""
        return claims.draft(self.cw._cases, self.cw.user, Quarter.parse(quarter), office, progress)

    def advance_quarter(
        self,
        quarter: str,
        trigger: str,
        values: Mapping[str, str] | None = None,
        office: str | None = None,
        progress: Progress | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> dict[str, Any]:
        """Bulk ``check`` (town), ``approve`` (city, with a tier) or ``pay`` (admin, batch)."""
        from_state = {"check": "drafted", "approve": "town_checked", "pay": "approved"}.get(trigger)
        if from_state is None:
            from casework.errors import InvalidData

            raise InvalidData(f"bulk steps are check, approve and pay, not {trigger[:20]!r}")
        return claims.advance_quarter(
            self.cw._cases,
            self.cw.user,
            Quarter.parse(quarter),
            trigger,
            from_state,
            dict(values or {}),
            office,
            progress,
            on_total,
        )

    def sheet(self, quarter: str, office: str | None = None) -> dict[str, Any]:
        """The quarter's payout sheet as data."""
        with reading(self.cw.engine) as conn:
            return sheet.payout(conn, Quarter.parse(quarter), office)

    def figures(self, start: str | date, end: str | date) -> dict[str, Any]:
        """``subsidy.cases`` and ``subsidy.amount`` for a period, with the claims behind them."""
        first, last = self.cw._as_of(start), self.cw._as_of(end)
        with reading(self.cw.engine) as conn:
            result = claims.figures(conn, first, last)
        return {"from": first.isoformat(), "to": last.isoformat(), **result}
