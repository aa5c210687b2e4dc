"""What every page shares: who is looking (a session cookie or a Bearer token), the CSRF token
of a cookie session, the templates and how a refusal lands next to its field.

A page is the CLI's command in a browser: parse the form, call one API method as the viewer,
render. Permission is the API's (role x office): a page never decides who may see what.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from casework.api import Casework
from casework.api.accounts import AuthResult, Channel
from casework.errors import AuthFailed, CaseworkError, NotAllowed
from casework.web.errors import status_of

SESSION_COOKIE = "casework_session"
# Before a session exists (the login form) the CSRF token is a random cookie echoed by the form.
LOGIN_CSRF_COOKIE = "casework_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
TEMPLATES = Path(__file__).parent.parent / "templates"
WEB = Channel("web")

CSRF_REFUSED = "表单已失效或来源不明，请刷新页面后重试 (CSRF token missing or wrong)"
READ_ONLY = "只读令牌不能修改数据 (a read-scope token may not write)"

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)


@dataclass(frozen=True)
class MenuItem:
    path: str
    label: str
    roles: frozenset[str] | None = None  # None: everyone


MENU = (
    MenuItem("/desk", "工作台"),
    MenuItem("/register", "案件登记", frozenset({"clerk", "supervisor", "admin"})),
    MenuItem("/search", "案件查询"),
    # 统计员 is the role ``viewer`` (workflows.policy.ROLES).
    MenuItem("/stats", "统计分析", frozenset({"viewer", "supervisor", "leader", "admin"})),
    MenuItem("/reports", "报表", frozenset({"viewer", "supervisor", "leader", "admin"})),
    MenuItem("/import", "台账导入", frozenset({"supervisor", "admin"})),
    MenuItem("/admin", "系统管理", frozenset({"admin"})),
)


class LoginRequired(Exception):
    """No (or no longer a) session on a page request: the browser goes to the login page."""

    def __init__(self, target: str, reason: str | None = None) -> None:
        super().__init__(target)
        self.target = target
        self.reason = reason


class PasswordChangeRequired(Exception):
    """A password set by an admin: nothing but the change-password page until it is changed."""


def csrf_for(secret: str) -> str:
    """A session's form token: a keyed hash of its secret, so it needs no storage and cannot be
    guessed without the HttpOnly cookie."""
    return hmac.new(secret.encode(), b"casework-csrf", hashlib.sha256).hexdigest()[:40]


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Viewer:
    """The person behind a page request, and the API acting as them."""

    cw: Casework
    user: AuthResult
    request: Request
    secret: str
    via_cookie: bool
    csrf: str = field(init=False)

    def __post_init__(self) -> None:
        self.csrf = csrf_for(self.secret)

    @property
    def role(self) -> str:
        return self.user["role"]

    def menu(self) -> list[MenuItem]:
        return [m for m in MENU if m.roles is None or self.role in m.roles]


def request_secret(request: Request) -> tuple[str | None, bool]:
    """The session's or token's secret, and whether it came as the session cookie."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else (None, False)


def back_here(request: Request) -> str:
    """The login page that comes back to this request's page (a local path only)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(here, safe='')}"


def form_token(request: Request, form: dict[str, Any] | None) -> str | None:
    if form is not None and isinstance(form.get(CSRF_FIELD), str):
        return str(form[CSRF_FIELD])
    return request.headers.get(CSRF_HEADER)


class PageGate:
    """The pages' dependencies: ``viewer`` for a page shown, ``writer`` for a form posted."""

    def __init__(self, cw: Casework) -> None:
        self.cw = cw

    def identify(self, request: Request) -> Viewer:
        secret, via_cookie = request_secret(request)
        if secret is None:
            raise LoginRequired(back_here(request))
        try:
            auth = self.cw.authenticate(secret)
        except AuthFailed as exc:
            if not via_cookie:
                raise
            raise LoginRequired(back_here(request), exc.reason) from None
        acting = self.cw.acting(auth["username"])
        acting.channel = WEB
        return Viewer(acting, auth, request, secret, via_cookie)

    def viewer(self, request: Request) -> Viewer:
        v = self.identify(request)
        if v.via_cookie and v.user["must_change"]:
            raise PasswordChangeRequired
        return v

    def viewer_any(self, request: Request) -> Viewer:
        """The viewer even while their password must change (the change page itself)."""
        return self.identify(request)

    async def writer(self, request: Request) -> Viewer:
        v = self.identify(request)
        if v.via_cookie:
            form = await posted(request)
            if not hmac.compare_digest(form_token(request, form) or "", v.csrf):
                raise NotAllowed(CSRF_REFUSED, field=CSRF_FIELD)
            if v.user["must_change"]:
                raise PasswordChangeRequired
        if v.user["scope"] != "write":
            raise NotAllowed(READ_ONLY, field="scope")
        return v


async def posted(request: Request) -> dict[str, Any] | None:
    """The request's form fields (urlencoded or multipart), or None for another body; read
    once and kept, as Starlette caches the parsed form for the endpoint too."""
    kind = request.headers.get("content-type", "")
    if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await request.form()
    return {k: v for k, v in form.items()}


def render(v: Viewer | None, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A template as an HTML answer, with the viewer, their menu and CSRF token."""
    request = v.request if v is not None else context.pop("request")
    base: dict[str, Any] = {
        "v": v,
        "user": v.user if v else None,
        "csrf": v.csrf if v else context.pop("csrf", ""),
        "menu": v.menu() if v else [],
        "path": request.url.path,
        "errors": {},
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


def refused(v: Viewer, exc: CaseworkError, name: str, **context: Any) -> HTMLResponse:
    """A form shown again with the API's refusal next to the field it names (``_form`` when it
    names none), with the refusal's status."""
    errors = {exc.field or "_form": exc.reason}
    return render(v, name, status=status_of(exc), errors=errors, **context)


def error_page(request: Request, status: int, reason: str) -> HTMLResponse:
    """A refusal no form catches, as a page of its own."""
    secret, _ = request_secret(request)
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "v": None,
            "user": None,
            "menu": [],
            "status": status,
            "reason": reason,
            "path": request.url.path,
            "csrf": csrf_for(secret) if secret else "",
        },
        status_code=status,
    )
