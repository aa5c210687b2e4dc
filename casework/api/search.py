"""案件查询: finding cases by number, party, ID number, phone, title words, kind, state, office
and registration dates, a page at a time, and downloading what a search finds."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from casework.api.base import Base, reexported

if TYPE_CHECKING:
    from casework.read.search import PAGE_SIZE, SearchFilter, SearchJSON, SearchRow
    from casework.read.shapes import ExportSummary

__all__ = ["PAGE_SIZE", "Search", "SearchFilter", "SearchJSON", "SearchRow"]
__getattr__ = reexported(
    __name__,
    {
        name: "casework.read.search"
        for name in ("PAGE_SIZE", "SearchFilter", "SearchJSON", "SearchRow")
    },
)

# What a search's download holds: the ledger's columns without the long history and data.
SEARCH_COLUMNS = "case_no,kind,office,title,state,registered_at,parties,id_numbers,phones"


class Search(Base):
    """Searches of the cases the acting user may see (a town user: their own office's)."""

    def search_filter(
        self,
        *,
        case_no: str | None = None,
        party: str | None = None,
        id_number: str | None = None,
        phone: str | None = None,
        title: str | None = None,
        kind: str | None = None,
        state: str | None = None,
        office: str | None = None,
        start: str | date | None = None,
        end: str | date | None = None,
        sort: str = "registered",
        descending: bool = True,
    ) -> SearchFilter:
        """A search's criteria from what was typed: dates as YYYY-MM-DD (refused at ``from``
        or ``to`` otherwise), empty texts as not given."""
        from casework.read.search import SearchFilter

        first = self.day(start, "from") if start not in (None, "") else None
        last = self.day(end, "to") if end not in (None, "") else None
        return SearchFilter(
            case_no, party, id_number, phone, title, kind, state, office, first, last, sort,
            descending,
        )  # fmt: skip

    def search(self, criteria: SearchFilter, page: int = 1, size: int | None = None) -> SearchJSON:
        """One page (``size`` rows, PAGE_SIZE (20) when not given) of the cases found, with the
        total."""
        from casework.read.damage import skipping
        from casework.read.search import PAGE_SIZE, search

        size = PAGE_SIZE if size is None else size

        with self.read() as (conn, actor):
            found, warning = skipping(
                conn,
                self.machines.registry,
                lambda damage: search(conn, self.machines, actor, criteria, page, size, damage),
            )
        if warning is not None:
            found["warnings"] = [warning]
        return found

    def search_export(
        self, criteria: SearchFilter, out: str, columns: str | None = None
    ) -> ExportSummary:
        """Every case the search finds, written to FILE.csv, .xlsx or .json as ``export``
        writes them (Chinese headers; ID numbers and phones masked)."""
        from casework.read import export
        from casework.read.export_labels import Labels
        from casework.read.search import export_rows
        from casework.read.shapes import ExportSummary

        chosen = export.choose_columns(columns or SEARCH_COLUMNS)
        export.check_out(out)
        view = export.View(False, export.is_json(out), Labels(self.machines.registry))
        with self.read() as (conn, actor):
            data = export_rows(conn, self.machines, actor, criteria, chosen, view)
            count = export.write(out, data)
        return ExportSummary(out=out, rows=count, columns=chosen, revealed=False)
