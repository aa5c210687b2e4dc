"""登录 login, 修改密码 password change, 退出 logout: the pages before and around a session.

The session is the accounts API's (server-side, idle timeout and lifetime, revocable); the
browser holds only its secret, in an HttpOnly cookie. A new session is made at every login, so
a secret planted before it is worth nothing after (rotation at login, web.md).
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casework.errors import AccountLocked, AuthFailed, CaseworkError, InvalidData
from casework.web.auth import client
from casework.web.pages.frame import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    PageGate,
    Viewer,
    new_login_csrf,
    refused,
    render,
    templates,
)

Text = Annotated[str, Form(max_length=200)]
LOGIN_EXPIRED = "表单已失效，请重新登录 (login form expired)"
MISMATCH = "两次输入的新密码不一致 (the passwords differ)"


def safe_next(target: str | None) -> str:
    """Where to go after login: a local path only, never another site."""
    path = unquote(target or "")
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/desk"
    return path


def secure(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (directly or through the reverse proxy)."""
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.lower() == "https"


def login_form(
    request: Request,
    status: int = 200,
    error: str | None = None,
    username: str = "",
    target: str = "/desk",
) -> HTMLResponse:
    token = new_login_csrf()
    answer = templates.TemplateResponse(
        request,
        "login.html",
        {
            "v": None,
            "user": None,
            "menu": [],
            "path": "/login",
            "csrf": token,
            "error": error,
            "username": username,
            "next": target,
            "errors": {},
        },
        status_code=status,
    )
    answer.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure(request),
        path="/login",
    )
    return answer


def login_routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/login")
    def login_page(request: Request, next: str | None = None, expired: int = 0) -> HTMLResponse:
        error = "会话已超时或已被注销，请重新登录 (session ended)" if expired else None
        return login_form(request, error=error, target=safe_next(next))

    @router.post("/login")
    def login(
        request: Request,
        username: Text,
        password: Text,
        csrf_token: Text,
        next: Annotated[str, Form(max_length=500)] = "/desk",
    ) -> Response:
        target = safe_next(next)
        if csrf_token != request.cookies.get(LOGIN_CSRF_COOKIE):
            return login_form(request, 403, LOGIN_EXPIRED, username, target)
        address, agent = client(request)
        try:
            done = gate.cw.login(username, password, address, agent)
        except CaseworkError as exc:
            status = 423 if isinstance(exc, AccountLocked) else 401
            return login_form(request, status, exc.reason, username, target)
        go = "/password" if done["must_change"] else target
        answer = RedirectResponse(go, status_code=303)
        answer.set_cookie(
            SESSION_COOKIE,
            done["token"],
            httponly=True,
            samesite="lax",
            secure=secure(request),
            path="/",
        )
        answer.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
        return answer

    @router.post("/logout")
    def logout(v: Annotated[Viewer, Depends(gate.writer)]) -> Response:
        address, agent = client(v.request)
        gate.cw.logout(v.secret, address, agent)
        answer = RedirectResponse("/login", status_code=303)
        answer.delete_cookie(SESSION_COOKIE, path="/")
        return answer


def password_routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/password")
    def password_page(v: Annotated[Viewer, Depends(gate.viewer_any)]) -> HTMLResponse:
        return render(v, "password.html")

    @router.post("/password")
    def change(
        v: Annotated[Viewer, Depends(gate.viewer_any)],
        old: Text,
        new: Text,
        again: Text,
        csrf_token: Text,
    ) -> Response:
        if csrf_token != v.csrf:
            return refused(v, AuthFailed(LOGIN_EXPIRED, field="_form"), "password.html")
        if new != again:
            return refused(v, InvalidData(MISMATCH, field="again"), "password.html")
        address, agent = client(v.request)
        try:
            v.cw.change_password(old, new, address, agent)
        except CaseworkError as exc:
            # The API names the new password ``password``; on this form it is ``new``.
            if exc.field == "password":
                exc = InvalidData(exc.reason, field="new")
            return refused(v, exc, "password.html")
        return RedirectResponse("/desk", status_code=303)


def routes(router: APIRouter, gate: PageGate) -> None:
    login_routes(router, gate)
    password_routes(router, gate)

    @router.get("/")
    def home() -> Response:
        return RedirectResponse("/desk", status_code=303)
