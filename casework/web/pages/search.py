"""案件查询 search: the search form above a paged, sortable table of the cases found, and the
download of the same search as CSV or XLSX (``casework export``'s columns, masked).

What a user finds is the API's to decide (``Casework.search``): a town user's search covers
their own office, and another office asked for is refused at the office field.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
import os
import tempfile
from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from casework.api import Casework
from casework.api.search import SearchFilter, SearchJSON
from casework.errors import CaseworkError, InvalidData
from casework.web.pages.frame import PageGate, Viewer, refused, render

Text = Annotated[str | None, Query(max_length=200)]
Day = Annotated[str | None, Query(max_length=40)]
SORT_LABELS = {"case_no": "案件编号", "registered": "登记时间", "state": "状态"}
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Asked:
    """A search as typed in the form (or the address): texts, kept to show them again."""

    case_no: str | None = None
    party: str | None = None
    id_number: str | None = None
    phone: str | None = None
    title: str | None = None
    kind: str | None = None
    state: str | None = None
    office: str | None = None
    start: str | None = None
    end: str | None = None
    sort: str = "registered"
    desc: bool = True

    def criteria(self, cw: Casework) -> SearchFilter:
        values = asdict(self)
        descending = values.pop("desc")
        return cw.search_filter(**values, descending=descending)

    def query(self, **changes: Any) -> str:
        """The search's address parameters (``from``/``to`` for the dates), with changes."""
        values = {**asdict(self), **changes}
        values["from"], values["to"] = values.pop("start"), values.pop("end")
        values["desc"] = "1" if values["desc"] else "0"
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def asked(
    case_no: Text = None,
    party: Text = None,
    id_number: Text = None,
    phone: Text = None,
    title: Text = None,
    kind: Text = None,
    state: Text = None,
    office: Text = None,
    start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    sort: Annotated[str, Query(max_length=20)] = "registered",
    desc: bool = True,
) -> Asked:
    """The search's parameters, shared by the page, its download and ``GET /api/v1/search``."""
    return Asked(case_no, party, id_number, phone, title, kind, state, office, start, end, sort,
                 desc)  # fmt: skip


Page = Annotated[int, Query(ge=1, le=1_000_000)]


def choices(v: Viewer) -> dict[str, Any]:
    """The form's lists: the procedures with their states, and the offices the user sees."""
    kinds = [(w["kind"], w["label"]) for w in v.cw.workflows()]
    states = sorted(
        {(s["name"], s["label"]) for w in v.cw.workflows() for s in w["states"]},
        key=lambda s: s[1],
    )
    offices = v.cw.offices()
    own = v.user["office"]
    town = any(o["code"] == own and o["level"] == "town" for o in offices)
    shown = [o for o in offices if not town or o["code"] == own]
    return {
        "kinds": kinds,
        "states": states,
        "offices": [(o["code"], o["name"]) for o in shown],
        "kind_labels": dict(kinds),
        "office_labels": {o["code"]: o["name"] for o in offices},
    }


def sort_links(a: Asked) -> dict[str, str]:
    """Each sortable column's address: the other direction when it is the current order."""
    return {
        key: "/search?" + a.query(sort=key, desc=not a.desc if a.sort == key else key != "case_no")
        for key in SORT_LABELS
    }


def page_context(v: Viewer, a: Asked, found: SearchJSON | None) -> dict[str, Any]:
    return {
        "asked": a,
        "found": found,
        "sort_links": sort_links(a),
        "sort_labels": SORT_LABELS,
        "pager_url": "/search?" + a.query() + "&",
        "export_url": "/search/export?" + a.query() + "&",
        **choices(v),
    }


def download(cw: Casework, a: Asked, fmt: str) -> Response:
    """The search's cases as a file made by the export, handed over and removed."""
    if fmt not in DOWNLOADS:
        raise InvalidData(
            f"下载格式应为 csv 或 xlsx，不是 {fmt[:20]!r} (must be csv or xlsx)",
            field="format",
            value=fmt[:20],
        )
    criteria = a.criteria(cw)
    folder = tempfile.mkdtemp(prefix="casework-search-")
    path = os.path.join(folder, f"cases.{fmt}")
    try:
        cw.search_export(criteria, path)
        with open(path, "rb") as fh:
            body = fh.read()
    finally:
        if os.path.exists(path):
            os.remove(path)
        os.rmdir(folder)
    name = quote(f"案件查询.{fmt}")
    disposition = f"attachment; filename=cases.{fmt}; filename*=UTF-8''{name}"
    return Response(body, media_type=DOWNLOADS[fmt], headers={"Content-Disposition": disposition})


def routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/search")
    def search_page(
        v: Annotated[Viewer, Depends(gate.viewer)],
        a: Annotated[Asked, Depends(asked)],
        page: Page = 1,
    ) -> HTMLResponse:
        try:
            found = v.cw.search(a.criteria(v.cw), page)
        except CaseworkError as exc:
            return refused(v, exc, "search.html", **page_context(v, a, None))
        return render(v, "search.html", **page_context(v, a, found))

    @router.get("/search/export")
    def search_export(
        v: Annotated[Viewer, Depends(gate.viewer)],
        a: Annotated[Asked, Depends(asked)],
        format: Annotated[str, Query(max_length=10)] = "csv",
    ) -> Response:
        return download(v.cw, a, format)
