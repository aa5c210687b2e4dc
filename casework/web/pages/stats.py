"""统计 statistics: the metric catalogue for a period, by office, month, quarter or kind, as a
table and an ECharts chart (static/stats.js); every figure links to the cases behind it
(``/stats/explain/{metric}``, the same list as ``casework stats explain``).

The figures are the API's (``Casework.stats``): a town user's cover their own office.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
import calendar
import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from casework.errors import CaseworkError, InvalidData
from casework.web.pages.frame import PageGate, Viewer, refused, render

Day = Annotated[str | None, Query(max_length=40)]
Word = Annotated[str | None, Query(max_length=100)]
GROUPINGS = {
    "": "不分组",
    "office": "按单位",
    "month": "按月",
    "quarter": "按季度",
    "kind": "按类型",
}
Figure = int | float | None


@dataclass(frozen=True)
class Period:
    """The period, office and as-of day asked for, as typed (empty: the API's default)."""

    start: str | None = None
    end: str | None = None
    office: str | None = None
    as_of: str | None = None

    def query(self, **changes: str | None) -> str:
        values = {"from": self.start, "to": self.end, "office": self.office, "as_of": self.as_of}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})


def plain(field: str, value: str | None) -> str | None:
    """A parameter as typed, without surrounding blanks (None when empty); one holding a
    control character is refused at its field (PostgreSQL refuses a NUL in a query)."""
    if value is None:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise InvalidData(
            f"参数 {field} 含有控制字符 (a control character)",
            field=field,
            value=value[:40].encode("unicode_escape").decode(),
        )
    return value.strip() or None


def period(
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    office: Word = None,
    as_of: Day = None,
) -> Period:
    return Period(
        plain("from", start), plain("to", end), plain("office", office), plain("as_of", as_of)
    )


def sub_period(by: str, key: str, start: str, end: str) -> tuple[str, str]:
    """A month's (``2020-03``) or quarter's (``2020Q1``) own dates, cut to the period."""
    if by == "month":
        year, month = (int(p) for p in key.split("-"))
        first, last_day = date(year, month, 1), calendar.monthrange(year, month)[1]
        last = date(year, month, last_day)
    else:
        year, quarter = int(key[:4]), int(key[-1])
        first = date(year, 3 * quarter - 2, 1)
        end_month = 3 * quarter
        last = date(year, end_month, calendar.monthrange(year, end_month)[1])
    return max(first.isoformat(), start), min(last.isoformat(), end)


def explain_link(metric: str, p: Period, shown: dict[str, Any], by: str, key: str | None) -> str:
    """The address of the cases behind one figure: a group's office or months, else the whole
    period (a kind's figure is its metric's, which names the kind already)."""
    start, end = shown["from"], shown["to"]
    office = p.office
    if key is not None and by == "office":
        office = key
    elif key is not None and by in ("month", "quarter"):
        start, end = sub_period(by, key, start, end)
    query = p.query(**{"from": start, "to": end, "office": office})
    return f"/stats/explain/{metric}?{query}"


def shown_value(value: Figure) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return f"{value:,}"


def table(stats: dict[str, Any], p: Period, by: str) -> dict[str, Any]:
    """The figures as rows of metrics, with a column per group, each cell with its link."""
    labels: dict[str, str] = stats.get("labels", {})
    groups = [row["key"] for row in stats.get("rows", [])] if by else [None]
    by_key = {row["key"]: row["metrics"] for row in stats.get("rows", [])}
    rows = []
    for metric, label in labels.items():
        cells = []
        for key in groups:
            value = by_key.get(key, {}).get(metric) if by else stats["metrics"].get(metric)
            link = explain_link(metric, p, stats, by, key)
            cells.append({"value": value, "text": shown_value(value), "link": link})
        rows.append({"metric": metric, "label": label, "cells": cells})
    return {"groups": groups, "rows": rows}


def chart_data(grid: dict[str, Any], by: str) -> str:
    """What stats.js draws, as JSON for a non-executed ``application/json`` block (the CSP
    allows no inline script): every metric's values and links over the groups."""
    data = {
        "by": by,
        "groups": [g if g is not None else "合计" for g in grid["groups"]],
        "series": [
            {
                "metric": r["metric"],
                "label": r["label"],
                "values": [c["value"] for c in r["cells"]],
                "links": [c["link"] for c in r["cells"]],
            }
            for r in grid["rows"]
        ],
    }
    # "</" cannot close the block early: JSON allows "<\/" for "</".
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def offices_of(v: Viewer) -> list[tuple[str, str]]:
    offices = v.cw.offices()
    own = v.user["office"]
    town = any(o["code"] == own and o["level"] == "town" for o in offices)
    return [(o["code"], o["name"]) for o in offices if not town or o["code"] == own]


def routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/stats")
    def stats_page(
        v: Annotated[Viewer, Depends(gate.viewer)],
        p: Annotated[Period, Depends(period)],
        by: Annotated[str, Query(max_length=20)] = "",
    ) -> HTMLResponse:
        context: dict[str, Any] = {
            "p": p,
            "by": by,
            "groupings": list(GROUPINGS.items()),
            "offices": offices_of(v),
        }
        if by not in GROUPINGS:
            by = "_"  # refused by the API at the field ``by``, with its Chinese message
        try:
            stats = v.cw.stats(p.start, p.end, by or None, p.as_of, p.office)
        except CaseworkError as exc:
            return refused(v, exc, "stats.html", stats=None, **context)
        grid = table(dict(stats), p, by)
        return render(
            v, "stats.html", stats=stats, grid=grid, chart=chart_data(grid, by), **context
        )

    @router.get("/stats/explain/{metric}")
    def explain_page(
        metric: str,
        v: Annotated[Viewer, Depends(gate.viewer)],
        p: Annotated[Period, Depends(period)],
    ) -> HTMLResponse:
        found = v.cw.explain(metric[:100], p.start, p.end, p.as_of, p.office)
        back = "/stats?" + p.query()
        return render(v, "stats_explain.html", found=found, p=p, back=back,
                      value=shown_value(found["value"]))  # fmt: skip
