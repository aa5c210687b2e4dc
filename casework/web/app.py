"""The web application: ``create_app(db)`` for ``casework serve`` (uvicorn) and for tests.

>>> app = create_app("casework.db")   # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from casework.api import Casework
from casework.clock import Clock, system_clock
from casework.errors import CaseworkError
from casework.web.errors import casework_refusal, invalid_request, refusal
from casework.web.guard import Guard
from casework.web.routes import api_router

# Starlette's own refusals (no such path, a method the path does not take), said our way.
HTTP_REASONS = {
    404: "未找到 (not found)",
    405: "不支持此请求方法 (method not allowed)",
}
DB_ENV = "CASEWORK_DB"
# The pages' scripts and styles, vendored in the package (static/vendor/VENDORED.md): no CDN.
STATIC = Path(__file__).parent / "static"


def create_app(db: str, clock: Clock = system_clock) -> FastAPI:
    """The JSON API on one database (a path or URL): its schema is checked now, so a server on
    a missing or old database refuses to start rather than answering 503s."""
    cw = Casework(db, clock=clock)
    app = FastAPI(
        title="casework", docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json"
    )
    app.include_router(api_router(cw))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(CaseworkError)
    async def refused(_: Request, exc: CaseworkError) -> JSONResponse:
        return casework_refusal(exc)

    @app.exception_handler(RequestValidationError)
    async def unparsed(_: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid_request(exc.errors())

    @app.exception_handler(HTTPException)
    async def http_refusal(_: Request, exc: HTTPException) -> JSONResponse:
        return refusal(exc.status_code, HTTP_REASONS.get(exc.status_code, "请求有误 (bad request)"))

    app.add_middleware(Guard)
    app.state.casework = cw
    return app


def from_environment() -> FastAPI:
    """The application on the database ``casework serve`` names in the environment: the
    factory each of uvicorn's worker processes calls."""
    return create_app(os.environ[DB_ENV])
