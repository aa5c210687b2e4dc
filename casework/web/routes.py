"""The endpoints of web.md's contract, each one call of :class:`casework.api.Casework` as the
token's user, answering that call's JSON (the CLI's ``--json`` shapes, docs/cli.md).

A case the user may not see is answered as an unknown one (404, the same words), never 403:
the API refuses another office's case by its office (``NotAllowed``), and on some steps a rule
of the procedure or the case's state speaks first, so any refusal of a case's read or step is
checked against whether the user can see the case at all before it is answered.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations at
# run time, and their dependencies (``Depends(gate.reader)``) are local to the function that
# declares them, out of reach of a string annotation's evaluation.
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from itertools import islice
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from casework.api import Casework
from casework.errors import CaseworkError, InvalidData, NotAllowed, NotFound
from casework.web import bodies
from casework.web.auth import Gate, bearer, client
from casework.web.pages.search import Asked, asked
from casework.web.responses import JSON, json_rows

T = TypeVar("T")
# The export's formats (its file's suffix) and the content type each is answered as.
EXPORT_TYPES: Mapping[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
Day = Annotated[str | None, Query(max_length=40)]
Word = Annotated[str | None, Query(max_length=200)]


def unknown_case(case_no: str) -> NotFound:
    """The API's own words for a case that does not exist."""
    return NotFound(f"未知案件 unknown case {case_no[:80]!r}", field="case_no")


def visible(cw: Casework, case_no: str) -> bool:
    """Whether the acting user may see the case (its history is the cheapest full check)."""
    try:
        cw.history(case_no)
    except (NotFound, NotAllowed):
        return False
    return True


def on_case(cw: Casework, case_no: str, call: Callable[[], T]) -> T:
    """``call`` on a case; any refusal of a case the user may not see becomes its 404."""
    try:
        return call()
    except NotFound:
        raise
    except CaseworkError:
        if not visible(cw, case_no):
            raise unknown_case(case_no) from None
        raise


def matching(rows: list[Any], q: str | None) -> list[Any]:
    """Rows whose case number or title holds ``q`` (case-insensitive); all without one."""
    return [r for r in rows if holds(r, q)]


def holds(row: Any, q: str | None) -> bool:
    """Whether the row's case number or title holds ``q`` (case-insensitive); any row does
    without one."""
    if not q or not q.strip():
        return True
    word = q.strip().casefold()
    return word in row["case_no"].casefold() or word in row["title"].casefold()


def account_routes(router: APIRouter, cw: Casework) -> None:
    @router.post("/login")
    def login(body: bodies.Login, request: Request) -> JSON:
        address, agent = client(request)
        return JSON(cw.login(body.username, body.password, address, agent))

    @router.post("/logout")
    def logout(request: Request) -> JSON:
        address, agent = client(request)
        cw.logout(bearer(request), address, agent)
        return JSON({"ok": True})

    @router.post("/password")
    def password(body: bodies.NewPassword, request: Request) -> JSON:
        # Any session of the user, read-scope ones too: a password is the user's own.
        user = cw.acting(cw.authenticate(bearer(request))["username"])
        address, agent = client(request)
        user.change_password(body.old, body.new, address, agent)
        return JSON({"ok": True})


def case_reads(router: APIRouter, gate: Gate) -> None:
    @router.get("/cases/{case_no}")
    def show(
        case_no: str,
        cw: Annotated[Casework, Depends(gate.reader)],
        reveal: bool = False,
        as_of: Day = None,
    ) -> JSON:
        return JSON(on_case(cw, case_no, lambda: cw.show(case_no, reveal, as_of)))

    @router.get("/cases")
    def cases(
        cw: Annotated[Casework, Depends(gate.reader)],
        kind: Word = None,
        state: Word = None,
        office: Word = None,
        q: Word = None,
        limit: Annotated[int | None, Query(ge=1)] = None,
        overdue: bool = False,
        as_of: Day = None,
    ) -> Response:
        if overdue or (limit is not None and not q):
            rows = cw.cases(kind, state, office, None if q else limit, overdue, as_of)
            found = matching(list(rows), q)
            return JSON(found[:limit] if limit is not None else found)
        # Every case, or those a word finds: answered as they are read, a chunk at a time.
        listed = (r for r in cw.each_case(kind, state, office, as_of) if holds(r, q))
        return json_rows(islice(listed, limit))

    @router.get("/due")
    def due(
        cw: Annotated[Casework, Depends(gate.reader)],
        within: int = 7,
        office: Word = None,
        kind: Word = None,
        as_of: Day = None,
    ) -> JSON:
        return JSON(cw.due(within, office, kind, as_of))

    @router.get("/desk")
    def desk(
        cw: Annotated[Casework, Depends(gate.reader)],
        within: Annotated[int, Query(ge=0, le=366)] = 7,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        as_of: Day = None,
    ) -> JSON:
        return JSON(cw.desk(as_of, within, limit))


