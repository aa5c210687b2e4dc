"""The web application: ``create_app(db)`` for ``casework serve`` (uvicorn) and for tests.

>>> app = create_app("casework.db")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from casework.api import Casework
from casework.clock import Clock, system_clock
from casework.errors import CaseworkError
from casework.web.errors import casework_refusal, invalid_request, refusal, status_of
from casework.web.guard import Guard
from casework.web.pages import page_router
from casework.web.pages.frame import LoginRequired, PasswordChangeRequired, error_page
from casework.web.routes import api_router

# Starlette's own refusals (no such path, a method the path does not take), said our way.
HTTP_REASONS = {
    404: "未找到 (not found)",
    405: "不支持此请求方法 (method not allowed)",
}
DB_ENV = "CASEWORK_DB"
# The pages' scripts and styles, vendored in the package (static/vendor/VENDORED.md): no CDN.
STATIC = Path(__file__).parent / "static"
NO_SESSION = "需要登录 (login required)"


def for_api(request: Request) -> bool:
    """The JSON API answers JSON; the pages answer a page."""
    return request.url.path.startswith("/api/")


def page_handlers(app: FastAPI) -> None:
    """A page request with no session goes to the login page (a GET) or is refused (401, a
    form posted without one writes nothing); a password to change comes first."""

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        if request.method in ("GET", "HEAD"):
            target = exc.target + ("&expired=1" if exc.reason else "")
            return RedirectResponse(target, status_code=303)
        return error_page(request, 401, exc.reason or NO_SESSION)

    @app.exception_handler(PasswordChangeRequired)
    async def to_password(request: Request, _: PasswordChangeRequired) -> Response:
        if request.method in ("GET", "HEAD"):
            return RedirectResponse("/password", status_code=303)
        return error_page(request, 403, "请先修改密码 (change your password first)")


def create_app(db: str, clock: Clock = system_clock) -> FastAPI:
    """The JSON API on one database (a path or URL): its schema is checked now, so a server on
    a missing or old database refuses to start rather than answering 503s."""
    cw = Casework(db, clock=clock)
    app = FastAPI(
        title="casework", docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json"
    )
    app.include_router(api_router(cw))
    app.include_router(page_router(cw))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(CaseworkError)
    async def refused(request: Request, exc: CaseworkError) -> Response:
        if for_api(request):
            return casework_refusal(exc)
        return error_page(request, status_of(exc), exc.reason)

    @app.exception_handler(RequestValidationError)
    async def unparsed(request: Request, exc: RequestValidationError) -> Response:
        answer = invalid_request(exc.errors())
        if for_api(request):
            return answer
        return error_page(request, 422, json.loads(bytes(answer.body))["error"])

    @app.exception_handler(HTTPException)
    async def http_refusal(request: Request, exc: HTTPException) -> Response:
        reason = HTTP_REASONS.get(exc.status_code, "请求有误 (bad request)")
        if for_api(request):
            return refusal(exc.status_code, reason)
        return error_page(request, exc.status_code, reason)

    page_handlers(app)

    app.add_middleware(Guard)
    app.state.casework = cw
    return app


def from_environment() -> FastAPI:
    """The application on the database ``casework serve`` names in the environment: the
    factory each of uvicorn's worker processes calls."""
    return create_app(os.environ[DB_ENV])
