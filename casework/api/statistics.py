"""Figures and exports: the metric catalogue, the items behind a figure, on-time replies and
case exports. The modules behind them are imported when first used, not at start-up."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from casework.api.base import Base
from casework.api.reveals import export_filter, recorded

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from casework.domain.model import Actor
    from casework.read.mediation_form import FormJSON
    from casework.read.scope import Scope
    from casework.read.shapes import ExplainJSON, ExportSummary, OnTimeJSON, StatsJSON
    from casework.read.stats import Catalogue


class Statistics(Base):
    """The statistics (统计) of stored cases and screenings, and exports of cases."""

    def catalogue(self, actor: Actor | None) -> Catalogue:
        """The metrics the user reads: a procedure-scoped role's procedures' only."""
        from casework.domain.policy import procedures_of
        from casework.read.stats import catalogue_for

        return catalogue_for(self.machines.registry, procedures_of(actor))

    def stats_scope(
        self,
        start: str | date | None = None,
        end: str | date | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
        closed_by: str | date | None = None,
    ) -> Scope:
        """A period of local dates (default: 1 January of this year to today), as the database
        stood at the end of ``as_of`` (default: as it stands), of one office or all; a cohort
        rate's ``closed_by`` parts read the histories to ``closed_by`` (default: the period's
        last day)."""
        from casework.read.scope import Scope

        today = self.today()
        first = self.day(start, "from") if start is not None else date(today.year, 1, 1)
        last = self.day(end, "to") if end is not None else today
        day = self.day(as_of) if as_of is not None else None
        cut = self.day(closed_by, "closed_by") if closed_by is not None else None
        return Scope(first, last, day, office, closed_by=cut)

    def stats(
        self,
        start: str | date | None = None,
        end: str | date | None = None,
        by: str | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
        metrics: list[str] | None = None,
        closed_by: str | date | None = None,
    ) -> StatsJSON:
        """The metric catalogue for a period (this year to date), optionally grouped by
        office, month, quarter or kind; a town user's figures cover their own office.
        ``closed_by`` is the cut-off of the cohort rates that have one (办结率)."""
        from casework.read.damage import skipping
        from casework.read.rollups import ready
        from casework.read.scope import office_scope
        from casework.read.stats import checked, compute
        from casework.storage.open_limits import unchanged_after

        scope = self.stats_scope(start, end, as_of, office, closed_by)
        with self.read() as (conn, actor):  # a refusal before the roll-ups are written
            office_scope(conn, actor, scope.office, "统计")
            checked(self.catalogue(actor), scope, metrics, by)
        self.roll_up()
        with self.read() as (conn, actor):
            # As of a day on or after the last change, the database stood as it stands.
            day = scope.as_of
            rolled = ready(conn) and (day is None or unchanged_after(conn, day))
            cat = self.catalogue(actor)
            scope = dataclasses.replace(
                scope, office=office_scope(conn, actor, scope.office, "统计")
            )
            found, warning = skipping(
                conn,
                self.machines.registry,
                lambda damage: compute(
                    conn,
                    cat,
                    dataclasses.replace(scope, damaged=damage.case_ids),
                    metrics,
                    by,
                    rolled,
                ),
            )
        if warning is not None:
            found["warnings"] = [warning]
        return found

    def roll_up(self) -> int:
        """Bring the statistics roll-ups up to date: the items of the cases changed since
        they were computed, a few thousand cases per transaction. A case that cannot be read
        keeps its mark, and so does every case when the database cannot be written (a copy
        opened read-only): the figures are then computed from the events. Any other failure
        is raised. Returns how many marks were taken away."""
        from casework.read.rollups import catch_up
        from casework.read.stats import catalogue
        from casework.storage.db import read_only
        from casework.storage.rollups import any_marked, built

        cat = catalogue(self.machines.registry)
        taken, skip = 0, frozenset[int]()
        while True:
            with self.read() as (conn, _):
                if not built(conn) or not any_marked(conn, skip):
                    return taken
            try:
                done = self.derived_write(functools.partial(catch_up, cat=cat, skip=skip))
            except Exception as exc:
                if read_only(exc):
                    return taken
                found = self.damaged_beyond(exc, skip)
                if found is None:
                    raise
                skip = found
                continue
            if not done:  # what is left waits (for a calendar): the events answer meanwhile
                return taken
            taken += done

    def build_rollups(self) -> int:
        """Compute the roll-ups of every case, once after the upgrade that made them (an empty
        database is built at once): every case is marked and the build recorded in one
        transaction, so that an interrupted build is finished by the next statistics. Once
        built, the cases marked since (a large import's) are caught up. Returns how many
        cases were computed."""
        from casework.storage.rollups import built, clear, mark_all, record_built

        def start(conn: Connection) -> None:
            clear(conn)
            mark_all(conn)
            record_built(conn, self.clock())

        with self.read() as (conn, _):
            done = built(conn)
        if not done:
            self.derived_write(start)
        return self.roll_up()

    def damaged_beyond(self, exc: Exception, skip: frozenset[int]) -> frozenset[int] | None:
        """The damaged cases to leave out after ``exc`` (a refusal is raised again), or None
        when no case is damaged beyond those left out already (``exc`` is then no damage)."""
        from casework.errors import CaseworkError, NotInitialised
        from casework.read.damage import scan

        if isinstance(exc, CaseworkError) and not isinstance(exc, NotInitialised):
            raise exc
        with self.read() as (conn, _):
            damaged = scan(conn, self.machines.registry).case_ids
        return None if damaged <= skip else skip | damaged

    def explain(
        self,
        metric: str,
        start: str | date | None = None,
        end: str | date | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
        closed_by: str | date | None = None,
    ) -> ExplainJSON:
        """The cases or screening entries behind one figure."""
        from casework.read.scope import office_scope
        from casework.read.stats import explain

        scope = self.stats_scope(start, end, as_of, office, closed_by)
        with self.read() as (conn, actor):
            scope = dataclasses.replace(
                scope, office=office_scope(conn, actor, scope.office, "统计")
            )
            return explain(conn, self.catalogue(actor), metric, scope)

    def explain_many(
        self,
        metrics: Sequence[str],
        start: str | date | None = None,
        end: str | date | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
    ) -> list[ExplainJSON]:
        """``explain`` of several figures, in order, computed together: a form's figures of
        one source read their cases once."""
        from casework.read.scope import office_scope
        from casework.read.stats import explain_many

        scope = self.stats_scope(start, end, as_of, office)
        with self.read() as (conn, actor):
            scope = dataclasses.replace(
                scope, office=office_scope(conn, actor, scope.office, "统计")
            )
            return explain_many(conn, self.catalogue(actor), metrics, scope)

    def mediation_form(
        self,
        start: str | date | None = None,
        end: str | date | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
    ) -> FormJSON:
        """The Ministry's people's mediation form for a period (一 组织 … 六 防激化), each
        figure with its metric, and its ties checked (``failed`` names those that fail)."""
        from casework.read.mediation_form import form
        from casework.read.scope import office_scope

        scope = self.stats_scope(start, end, as_of, office)
        with self.read() as (conn, actor):
            scope = dataclasses.replace(
                scope, office=office_scope(conn, actor, scope.office, "统计")
            )
            registry = self.machines.registry
            return form(conn, self.catalogue(actor), scope, registry)

    def replied_on_time(self, start: str | date, end: str | date) -> OnTimeJSON:
        """``petition.replied_on_time`` for a period: ``{value, replied, items, late}``."""
        from casework.read.ontime import first_replies
        from casework.read.scope import check_period
        from casework.storage.calendars import load_calendar

        first, last = self.day(start, "from"), self.day(end, "to")
        check_period(first, last)
        wf = self.machines.registry.get("petition")
        with self.read() as (conn, _):
            found = first_replies(conn, wf, load_calendar(conn), first, last)
        return found.as_json(first, last)

    def export_cases(
        self,
        out: str,
        kind: str | None = None,
        start: str | date | None = None,
        end: str | date | None = None,
        office: str | None = None,
        columns: str | None = None,
        reveal: bool = False,
        force: bool = False,
        fmt: str | None = None,
    ) -> ExportSummary:
        """Write cases to FILE.csv, .xlsx or .json (``-``: standard output, in ``fmt``);
        personal data masked unless revealed; an existing file replaced only if ``force``."""
        from casework.read import export
        from casework.read.export_labels import Labels
        from casework.read.scope import check_period, withholding
        from casework.read.shapes import ExportSummary

        coded = export.check_out(out, fmt) == ".json"  # JSON keeps codes
        chosen = export.choose_columns(columns, coded)
        name = self.machines.workflow(kind).name if kind is not None else None
        first = self.day(start, "from") if start is not None else None
        last = self.day(end, "to") if end is not None else None
        check_period(first, last, "导出期间")
        view = export.View(reveal, coded, Labels(self.machines.registry))
        with self.read() as (conn, actor):
            withhold = withholding(self.machines.registry, actor)
            data = export.rows(conn, actor, chosen, view, name, first, last, office, withhold)
            count = export.write(out, data, force, fmt)
        if reveal:
            recorded(self, "export", None, export_filter(name, first, last, office, out))
        return ExportSummary(out=out, rows=count, columns=chosen, revealed=reveal)
