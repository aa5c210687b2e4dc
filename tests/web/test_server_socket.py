"""``casework serve --workers N``: the connections its workers accept send at once
(casework.web.server; uvicorn issue #3149 left Nagle's algorithm on for them)."""

from __future__ import annotations

import asyncio
import socket
import threading

from casework.web.server import TcpConfig, config


def accepted_nodelay(listening: socket.socket) -> int:
    """TCP_NODELAY on a connection asyncio accepts on ``listening``, as uvicorn's workers do."""
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def probe() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
        port = listening.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        while not seen:
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    # A thread of its own: a browser test on this worker may leave an event loop running here.
    runner = threading.Thread(target=lambda: asyncio.run(asyncio.wait_for(probe(), 10)))
    runner.start()
    runner.join(20)
    return seen[0]


def test_the_workers_socket_is_tcp_and_its_connections_have_nodelay() -> None:
    made = config("127.0.0.1", 0, 2)
    assert isinstance(made, TcpConfig) and made.workers == 2
    listening = made.bind_socket()
    assert listening.proto == socket.IPPROTO_TCP and listening.get_inheritable()
    assert accepted_nodelay(listening) == 1
