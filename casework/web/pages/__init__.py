"""The pages of web.md under ``/``: one module per page, each registering its routes on the
router with the shared :class:`~casework.web.pages.frame.PageGate`."""

from __future__ import annotations

from fastapi import APIRouter

from casework.api import Casework
from casework.web.pages import account, admin, case, desk, imports, register, reports, search, stats
from casework.web.pages.frame import PageGate


def page_router(cw: Casework) -> APIRouter:
    """Every page, on one API."""
    router, gate = APIRouter(), PageGate(cw)
    account.routes(router, gate)
    search.routes(router, gate)
    desk.routes(router, gate)
    case.routes(router, gate)
    register.routes(router, gate)
    stats.routes(router, gate)
    reports.routes(router, gate)
    imports.routes(router, gate)
    admin.routes(router, gate)
    return router
