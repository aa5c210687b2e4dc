"""工作台 /desk: what waits for the viewer — the cases whose next step their role may take, the
deadlines within 7 days (临期), the overdue ones (超期) and what was sent back (退回), each
queue with its count and a table linking to the case page. The queues are the API's
(``Casework.desk``), scoped to the viewer's office like every read."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from casework.web.pages.frame import PageGate, Viewer, render

WITHIN = 7


def routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/desk")
    def desk_page(
        v: Annotated[Viewer, Depends(gate.viewer)],
        as_of: Annotated[str | None, Query(max_length=40)] = None,
    ) -> HTMLResponse:
        return render(v, "desk.html", desk=v.cw.desk(as_of, WITHIN))
