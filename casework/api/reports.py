"""报表: the annual report's statistics section, the monthly table by office and the Ministry's
mediation form, as data and as the files ``casework report`` writes (text, Markdown, XLSX,
JSON). No report is made as DOCX anywhere in casework; the web offers what exists."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from casework.api.base import Base, reexported
from casework.api.publishing import Publishing
from casework.api.reads import Reads
from casework.api.statistics import Statistics
from casework.errors import InvalidData

if TYPE_CHECKING:
    from casework.read.mediation_form import FormJSON
    from casework.read.published import PublishedJSON
    from casework.read.shapes import OfficeJSON, Report

__all__ = ["FORMATS", "Report", "Reports"]
__getattr__ = reexported(__name__, {"Report": "casework.read.shapes"})

# format: (file suffix, media type)
FORMATS = {
    "text": (".txt", "text/plain; charset=utf-8"),
    "md": (".md", "text/markdown; charset=utf-8"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": (".json", "application/json; charset=utf-8"),
}


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidData(
            f"格式应为 text、md、xlsx 或 json，不是 {fmt[:20]!r} (must be text, md, xlsx or json)",
            field="format",
            value=fmt[:20],
        )


def as_bytes(
    data: Any, fmt: str, text: Callable[[Any], str], markdown: Callable[[Any], str], xlsx: Any
) -> bytes:
    """A report's file: the workbook written to a temporary file (openpyxl writes files)."""
    check_format(fmt)
    if fmt == "json":
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt != "xlsx":
        return (text(data) if fmt == "text" else markdown(data)).encode()
    folder = tempfile.mkdtemp(prefix="casework-report-")
    path = os.path.join(folder, "report.xlsx")
    try:
        xlsx(data, path)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        if os.path.exists(path):
            os.remove(path)
        os.rmdir(folder)


class Reports(Base):
    """The reports of ``casework report``, their figures scoped as ``stats`` scopes them."""

    def figures(self) -> tuple[Statistics, list[OfficeJSON]]:
        """The statistics and the directory of the same Casework (its other parts)."""
        return cast(Statistics, self), cast(Reads, self).offices()

    def report_annual(self, year: int, on: str | date | None = None) -> Report:
        """Section 一(八) of the year's annual report (dated ``on``, default 24 December or
        today), with its table by office."""
        from casework.read.report import annual, report_date
        from casework.time.periods import ReportingPeriod

        day = self.day(on, "date") if on not in (None, "") else None
        stats, offices = self.figures()
        sentences = [s for wf in self.machines.registry for s in wf.report]
        today = self.today()
        published = cast(Publishing, self).published_for
        dated = report_date(year, day, today)

        def table_of(period: tuple[date, date]) -> PublishedJSON | None:
            span = ReportingPeriod.spanning(*period)
            return published(span.name, "office", dated) if span is not None else None

        return annual(stats.stats, offices, year, today, day, sentences, table_of)

    def report_monthly(self, month: str) -> Report:
        """The month's (``2020-11``) figures by office: as published by office (``stats
        publish --by office``, the latest version) when they were, else as they stand."""
        from casework.read.report import monthly

        stats, offices = self.figures()
        published = cast(Publishing, self).published_for
        return monthly(stats.stats, offices, month, self.today(), lambda p: published(p, "office"))

    def report_file(self, report: Report, fmt: str) -> bytes:
        """An annual or monthly report as a file of ``fmt`` (text, md, xlsx or json)."""
        from casework.read.report import as_markdown, as_text, write_xlsx

        return as_bytes(report, fmt, as_text, as_markdown, write_xlsx)

    def mediation_form_file(self, form: FormJSON, fmt: str) -> bytes:
        """The Ministry's mediation form as a file of ``fmt`` (text, md, xlsx or json)."""
        from casework.read import form_render

        return as_bytes(form, fmt, form_render.as_text, form_render.as_markdown,
                        form_render.write_xlsx)  # fmt: skip
