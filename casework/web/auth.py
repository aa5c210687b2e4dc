"""Who is asking: the ``Authorization: Bearer TOKEN`` of a request, a session's secret from
``POST /api/v1/login`` or an API token, authenticated by the accounts API on every request (so a
revoked token or a deactivated user is refused at once). The acting user is the token's user;
a read-scope token may read only."""

from __future__ import annotations

from fastapi import Request

from casework.api import Casework
from casework.api.accounts import Channel
from casework.errors import AuthFailed, NotAllowed

MISSING = "需要登录：请求头 Authorization: Bearer TOKEN (authentication required)"
READ_ONLY = "只读令牌不能修改数据 (a read-scope token may not write)"
# Whatever started the server (``casework serve`` opens the API as the CLI does), what comes
# through /api/v1 is recorded as the JSON API's.
API = Channel("api")


def bearer(request: Request) -> str:
    """The token of the request's Authorization header; refused (401) when there is none."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthFailed(MISSING)
    return token.strip()


def client(request: Request) -> tuple[str | None, str | None]:
    """The address and user agent the login log keeps."""
    return (request.client.host if request.client else None, request.headers.get("user-agent"))


class Gate:
    """The API as the user of a request's token: dependencies of the endpoints."""

    def __init__(self, cw: Casework) -> None:
        self.cw = cw

    def reader(self, request: Request) -> Casework:
        auth = self.cw.authenticate(bearer(request))
        return self._as(auth["username"])

    def _as(self, username: str) -> Casework:
        acting = self.cw.acting(username)
        acting.channel = API
        return acting

    def writer(self, request: Request) -> Casework:
        auth = self.cw.authenticate(bearer(request))
        if auth["scope"] != "write":
            raise NotAllowed(READ_ONLY, field="scope")
        return self._as(auth["username"])
