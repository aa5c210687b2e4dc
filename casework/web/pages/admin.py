"""管理 admin: offices, users, holiday files, the subsidy scale, the login log and the open
sessions, each a sub-page with a search form above a paged table and its acts in dialogs.

Each act is one API call as the admin (channel ``web``), recorded in the admin log as the CLI's
are. The section itself is the admins' (the menu's rule): anyone else gets 403 before any read;
what an admin may do is still the API's to decide.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casework.errors import CaseworkError, InvalidData, NotAllowed
from casework.web.pages.frame import PageGate, Viewer, refused, render

PAGE_SIZE = 20
ADMINS_ONLY = "系统管理仅限管理员 admin (admins only)"
ROLES = {
    "clerk": "登记员",
    "mediator": "调解员",
    "supervisor": "负责人",
    "leader": "包案领导",
    "admin": "管理员",
    "viewer": "统计员",
}
LEVELS = {"town": "镇街", "city": "市级"}
# What the page says after a form posted well (post, then redirect, then get).
NOTICES = {
    "office": "已添加单位 (office added)",
    "user": "已添加用户 (user added)",
    "changed": "已修改用户的角色或单位 (user changed)",
    "deactivated": "已停用用户，其会话已结束 (user deactivated, sessions ended)",
    "password": "已重置密码，用户下次登录时须修改 (password reset: to change at next login)",
    "calendar": "已添加节假日文件 (holiday file added)",
    "scale": "已设置以案定补标准 (scale set)",
    "revoked": "已强制下线 (session revoked)",
}
NO_HOLIDAY_FILE = "请选择节假日文件 (choose a holiday file)"
NO_AMOUNT = "请至少填写一个档次的金额 (give at least one tier's amount)"

Text = Annotated[str, Form(max_length=200)]
T = TypeVar("T")


def admin_only(v: Viewer) -> Viewer:
    if v.role != "admin":
        raise NotAllowed(ADMINS_ONLY, field="user")
    return v


@dataclass(frozen=True)
class Paged:
    """One page of a table's rows, and the address of its other pages."""

    rows: Sequence[Any]
    page: int
    pages: int
    total: int
    url: str


def paged(rows: Sequence[T], page: int, path: str, query: dict[str, str]) -> Paged:
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    kept = {k: v for k, v in query.items() if v}
    url = f"{path}?{urlencode(kept)}&" if kept else f"{path}?"
    start = (page - 1) * PAGE_SIZE
    return Paged(rows[start : start + PAGE_SIZE], page, pages, len(rows), url)


def after(path: str, notice: str) -> Response:
    return RedirectResponse(f"{path}?done={notice}", status_code=303)


