"""What wraps every request, whatever endpoint answers it: a cap on the body's size, the
security headers, and an unexpected exception turned into a 500 without a stack trace.

A plain ASGI middleware rather than FastAPI's: it sees the body before any endpoint parses it
and the exceptions no handler caught, and it adds the headers to every answer, refusals and
500s included.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casework.web.errors import INTERNAL, log, refusal

MAX_BODY = 1024 * 1024  # 1 MB: far above any case's JSON, far below what would hurt the server

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
        b"form-action 'self'; img-src 'self' data:; frame-ancestors 'none'",
    ),
    (b"referrer-policy", b"no-referrer"),
    # Answers hold personal data (masked or not): no shared or browser cache keeps them.
    (b"cache-control", b"no-store"),
)
# A ledger upload (导入) is the one body allowed to be larger: 16 MB is a CSV of about 130,000
# rows, a city's year and more, which the import checks in about 12 s (docs/performance.md).
LARGE_BODIES = {"/import": 16 * 1024 * 1024}
# A document of a case file uploaded on the case page (a scanned letter or notice): 16 MB too.
DOCUMENT_UPLOAD = 16 * 1024 * 1024


# The session cookie's name (casework.web.pages.frame.SESSION_COOKIE, which a test keeps equal).
SESSION_COOKIE = b"casework_session"


def credentialed(scope: Scope) -> bool:
    """Whether a request carries a session cookie or a Bearer token at all (checked by the
    endpoint): only such a request may send one of the larger bodies, so that no one without
    an account makes the server read 16 MB before refusing it."""
    headers = dict(scope.get("headers", []))
    if headers.get(b"authorization", b"")[:7].lower() == b"bearer ":
        return True
    cookies = headers.get(b"cookie", b"")
    return any(part.strip().startswith(SESSION_COOKIE + b"=") for part in cookies.split(b";"))


def body_cap(path: str, default: int) -> int:
    """The largest body a path takes."""
    if path.startswith("/cases/") and path.endswith("/documents"):
        return DOCUMENT_UPLOAD
    return LARGE_BODIES.get(path, default)


def too_large(cap: int) -> str:
    return f"请求体超过 {cap // 1024} KB (request body too large)"


TOO_LARGE = too_large(MAX_BODY)


class TooLarge(Exception):
    """The body grew past the cap while being read."""


class Guard:
    """The ASGI middleware: body cap, security headers, internal errors."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        cap = body_cap(scope.get("path", ""), self.max_body)
        if not credentialed(scope):
            cap = min(cap, self.max_body)
        try:
            body = await self.read_body(scope, receive, cap)
        except TooLarge:
            await refusal(413, too_large(cap))(scope, receive, send_with_headers)
            return
        try:
            await self.app(scope, replay(body, receive), send_with_headers)
        except Exception:
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await refusal(500, INTERNAL)(scope, receive, send_with_headers)

    async def read_body(self, scope: Scope, receive: Receive, cap: int) -> bytes:
        """The whole body, refused as soon as it says or turns out to be over the cap."""
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            raise TooLarge
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message: MutableMapping[str, Any] = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                raise TooLarge
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        return b"".join(chunks)


def replay(body: bytes, server: Receive) -> Receive:
    """A ``receive`` that gives the body read already, then the server's own messages: its
    ``receive`` waits until the client goes away, as a streamed answer (a file) relies on. An
    immediate ``http.disconnect`` there cut every file answer to an empty body."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await server()

    return receive
