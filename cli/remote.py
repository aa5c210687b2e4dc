"""``casework --server URL``: the reads and steps of the CLI through the JSON API (/api/v1,
docs/web.md) instead of the database, as the user of the token in CASEWORK_TOKEN.

:class:`Remote` has the method names and return shapes the commands call on
:class:`casework.api.Casework` (``show``, ``cases``, ``register``, ``advance``, ``due``,
``stats``, ``explain``, ``export_cases``), so the commands print the same tables and ``--json``
whichever they talk to. A refusal of the server (``{"error", "field"}``) is raised again as the
casework error its status stands for, so it is said and exits as the same refusal would
locally. Any other method is refused as a usage error: the server offers no endpoint for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, NoReturn
from urllib.parse import quote

import httpx
import typer

from casework.errors import (
    AccountLocked,
    AuthFailed,
    CaseworkError,
    Conflict,
    DatabaseBusy,
    GuardFailed,
    InvalidData,
    NotAllowed,
    NotFound,
)
from casework.read.export import check_out
from casework.read.shapes import ExportSummary
from casework.storage.outfiles import STDOUT, check_new, new_file

UNSUPPORTED = "该命令不支持 --server (not available through the server)"
NO_TOKEN = "需要令牌 CASEWORK_TOKEN (a token is required)"
BAD_TOKEN = "令牌无效或已过期 (token invalid or expired)"
# The status of a refusal, as web.md's contract gives it, back to its kind. 409 is a version
# or ref clash or a trigger the state does not offer; both are refusals of the same exit code.
KINDS: Mapping[int, type[CaseworkError]] = {
    403: NotAllowed,
    404: NotFound,
    409: Conflict,
    422: InvalidData,
    423: AccountLocked,
    503: DatabaseBusy,
}
# Reads may take a while on a big office (stats over a year); a dead server is said at once.
TIMEOUT = httpx.Timeout(60.0, connect=5.0)

Value = str | int | bool | date | datetime | None


def unsupported() -> NoReturn:
    raise typer.BadParameter(UNSUPPORTED)  # no hint: the line names --server already


def query(params: Mapping[str, Value]) -> dict[str, str]:
    """The query string's values: those given, as text (``true``/``false`` for flags)."""
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None or value is False:
            continue
        out[key] = "true" if value is True else str(value)
    return out


def refusal(answer: httpx.Response) -> CaseworkError:
    """The casework error a refusal of the server stands for."""
    if answer.status_code == 401:
        return AuthFailed(BAD_TOKEN)
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return CaseworkError(
            f"服务器返回 HTTP {answer.status_code} (unexpected answer of the server)",
            field="server",
        )
    reason, field = body["error"], body.get("field")
    field = field if isinstance(field, str) else None
    if answer.status_code == 422 and body.get("rule"):
        return GuardFailed(reason, rule=str(body["rule"]), field=field)
    kind = KINDS.get(answer.status_code, CaseworkError)
    return kind(reason, field=field)


def unreachable(url: str, exc: Exception) -> CaseworkError:
    return CaseworkError(
        f"无法连接服务器 {url[:200]} (cannot reach the server: {type(exc).__name__})",
        field="server",
    )


def save(answer: httpx.Response, out: str, force: bool = False, fmt: str = "csv") -> None:
    """The answer's body to ``out`` (``-``: standard output), which appears only when
    complete and replaces a file only if ``force``, as the export's own."""
    if out == STDOUT and fmt != "xlsx":
        for chunk in answer.iter_bytes():  # the server's bytes as they are
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    with new_file(out, force, binary=True) as fh:
        for chunk in answer.iter_bytes():
            fh.write(chunk)