def parse_day(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidData(f"日期 {text[:20]!r} 应为 YYYY-MM-DD (a date)", field=name) from None


def office_choices(v: Viewer) -> list[tuple[str, str]]:
    return [(o["code"], f"{o['name']} {o['code']}") for o in v.cw.offices()]


def matches(q: str, *values: Any) -> bool:
    return not q or any(q.lower() in str(value or "").lower() for value in values)


# -- the pages' contexts: what a GET shows, and a refused form again ---------------------------


def offices_context(v: Viewer, q: str = "", level: str = "", page: int = 1) -> dict[str, Any]:
    rows = [
        o
        for o in v.cw.offices()
        if matches(q, o["code"], o["name"]) and (not level or o["level"] == level)
    ]
    query = {"q": q, "level": level}
    return {
        "table": paged(rows, page, "/admin/offices", query),
        "query": query,
        "levels": list(LEVELS.items()),
        "offices": office_choices(v),
    }


def users_context(
    v: Viewer, q: str = "", role: str = "", office: str = "", page: int = 1
) -> dict[str, Any]:
    rows = [
        u
        for u in v.cw.users()
        if matches(q, u["username"], u["name"])
        and (not role or u["role"] == role)
        and (not office or u["office"] == office)
    ]
    query = {"q": q, "role": role, "office": office}
    return {
        "table": paged(rows, page, "/admin/users", query),
        "query": query,
        "roles": list(ROLES.items()),
        "offices": office_choices(v),
    }


def logins_context(
    v: Viewer, user: str = "", start: str = "", end: str = "", page: int = 1
) -> dict[str, Any]:
    first, last = parse_day(start, "from"), parse_day(end, "to")
    rows = [
        r
        for r in reversed(v.cw.login_log(first))
        if matches(user, r["username"]) and (last is None or r["at"][:10] <= last.isoformat())
    ]
    query = {"user": user, "from": start, "to": end}
    return {"table": paged(rows, page, "/admin/logins", query), "query": query}


def sessions_context(v: Viewer, user: str = "", page: int = 1) -> dict[str, Any]:
    rows = [s for s in v.cw.sessions() if matches(user, s["username"])]
    query = {"user": user}
    return {"table": paged(rows, page, "/admin/sessions", query), "query": query}


def retry(
    v: Viewer,
    exc: CaseworkError,
    name: str,
    context: Callable[[Viewer], dict[str, Any]],
    **more: Any,
) -> HTMLResponse:
    """A refused form: the page again, its dialog open, the message at its field."""
    return refused(v, exc, name, **context(v), **more)


# -- routes ------------------------------------------------------------------------------------


def overview_routes(router: APIRouter, look: Any) -> None:
    @router.get("/admin")
    def overview(v: Annotated[Viewer, Depends(look)]) -> HTMLResponse:
        counts = {
            "offices": len(v.cw.offices()),
            "users": sum(u["active"] for u in v.cw.users()),
            "sessions": len(v.cw.sessions()),
            "years": len(v.cw.calendar_show()["years"]),
        }
        return render(v, "admin.html", counts=counts)


def office_routes(router: APIRouter, look: Any, act: Any) -> None:
    @router.get("/admin/offices")
    def offices(
        v: Annotated[Viewer, Depends(look)],
        q: str = "",
        level: str = "",
        done: str = "",
        page: int = 1,
    ) -> HTMLResponse:
        context = offices_context(v, q[:100], level[:20], page)
        return render(v, "admin_offices.html", notice=NOTICES.get(done), **context)

    @router.post("/admin/offices")
    def add_office(
        v: Annotated[Viewer, Depends(act)],
        code: Text,
        name: Text,
        level: Text,
        kind: Text = "",
        parent: Text = "",
    ) -> Response:
        try:
            v.cw.add_office(code.strip(), name.strip(), level, kind or None, parent or None)
        except CaseworkError as exc:
            form = {"code": code, "name": name, "level": level, "kind": kind, "parent": parent}
            return retry(v, exc, "admin_offices.html", offices_context, form=form)
        return after("/admin/offices", "office")


def user_routes(router: APIRouter, look: Any, act: Any) -> None:
    @router.get("/admin/users")
    def users(
        v: Annotated[Viewer, Depends(look)],
        q: str = "",
        role: str = "",
        office: str = "",
        done: str = "",
        page: int = 1,
    ) -> HTMLResponse:
        context = users_context(v, q[:100], role[:20], office[:40], page)
        return render(v, "admin_users.html", notice=NOTICES.get(done), **context)

    @router.post("/admin/users")
    def add_user(
        v: Annotated[Viewer, Depends(act)],
        username: Text,
        name: Text,
        role: Text,
        office: Text = "",
    ) -> Response:
        try:
            v.cw.add_user(username.strip(), name.strip(), role, office or None)
        except CaseworkError as exc:
            form = {"username": username, "name": name, "role": role, "office": office}
            return retry(v, exc, "admin_users.html", users_context, form=form)
        return after("/admin/users", "user")

    user_act_routes(router, act)


def user_act_routes(router: APIRouter, act: Any) -> None:
    """A user's row: change role or office, deactivate, reset the password."""

    def acted(v: Viewer, username: str, call: Callable[[], object], notice: str) -> Response:
        try:
            call()
        except CaseworkError as exc:
            return retry(v, exc, "admin_users.html", users_context, target=username)
        return after("/admin/users", notice)

    @router.post("/admin/users/{username}/change")
    def change(
        v: Annotated[Viewer, Depends(act)], username: str, role: Text = "", office: Text = ""
    ) -> Response:
        return acted(
            v,
            username,
            lambda: v.cw.change_user(username, role or None, office or None),
            "changed",
        )

    @router.post("/admin/users/{username}/deactivate")
    def deactivate(v: Annotated[Viewer, Depends(act)], username: str) -> Response:
        return acted(v, username, lambda: v.cw.deactivate_user(username), "deactivated")

    @router.post("/admin/users/{username}/password")
    def reset(v: Annotated[Viewer, Depends(act)], username: str, password: Text) -> Response:
        return acted(v, username, lambda: v.cw.set_password(username, password), "password")


def calendar_context(v: Viewer) -> dict[str, Any]:
    return {"coverage": v.cw.calendar_show()}


def add_holiday_file(v: Viewer, upload: UploadFile | None) -> object:
    """The upload as ``casework calendar add`` reads a file: by its own name, then gone."""
    name = Path((upload.filename or "") if upload else "").name
    if upload is None or not name:
        raise InvalidData(NO_HOLIDAY_FILE, field="holiday_file")
    folder = Path(tempfile.mkdtemp(prefix="casework-holidays-"))
    try:
        path = folder / name
        path.write_bytes(upload.file.read())
        return v.cw.calendar_add(str(path))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def calendar_routes(router: APIRouter, look: Any, act: Any) -> None:
    @router.get("/admin/calendar")
    def calendar(v: Annotated[Viewer, Depends(look)], done: str = "") -> HTMLResponse:
        return render(v, "admin_calendar.html", notice=NOTICES.get(done), **calendar_context(v))

    @router.post("/admin/calendar")
    def add(v: Annotated[Viewer, Depends(act)], holiday_file: UploadFile | None = None) -> Response:
        try:
            add_holiday_file(v, holiday_file)
        except CaseworkError as exc:
            return retry(v, exc, "admin_calendar.html", calendar_context)
        return after("/admin/calendar", "calendar")


def scale_context(v: Viewer) -> dict[str, Any]:
    return {"scale": v.cw.subsidy.scale()}


def scale_amounts(form: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The tiers given an amount (``amount.TIER``), and a new tier with its label."""
    amounts = {
        key[7:]: str(value).strip()
        for key, value in form.items()
        if key.startswith("amount.") and str(value).strip()
    }
    labels: dict[str, str] = {}
    tier = str(form.get("new_tier", "")).strip()
    if tier:
        amounts[tier] = str(form.get("new_amount", "")).strip()
        labels[tier] = str(form.get("new_label", "")).strip()
    if not amounts:
        raise InvalidData(NO_AMOUNT, field="amounts")
    return amounts, labels


def scale_routes(router: APIRouter, look: Any, act: Any) -> None:
    @router.get("/admin/subsidy")
    def scale(v: Annotated[Viewer, Depends(look)], done: str = "") -> HTMLResponse:
        return render(v, "admin_subsidy.html", notice=NOTICES.get(done), **scale_context(v))

    @router.post("/admin/subsidy")
    async def set_scale(v: Annotated[Viewer, Depends(act)]) -> Response:
        form = {k: val for k, val in (await v.request.form()).items() if isinstance(val, str)}
        try:
            amounts, labels = scale_amounts(form)
            v.cw.subsidy.set_scale(form.get("from", ""), amounts, labels or None)
        except CaseworkError as exc:
            return retry(v, exc, "admin_subsidy.html", scale_context, form=form)
        return after("/admin/subsidy", "scale")


def log_routes(router: APIRouter, look: Any, act: Any) -> None:
    @router.get("/admin/logins")
    def logins(
        v: Annotated[Viewer, Depends(look)],
        user: str = "",
        start: Annotated[str, Query(alias="from")] = "",
        end: Annotated[str, Query(alias="to")] = "",
        page: int = 1,
    ) -> HTMLResponse:
        try:
            context = logins_context(v, user[:64], start[:20], end[:20], page)
        except CaseworkError as exc:
            context = logins_context(v, user[:64])
            return refused(v, exc, "admin_logins.html", **context)
        return render(v, "admin_logins.html", **context)

    @router.get("/admin/sessions")
    def sessions(
        v: Annotated[Viewer, Depends(look)], user: str = "", done: str = "", page: int = 1
    ) -> HTMLResponse:
        context = sessions_context(v, user[:64], page)
        return render(v, "admin_sessions.html", notice=NOTICES.get(done), **context)

    @router.post("/admin/sessions/{session_id}/revoke")
    def revoke(v: Annotated[Viewer, Depends(act)], session_id: int) -> Response:
        try:
            v.cw.revoke_session(session_id)
        except CaseworkError as exc:
            return retry(v, exc, "admin_sessions.html", sessions_context)
        return after("/admin/sessions", "revoked")


def routes(router: APIRouter, gate: PageGate) -> None:
    def look(v: Annotated[Viewer, Depends(gate.viewer)]) -> Viewer:
        return admin_only(v)

    def act(v: Annotated[Viewer, Depends(gate.writer)]) -> Viewer:
        return admin_only(v)

    overview_routes(router, look)
    office_routes(router, look, act)
    user_routes(router, look, act)
    calendar_routes(router, look, act)
    scale_routes(router, look, act)
    log_routes(router, look, act)
