"""``casework serve``: the web workbench's JSON API under uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from casework.errors import InvalidData
from cli.state import settings

PORTS = (1, 65535)
# Uvicorn forks this many processes at once: a mistyped count would fork until the host
# runs out, so a count beyond a large server's cores is refused.
MAX_WORKERS = 256


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", help=f"Worker processes (uvicorn's), 1..{MAX_WORKERS}.")
    ] = 1,
) -> None:
    """Serve the web workbench's JSON API (/api/v1) on the same database as every command.

    Example: casework --db gaozhou.db serve --host 0.0.0.0 --port 8000 --workers 4

    Put it behind the intranet's reverse proxy for HTTPS. Users log in with the password an
    admin set (casework user passwd); scripts use an API token (casework user token).
    """
    # uvicorn and the web framework are imported only when serving: no other command pays
    # for them at start-up.
    from casework.web.server import run

    if not PORTS[0] <= port <= PORTS[1]:
        # Refused before anything binds: uvicorn would fail later, or bind a port not asked.
        raise InvalidData(
            f"端口 port {port} 超出范围 out of range ({PORTS[0]}..{PORTS[1]})",
            field="port",
            value=port,
        )
    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidData(
            f"进程数 workers {workers} 超出范围 out of range (1..{MAX_WORKERS})",
            field="workers",
            value=workers,
        )
    s = settings(ctx)
    database = s.database()
    # Refuse a missing or old database here, with the usual one line, before any worker starts.
    s.open().close()
    os.environ["CASEWORK_DB"] = database
    run(host, port, workers)
