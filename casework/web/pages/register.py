"""登记 /register: pick a procedure, then its form generated from the procedure (its fields,
choices with their Chinese labels, required ones, the parties with role, name, ID number and
phone). As the clerk types, ``/register/check`` answers a partial with each party's ID-number
and phone check and the same person's earlier cases (the API's repeat detection), before
anything is saved; saving registers through ``Casework.register`` and goes to the case page.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casework.api import Casework
from casework.errors import CaseworkError, InvalidData, NotAllowed
from casework.web.pages.frame import PageGate, Viewer, posted, refused, render

PARTY_ROWS = 3
TITLE_LIMIT = 200
VALUE_LIMIT = 4000
FIELD_INPUT = {"int": "number", "date": "date"}
DATA_PREFIX = "d_"
PARTY_PARTS = ("role", "name", "id_number", "phone")
NO_KIND = "请选择案件类型 (choose a procedure)"


def clean(name: str, text: str, limit: int = VALUE_LIMIT) -> str:
    """A typed value, refused at its field when too long or holding control characters."""
    if len(text) > limit:
        raise InvalidData(f"内容过长，不能超过 {limit} 字 (too long)", field=name)
    if any(not ch.isprintable() and ch not in "\n\r\t" for ch in text):
        raise InvalidData("内容含有控制字符 (control characters)", field=name)
    return text.strip()


def parties_of(form: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The party rows filled in: (role, name, ID number, phone) each, in the form's order."""
    out = []
    for i in range(PARTY_ROWS):
        row = tuple(
            clean(f"parties.{i}.{part}", str(form.get(f"parties.{i}.{part}", "")), TITLE_LIMIT)
            for part in PARTY_PARTS
        )
        if row[1] or row[2] or row[3]:
            if ":" in "".join(row) or "：" in "".join(row):
                raise InvalidData("不能含有冒号 (no colons)", field=f"parties.{i}.name")
            out.append((row[0], row[1], row[2], row[3]))
    return out


def data_of(form: dict[str, Any]) -> dict[str, str]:
    data = {}
    for key, value in form.items():
        if key.startswith(DATA_PREFIX) and isinstance(value, str):
            text = clean(key[len(DATA_PREFIX) :], value)
            if text:
                data[key[len(DATA_PREFIX) :]] = text
    return data


def field_forms(fields: list[Any]) -> list[dict[str, Any]]:
    """A procedure's fields as form inputs: their input type and their choices' labels."""
    return [
        {
            **f,
            "input": FIELD_INPUT.get(f["kind"], "text"),
            "options": list((f["choices"] or {}).items()),
        }
        for f in fields
    ]


def form_context(v: Viewer, kind: str | None, form: dict[str, Any]) -> dict[str, Any]:
    kinds = v.cw.register_kinds()
    context: dict[str, Any] = {"kinds": kinds, "kind": kind, "form": form, "check": None}
    if kind is None or kind not in dict(kinds):
        return context
    wf = v.cw.workflow(kind)
    own = v.user["office"]
    offices = v.cw.offices()
    town = any(o["code"] == own and o["level"] == "town" for o in offices)
    context.update(
        workflow=wf,
        fields=field_forms(wf["register_fields"]),
        roles=v.cw.party_roles(kind),
        rows=range(PARTY_ROWS),
        offices=[(o["code"], o["name"]) for o in offices if not town or o["code"] == own],
        office=form.get("office") or own or "",
    )
    return context


def precheck(cw: Casework, kind: str, form: dict[str, Any]) -> dict[str, Any]:
    title = clean("title", str(form.get("title", "")), TITLE_LIMIT)
    request = str(form.get(DATA_PREFIX + "request", "")) or None
    return dict(cw.check_registration(kind, title, parties_of(form), request))


def registered(v: Viewer, kind: str, form: dict[str, Any]) -> Response:
    """Checked first (each party's ID number and phone at its own field), then registered."""
    check = precheck(v.cw, kind, form)
    if check["problems"]:
        context = {**form_context(v, kind, form), "check": check}
        return render(v, "register.html", status=422, **context, errors=check["problems"])
    title = clean("title", str(form.get("title", "")), TITLE_LIMIT)
    parties = [":".join(p) for p in parties_of(form)]
    at = str(form.get("at", "")).strip() or None
    note = clean("note", str(form.get("note", ""))) or None
    office = str(form.get("office", ""))[:60]
    done = v.cw.register(kind, office, title, parties, data_of(form), at, note)
    return RedirectResponse(f"/cases/{quote(done['case_no'])}", status_code=303)


def routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/register")
    def register_page(
        v: Annotated[Viewer, Depends(gate.viewer)],
        kind: Annotated[str | None, Query(max_length=40)] = None,
    ) -> HTMLResponse:
        return render(v, "register.html", **form_context(v, kind, {}))

    @router.post("/register")
    async def register(v: Annotated[Viewer, Depends(gate.writer)]) -> Response:
        form = await posted(v.request) or {}
        kind = str(form.get("kind", ""))[:40]
        try:
            if kind not in dict(v.cw.register_kinds()):
                raise NotAllowed(NO_KIND, field="kind")
            return registered(v, kind, form)
        except CaseworkError as exc:
            return refused(v, exc, "register.html", **form_context(v, kind, form))

    @router.post("/register/check")
    async def check(v: Annotated[Viewer, Depends(gate.writer)]) -> HTMLResponse:
        form = await posted(v.request) or {}
        kind = str(form.get("kind", ""))[:40]
        try:
            found = precheck(v.cw, kind, form)
        except CaseworkError as exc:
            found = {"problems": {exc.field or "_form": exc.reason}, "related": []}
        return render(v, "partials/register_check.html", check=found, rows=range(PARTY_ROWS))
