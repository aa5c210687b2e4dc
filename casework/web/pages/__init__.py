"""The pages of web.md under ``/``: one module per page, each registering its routes on the
router with the shared :class:`~casework.web.pages.frame.PageGate`."""

from __future__ import annotations

from fastapi import APIRouter

from casework.api import Casework
from casework.web.pages import account
from casework.web.pages.frame import PageGate


def page_router(cw: Casework) -> APIRouter:
    """Every page, on one API."""
    router, gate = APIRouter(), PageGate(cw)
    account.routes(router, gate)
    return router
