"""The 以案定补 part of the public API: ``Casework(...).subsidy``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from casework.api.base import Base
from casework.errors import InvalidData

if TYPE_CHECKING:
    from casework.domain.model import Actor
    from casework.domain.results import AdvanceResult
    from casework.read.shapes import CheckJSON, FiguresJSON, RuleJSON, ScaleJSON, SheetJSON
    from casework.services.cases import Progress
    from casework.services.settings import ScaleSet
    from casework.services.subsidy import BulkResult, ClaimRow, DraftResult, SampleResult
    from casework.storage.uow import UnitOfWork


class SubsidyAPI:
    """Eligibility, the scale, quarterly claims, payout sheets and figures."""

    def __init__(self, cw: Base) -> None:
        self.cw = cw

    def check(self, case_no: str, quarter: str | None = None) -> CheckJSON:
        """Which eligibility rules pass and fail for one mediation case, and why (a town
        user: of their own office's cases only, as ``case show``)."""
        from casework.read import subsidy as read_subsidy
        from casework.time.periods import Quarter

        q = Quarter.parse(quarter) if quarter else None
        with self.cw.read() as (conn, actor):
            return read_subsidy.check(conn, self.cw.machines.registry, case_no, q, actor)

    def rules(self) -> list[RuleJSON]:
        """The named rules, with the effective date of those that changed over time."""
        from casework.read import subsidy as read_subsidy

        with self.cw.read() as (conn, _):
            return read_subsidy.rules(conn)

    def set_oral_agreements_from(self, day: str | date) -> dict[str, str]:
        """From when oral agreements count (admin only)."""
        from casework.services import settings as scale_settings

        when = self.cw.day(day, "from")
        done = self.cw.acting_write(
            lambda uow, actor: scale_settings.set_oral_agreements_from(uow, actor, when)
        )
        return {"rule": "oral_agreement", "effective_from": done.isoformat()}

    def scale(self, on: str | date | None = None) -> ScaleJSON:
        """The scale in force on a day (today) and every dated entry."""
        from casework.read import subsidy as read_subsidy

        day = self.cw.day(on, "on")
        with self.cw.read() as (conn, _):
            return read_subsidy.scale(conn, day)

    def set_scale(
        self,
        effective_from: str | date,
        amounts: Mapping[str, str],
        labels: Mapping[str, str] | None = None,
    ) -> ScaleSet:
        """Set tiers' amounts from a date (admin only)."""
        from casework.services import settings as scale_settings

        day = self.cw.day(effective_from, "from")
        parsed = scale_settings.parse_amounts(amounts)
        return self.cw.acting_write(
            lambda uow, actor: scale_settings.set_scale(uow, actor, day, parsed, labels)
        )

    def draft(
        self, quarter: str, office: str | None = None, progress: Progress | None = None
    ) -> DraftResult:
        """One claim per eligible mediation case archived in the quarter."""
        from casework.services import subsidy
        from casework.services.cases import listing_office
        from casework.time.periods import Quarter

        q = Quarter.parse(quarter)
        return self.cw.acting_write(
            lambda uow, actor: subsidy.draft(
                uow, actor, q, listing_office(uow, actor, office, "以案定补申报"), progress
            )
        )

    def advance_quarter(
        self,
        quarter: str,
        trigger: str,
        values: Mapping[str, str] | None = None,
        office: str | None = None,
        progress: Progress | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> BulkResult:
        """Bulk ``check`` (town), ``approve`` (city, with a tier) or ``pay`` (admin, batch)."""
        from casework.services import subsidy
        from casework.services.cases import listing_office
        from casework.time.periods import Quarter

        q = Quarter.parse(quarter)

        def work(uow: UnitOfWork, actor: Actor) -> BulkResult:
            scope = listing_office(uow, actor, office, "以案定补申报")
            return subsidy.advance_quarter(
                uow, actor, q, trigger, dict(values or {}), scope, progress, on_total
            )

        return self.cw.acting_write(work)

    def claims(
        self, quarter: str, states: tuple[str, ...], office: str | None = None
    ) -> list[ClaimRow]:
        """The quarter's claims in these states (of the acting user's office, for a town
        user), by case number."""
        from casework.services.cases import listing_office
        from casework.services.subsidy import ClaimRow
        from casework.time.periods import Quarter

        q = Quarter.parse(quarter)

        def work(uow: UnitOfWork, actor: Actor) -> list[ClaimRow]:
            scope = listing_office(uow, actor, office, "以案定补申报")
            return [
                ClaimRow(
                    case_no=r.case_no,
                    office=r.office,
                    state=r.state,
                    mediation_case=str((r.data or {}).get("mediation_case", "")),
                    proposed_tier=str((r.data or {}).get("proposed_tier", "")),
                )
                for r in uow.claims.in_states(q, states, scope)
            ]

        return self.cw.acting_write(work)

    # The subsidy's reads of claims, mediators and amounts cover a town user's own office only
    # (another office asked for is refused, as ``stats --office`` is); city users and admins see
    # every office. A read with no acting user still covers every office, as it did: a later
    # step of issue 14 will require one (office_scope passes None through).

    def sheet(self, quarter: str, office: str | None = None) -> SheetJSON:
        """The quarter's payout sheet as data (a town user's: their own office's)."""
        from casework.read import subsidy as read_subsidy
        from casework.read.scope import office_scope
        from casework.time.periods import Quarter

        q = Quarter.parse(quarter)
        with self.cw.read() as (conn, actor):
            scope = office_scope(conn, actor, office, "以案定补发放明细")
            return read_subsidy.payout(conn, q, scope)

    def figures(self, start: str | date, end: str | date, office: str | None = None) -> FiguresJSON:
        """``subsidy.cases`` and ``subsidy.amount`` for a period, with the claims behind them
        (a town user's: their own office's)."""
        from casework.read import subsidy as read_subsidy
        from casework.read.scope import check_period, office_scope

        first, last = self.cw.day(start, "from"), self.cw.day(end, "to")
        check_period(first, last)
        with self.cw.read() as (conn, actor):
            scope = office_scope(conn, actor, office, "以案定补数据")
            return read_subsidy.figures(conn, first, last, scope)

    def advance(
        self, claim_no: str, trigger: str, values: Mapping[str, str] | None = None
    ) -> AdvanceResult:
        """One step on one claim (``send_back``, ``resubmit``, ``reject``, ``spot_check``,
        ``approve`` ...): the check, a resubmission and the approval re-run the rules, and an
        approval's tier defaults to the claim's proposed one."""
        from casework.services import subsidy

        return self.cw.acting_write(
            lambda uow, actor: subsidy.advance_claim(
                uow, actor, claim_no, trigger, dict(values or {})
            )
        )

    def sample(self, quarter: str, share: float | None = None, seed: int = 0) -> SampleResult:
        """Draw the quarter's town-checked claims for a spot check, reproducibly."""
        from casework.services import subsidy
        from casework.time.periods import Quarter

        q = Quarter.parse(quarter)
        return self.cw.acting_write(lambda uow, actor: subsidy.sample(uow, actor, q, share, seed))

    def tiers(self, on: str | date | None = None) -> dict[str, object]:
        """The ordered tier rules in force on a day (today) and the scale's tiers."""
        from casework.read import subsidy as read_subsidy

        day = self.cw.day(on, "on")
        with self.cw.read() as (conn, _):
            return read_subsidy.tiers(conn, self.cw.machines.registry, day)

    def set_tiers(self, rules: str, effective_from: str | date) -> dict[str, object]:
        """Ordered tier rules (JSON) from a date (admin only)."""
        from casework.services import subsidy

        day = self.cw.day(effective_from, "from")
        done = self.cw.acting_write(
            lambda uow, actor: subsidy.set_tier_rules(uow, actor, rules, day)
        )
        return {"effective_from": day.isoformat(), "rules": done}

    def set_cap(
        self, effective_from: str | date, yuan: int | None, per: str = "quarter"
    ) -> dict[str, str]:
        """A cap per payee and quarter or year from a date, or none (``yuan`` None)."""
        from casework.domain.subsidy import Cap
        from casework.services import subsidy

        day = self.cw.day(effective_from, "from")
        if per not in ("quarter", "year"):
            raise InvalidData(
                f"封顶周期「per」应为 quarter 或 year，不是 {per[:20]!r}", field="per", value=per
            )
        if yuan is not None and not 0 <= yuan <= 10_000_000:
            raise InvalidData(f"封顶金额「yuan」应为 0..10000000 元，不是 {yuan}", field="yuan")
        cap = None if yuan is None else Cap(yuan, per)
        text = self.cw.acting_write(lambda uow, actor: subsidy.set_cap(uow, actor, cap, day))
        return {"effective_from": day.isoformat(), "cap": text}
