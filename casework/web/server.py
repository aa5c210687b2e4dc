"""Running the workbench under uvicorn, its worker processes sharing one listening socket.

With ``--workers`` above 1 uvicorn binds the socket itself and leaves its protocol number at 0;
the connections accepted on it inherit that 0, and asyncio then leaves Nagle's algorithm on for
them (it sets ``TCP_NODELAY`` only where the protocol reads IPPROTO_TCP). Every request on a
kept-alive connection after the first then waited some 40 ms for the browser's delayed ACK
before the body followed the headers (uvicorn issue #3149, open). The socket is re-made here
with its protocol said, so that each worker's connections send at once.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "casework.web.app:from_environment"


class TcpConfig(uvicorn.Config):
    """uvicorn's configuration, its bound TCP socket marked as TCP."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return sock  # a Unix socket: no Nagle
        tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        tcp.set_inheritable(True)
        return tcp


def config(host: str, port: int, workers: int) -> TcpConfig:
    # Each worker process builds the application from the environment (uvicorn's factory).
    return TcpConfig(APP, factory=True, host=host, port=port, workers=workers, proxy_headers=True)


def run(host: str, port: int, workers: int) -> None:
    """Serve until stopped: one process, or ``workers`` of them on one socket."""
    made = config(host, port, workers)
    if workers > 1:
        Multiprocess(made, sockets=[made.bind_socket()]).run()
    else:
        uvicorn.Server(made).run()
