"""Published figures (公布数, issue 17 point 8): freezing a period's figures, reading what was
published, and comparing today's figures with it. Reports use them (casework.api.reports)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from casework.api.base import Base
from casework.errors import InvalidData, NotAllowed, NotFound

if TYPE_CHECKING:
    from casework.domain.model import Actor
    from casework.read.published import DiffJSON, PublishedJSON
    from casework.read.shapes import StatsJSON
    from casework.storage.uow import UnitOfWork
    from casework.time.periods import ReportingPeriod


class Publishing(Base):
    """Publishing a period's figures, city-wide, as a month, a quarter or a year."""

    def publish_figures(
        self, period: str, by: str | None = None, revise: str | None = None
    ) -> PublishedJSON:
        """Freeze the period's figures (every reported metric, grouped ``by`` if given) as
        its next published version, with the time, the user, the procedure versions and the
        inputs' hash. A published period is published again only with ``revise``
        (late_data, method or error); the versions before stay, marked 修订."""
        from casework.domain.publishing import check_publisher, check_reason
        from casework.read.published import as_json, inputs_hash, procedure_versions
        from casework.services.publishing import Publication, publish

        span = self.ended_period(period)
        check_reason(revise)

        def work(uow: UnitOfWork, actor: Actor) -> PublishedJSON:
            check_publisher(actor)
            what = Publication(
                period=span.name,
                by=by or "",
                figures=self.figures_on(uow.conn, actor, span, by),
                procedure_versions=procedure_versions(
                    self.machines.registry, span.first_day, span.last_day
                ),
                inputs_hash=inputs_hash(uow.conn, span.first_day, span.last_day),
            )
            return as_json(publish(uow, actor, what, revise))

        return self.acting_write(work)

    def published_figures(
        self, period: str, by: str | None = None, version: int | None = None
    ) -> PublishedJSON:
        """The period's published figures: the latest version, or the one named (an earlier
        one is marked ``revised``), with the list of every version."""
        from casework.read.published import as_json
        from casework.time.periods import ReportingPeriod

        span = ReportingPeriod.parse(period)
        with self.read() as (conn, actor):
            rows = self.stored(conn, actor, span.name, by)
        if version is not None and not any(r["version"] == version for r in rows):
            raise NotFound(
                f"期间 {span.name} 没有第 {version} 版公布数 (no such version; 1..{len(rows)})",
                field="version",
                value=version,
            )
        return as_json(rows, version)

    def published_diff(self, period: str, by: str | None = None) -> DiffJSON:
        """Today's figures of the period against its latest published version, cell by cell
        (only the cells that differ), and whether its inputs or procedures changed since."""
        from casework.read.published import as_json, diff, inputs_hash, procedure_versions
        from casework.time.periods import ReportingPeriod

        span = ReportingPeriod.parse(period)
        with self.read() as (conn, actor):
            published = as_json(self.stored(conn, actor, span.name, by))
            now = self.figures_on(conn, actor, span, by)
            digest = inputs_hash(conn, span.first_day, span.last_day)
        current = procedure_versions(self.machines.registry, span.first_day, span.last_day)
        return diff(published, now, digest, current)

    def published_for(self, period: str, by: str, on: date | None = None) -> PublishedJSON | None:
        """The latest published version a report of the acting user uses, if any (of those
        published by the local day ``on``, when given: a report dated then): a city-wide
        reader's (another's report is of their own office, as ``stats`` is)."""
        from casework.read.published import as_json
        from casework.storage.published import versions
        from casework.time.local import local_date

        with self.read() as (conn, actor):
            if actor is not None and not reads_published(actor):
                return None
            rows = versions(conn, period, by)
        if on is not None:
            rows = [r for r in rows if local_date(r["published_at"]) <= on]
        return as_json(rows) if rows else None

    def period_dates(self, period: str) -> tuple[date, date]:
        """The first and last local dates of a month, a quarter or a year (``--period``)."""
        from casework.time.periods import ReportingPeriod

        span = ReportingPeriod.parse(period)
        return span.first_day, span.last_day

    # -- the parts ---------------------------------------------------------------------------

    def ended_period(self, period: str) -> ReportingPeriod:
        """A period that is over: figures of a period still running are not published."""
        from casework.time.periods import ReportingPeriod

        span = ReportingPeriod.parse(period)
        if span.last_day >= self.today():
            raise InvalidData(
                f"期间 {span.name} 尚未结束 (the period has not ended; its last day is "
                f"{span.last_day})，不能公布",
                field="period",
                value=span.name,
            )
        return span

    def stored(
        self, conn: Connection, actor: Actor | None, period: str, by: str | None
    ) -> list[dict[str, Any]]:
        """Every version of the period's figures, for a reader who may see them."""
        from casework.domain.policy import shown
        from casework.storage.published import versions

        if actor is not None and not reads_published(actor):
            raise NotAllowed(
                f"公布数为全市统计数，仅市级单位可查看 (city figures)；{shown(actor)} 不可",
                field="user",
            )
        rows = versions(conn, period, by or "")
        if not rows:
            grouped = f"（按 {by} 分组）" if by else ""
            raise NotFound(
                f"期间 {period}{grouped} 尚未公布 (not published)",
                field="period",
                value=period,
            )
        return rows

    def figures_on(
        self, conn: Connection, actor: Actor | None, span: ReportingPeriod, by: str | None
    ) -> StatsJSON:
        """The period's figures as the database stands, city-wide, on this connection."""
        from casework.domain.policy import procedures_of
        from casework.read.damage import DamageReport, skipping
        from casework.read.scope import Scope
        from casework.read.stats import catalogue_for, compute

        cat = catalogue_for(self.machines.registry, procedures_of(actor))

        def read(damage: DamageReport) -> StatsJSON:
            scope = Scope(span.first_day, span.last_day, damaged=damage.case_ids)
            return compute(conn, cat, scope, None, by)

        found, _ = skipping(conn, self.machines.registry, read)
        return found


def reads_published(actor: Actor) -> bool:
    """The published figures are the whole city's, of every procedure: read by city-wide
    users whose role reaches every procedure."""
    from casework.domain.policy import procedures_of

    return actor.city_wide and procedures_of(actor) is None