class Remote:
    """The API's calls of the CLI, answered by a casework server."""

    def __init__(self, url: str, token: str | None) -> None:
        if not token:
            raise typer.BadParameter(NO_TOKEN, param_hint="--server")
        self.url = url.rstrip("/")
        self.token = token

    def __getattr__(self, name: str) -> NoReturn:
        # Only reached for a method Remote does not define: a command the server cannot run.
        if name.startswith("__"):
            raise AttributeError(name)
        unsupported()

    @contextmanager
    def opened(self, path: str, params: Mapping[str, Value]) -> Iterator[httpx.Response]:
        """A GET of /api/v1 whose body is read as it comes (a file); its refusal raised."""
        headers = {"Authorization": f"Bearer {self.token}"}
        url = f"{self.url}/api/v1{path}"
        try:
            with httpx.stream(
                "GET", url, params=query(params), headers=headers, timeout=TIMEOUT
            ) as answer:
                if answer.status_code >= 400:
                    answer.read()
                    raise refusal(answer)
                yield answer
        except httpx.HTTPError as exc:
            raise unreachable(self.url, exc) from None

    def call(
        self, method: str, path: str, params: Mapping[str, Value] | None = None, body: Any = None
    ) -> Any:
        """One request to /api/v1; the decoded answer, or its refusal raised."""
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            answer = httpx.request(
                method,
                f"{self.url}/api/v1{path}",
                params=query(params or {}),
                json=body,
                headers=headers,
                timeout=TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise unreachable(self.url, exc) from None
        if answer.status_code >= 400:
            raise refusal(answer)
        return answer.json()

    def show(self, case_no: str, reveal: bool = False, as_of: str | date | None = None) -> Any:
        return self.call(
            "GET", f"/cases/{quote(case_no, safe='')}", {"reveal": reveal, "as_of": as_of}
        )

    def cases(
        self,
        kind: str | None = None,
        state: str | None = None,
        office: str | None = None,
        limit: int | None = None,
        overdue: bool = False,
        as_of: str | date | None = None,
    ) -> Any:
        params = {"kind": kind, "state": state, "office": office, "limit": limit}
        return self.call("GET", "/cases", {**params, "overdue": overdue, "as_of": as_of})

    def each_case(
        self,
        kind: str | None = None,
        state: str | None = None,
        office: str | None = None,
        as_of: str | date | None = None,
    ) -> Iterator[Any]:
        params = {"kind": kind, "state": state, "office": office, "as_of": as_of}
        return iter(self.call("GET", "/cases", params))

    def due(
        self,
        within: int = 7,
        office: str | None = None,
        kind: str | None = None,
        as_of: str | date | None = None,
    ) -> Any:
        params = {"within": within, "office": office, "kind": kind, "as_of": as_of}
        return self.call("GET", "/due", params)

    def register(
        self,
        kind: str,
        office: str,
        title: str,
        parties: Sequence[str] = (),
        data: Mapping[str, str] | None = None,
        at: str | datetime | None = None,
        note: str | None = None,
        link: str | None = None,
        ref: str | None = None,
    ) -> Any:
        if link is not None:  # the registration body has no link (web.md)
            unsupported()
        body = {"kind": kind, "office": office, "title": title, "parties": list(parties)}
        when = None if at is None else str(at)
        extra = {"data": dict(data or {}), "at": when, "note": note, "ref": ref}
        return self.call("POST", "/cases", body={**body, **extra})

    def advance(
        self,
        case_no: str,
        trigger: str,
        data: Mapping[str, str] | None = None,
        note: str | None = None,
        at: str | datetime | None = None,
        ref: str | None = None,
    ) -> Any:
        when = None if at is None else str(at)
        body = {"trigger": trigger, "data": dict(data or {}), "note": note, "at": when, "ref": ref}
        return self.call("POST", f"/cases/{quote(case_no, safe='')}/steps", body=body)

    def stats(
        self,
        start: str | date | None = None,
        end: str | date | None = None,
        by: str | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
        metrics: list[str] | None = None,
        closed_by: str | date | None = None,
    ) -> Any:
        if metrics:  # GET /stats answers the whole catalogue only
            unsupported()
        params = {"from": start, "to": end, "by": by, "as_of": as_of, "office": office}
        params["closed_by"] = closed_by
        return self.call("GET", "/stats", params)

    def explain(
        self,
        metric: str,
        start: str | date | None = None,
        end: str | date | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
        closed_by: str | date | None = None,
    ) -> Any:
        params = {"from": start, "to": end, "as_of": as_of, "office": office}
        params["closed_by"] = closed_by
        return self.call("GET", f"/stats/explain/{quote(metric, safe='')}", params)

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
        # The file's name and folder are the client's: checked here, before anything is asked
        # (and, with --reveal, recorded as revealed by the server).
        suffix = check_out(out, fmt)[1:]
        check_new(out, force)
        params = {"format": suffix, "kind": kind, "from": start, "to": end, "office": office}
        with self.opened("/export", {**params, "columns": columns, "reveal": reveal}) as answer:
            save(answer, out, force, suffix)
            head = answer.headers
        return ExportSummary(
            out=out,
            rows=int(head.get("x-casework-rows", "0")),
            columns=[c for c in head.get("x-casework-columns", "").split(",") if c],
            revealed=head.get("x-casework-revealed") == "true",
        )
