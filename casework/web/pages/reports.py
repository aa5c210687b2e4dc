"""报表 reports: the annual report's statistics section (一(八) with its table by office), the
monthly table by office and the Ministry's mediation form, shown on the page and downloaded as
``casework report`` writes them: XLSX, Markdown, text or JSON (casework makes no DOCX).

The figures are the API's, scoped as ``stats`` scopes them (a town user: their own office).
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from casework.api import Casework
from casework.api.reports import FORMATS
from casework.errors import CaseworkError, InvalidData
from casework.web.pages.frame import PageGate, Viewer, refused, render
from casework.web.pages.stats import plain

Short = Annotated[str | None, Query(max_length=40)]
KINDS = {"annual": "年度报告", "monthly": "月度报表", "form": "人民调解工作统计表"}
NO_YEAR = "年份 year 应为四位数字，如 2020 (a year such as 2020)"


@dataclass(frozen=True)
class Asked:
    """Which report, of which period, as typed."""

    report: str | None = None
    year: str | None = None
    date: str | None = None
    month: str | None = None
    start: str | None = None
    end: str | None = None
    as_of: str | None = None
    office: str | None = None

    def query(self, **changes: str) -> str:
        values = {**self.__dict__, "from": self.start, "to": self.end, **changes}
        del values["start"], values["end"]
        return urlencode({k: v for k, v in values.items() if v})


def asked(
    report: Short = None,
    year: Short = None,
    date: Short = None,
    month: Short = None,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    as_of: Short = None,
    office: Short = None,
) -> Asked:
    given = {"report": report, "year": year, "date": date, "month": month}
    given |= {"from": start, "to": end, "as_of": as_of, "office": office}
    return Asked(*(plain(name, value) for name, value in given.items()))


def year_of(text: str | None, cw: Casework) -> int:
    if text is None:
        return cw.today().year
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise InvalidData(NO_YEAR, field="year", value=text[:20])
    return int(text)


def made(cw: Casework, a: Asked) -> Any:
    """The report asked for, as the API makes it."""
    if a.report == "annual":
        return cw.report_annual(year_of(a.year, cw), a.date)
    if a.report == "monthly":
        if a.month is None:
            raise InvalidData("请填写月份，如 2020-11 (the month is missing)", field="month")
        return cw.report_monthly(a.month)
    if a.report == "form":
        if a.start is None or a.end is None:
            raise InvalidData(
                "请填写统计期间起止日期 (the period is missing)",
                field="from" if a.start is None else "to",
            )
        return cw.mediation_form(a.start, a.end, a.as_of, a.office)
    raise InvalidData(
        f"报表应为 {'、'.join(KINDS)} 之一 (unknown report)", field="report", value=a.report
    )


def file_of(cw: Casework, a: Asked, fmt: str) -> Response:
    report = made(cw, a)
    body = (
        cw.mediation_form_file(report, fmt) if a.report == "form" else cw.report_file(report, fmt)
    )
    suffix, media = FORMATS[fmt]
    label = KINDS.get(a.report or "", "报表")
    name = quote(f"{label}{suffix}")
    disposition = f"attachment; filename=report{suffix}; filename*=UTF-8''{name}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


def routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/reports")
    def reports_page(
        v: Annotated[Viewer, Depends(gate.viewer)], a: Annotated[Asked, Depends(asked)]
    ) -> HTMLResponse:
        context: dict[str, Any] = {
            "a": a,
            "kinds": KINDS,
            "formats": list(FORMATS),
            "download": "/reports/download?" + a.query() + "&",
            "this_year": v.cw.today().year,
        }
        if a.report is None:
            return render(v, "reports.html", report=None, **context)
        try:
            report = made(v.cw, a)
        except CaseworkError as exc:
            return refused(v, exc, "reports.html", report=None, **context)
        return render(v, "reports.html", report=report, **context)

    @router.get("/reports/download")
    def reports_download(
        v: Annotated[Viewer, Depends(gate.viewer)],
        a: Annotated[Asked, Depends(asked)],
        format: Annotated[str, Query(max_length=10)] = "xlsx",
    ) -> Response:
        if format not in FORMATS:
            raise InvalidData(
                f"格式应为 {'、'.join(FORMATS)} 之一，不是 {format[:20]!r} (unknown format)",
                field="format",
                value=format[:20],
            )
        return file_of(v.cw, a, format)