def case_writes(router: APIRouter, gate: Gate) -> None:
    @router.post("/cases", status_code=201)
    def register(body: bodies.Registration, cw: Annotated[Casework, Depends(gate.writer)]) -> JSON:
        parties = [p if isinstance(p, str) else p.spec() for p in body.parties]
        done = cw.register(
            body.kind,
            body.office,
            body.title,
            parties,
            bodies.as_text(body.data),
            body.at,
            body.note,
            None,
            body.ref,
        )
        return JSON(done, status_code=200 if done["existing"] else 201)

    @router.post("/cases/{case_no}/steps")
    def advance(
        case_no: str, body: bodies.Step, cw: Annotated[Casework, Depends(gate.writer)]
    ) -> JSON:
        data = bodies.as_text(body.data)
        return JSON(
            on_case(
                cw,
                case_no,
                lambda: cw.advance(case_no, body.trigger, data, body.note, body.at, body.ref),
            )
        )


def stats_routes(router: APIRouter, gate: Gate) -> None:
    @router.get("/stats")
    def stats(
        cw: Annotated[Casework, Depends(gate.reader)],
        start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        by: Word = None,
        office: Word = None,
        as_of: Day = None,
        closed_by: Day = None,
    ) -> JSON:
        return JSON(cw.stats(start, end, by, as_of, office, closed_by=closed_by))

    @router.get("/stats/explain/{metric}")
    def explain(
        metric: str,
        cw: Annotated[Casework, Depends(gate.reader)],
        start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        office: Word = None,
        as_of: Day = None,
        closed_by: Day = None,
    ) -> JSON:
        return JSON(cw.explain(metric, start, end, as_of, office, closed_by))


def export_file(fmt: str, export: Callable[[str], Any]) -> FileResponse:
    """``export`` written to a file of its own, answered as that file (removed once sent),
    its summary in the headers ``X-Casework-Rows``, ``-Columns`` and ``-Revealed``."""
    if fmt not in EXPORT_TYPES:
        raise InvalidData(
            f"导出格式应为 csv、xlsx 或 json，不是 {fmt[:20]!r} (must be csv, xlsx or json)",
            field="format",
            value=fmt[:20],
        )
    folder = tempfile.mkdtemp(prefix="casework-export-")
    try:
        done = export(os.path.join(folder, f"cases.{fmt}"))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    headers = {
        "Content-Disposition": f"attachment; filename=cases.{fmt}",
        "X-Casework-Rows": str(done["rows"]),
        "X-Casework-Columns": ",".join(done["columns"]),
        "X-Casework-Revealed": "true" if done["revealed"] else "false",
    }
    return FileResponse(
        done["out"],
        media_type=EXPORT_TYPES[fmt],
        headers=headers,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def export_routes(router: APIRouter, gate: Gate) -> None:
    @router.get("/export")
    def export(
        cw: Annotated[Casework, Depends(gate.reader)],
        fmt: Annotated[str, Query(alias="format", max_length=20)] = "csv",
        kind: Word = None,
        start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
        end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
        office: Word = None,
        columns: Annotated[str | None, Query(max_length=1000)] = None,
        reveal: bool = False,
    ) -> FileResponse:
        return export_file(
            fmt,
            lambda out: cw.export_cases(out, kind, start, end, office, columns, reveal),
        )


def search_routes(router: APIRouter, gate: Gate) -> None:
    @router.get("/search")
    def search(
        cw: Annotated[Casework, Depends(gate.reader)],
        a: Annotated[Asked, Depends(asked)],
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        size: Annotated[int, Query(ge=1, le=200)] = 20,
    ) -> JSON:
        return JSON(cw.search(a.criteria(cw), page, size))


def api_router(cw: Casework) -> APIRouter:
    """Every endpoint under ``/api/v1``."""
    router, gate = APIRouter(prefix="/api/v1"), Gate(cw)
    account_routes(router, cw)
    case_reads(router, gate)
    case_writes(router, gate)
    stats_routes(router, gate)
    export_routes(router, gate)
    search_routes(router, gate)
    return router
